#!/usr/bin/env bash
# Runs the QuantumLM platform: the reference host with its embedded defaults (local simulator backend, offline agents,
# built-in sign-up and login) on a local PostgreSQL prepared by eng/postgres.sh.
# Extra arguments go to the host, e.g. ./run.sh --urls http://127.0.0.1:5080
set -euo pipefail
cd "$(dirname "$0")"
eval "$(eng/postgres.sh)"

# A persistent signing key for the built-in token issuer, generated once and kept beside the database password
# (mode 600), so access and refresh tokens survive restarts. An operator-provided QuantumLM__Auth__SigningKey wins.
if [ -z "${QuantumLM__Auth__SigningKey:-}" ]; then
  keyfile="${QUANTUMLM_PG_HOME:-/tmp/quantumlm-pg-$(id -u)}/signing-key"
  if [ ! -s "$keyfile" ]; then
    (umask 077; head -c 32 /dev/urandom | base64 | tr -d '\n' > "$keyfile")
  fi
  QuantumLM__Auth__SigningKey="$(cat "$keyfile")"
  export QuantumLM__Auth__SigningKey
fi
dotnet build samples/ReferenceHost/ReferenceHost.csproj -c Release --nologo -v quiet -clp:ErrorsOnly >&2

url="http://127.0.0.1:5080"
has_urls=0
prev=""
for a in "$@"; do
  case "$a" in
    --urls=*) url="${a#--urls=}"; has_urls=1 ;;
  esac
  if [ "$prev" = "--urls" ]; then url="$a"; has_urls=1; fi
  prev="$a"
done
extra=()
if [ "$has_urls" -eq 0 ]; then extra=(--urls "$url"); fi

echo "QuantumLM reference host: $url  (health: $url/health/ready)"
# --webroot: the dashboard's static files, served from the source tree when run from here.
exec dotnet samples/ReferenceHost/bin/Release/net10.0/QuantumLM.ReferenceHost.dll --webroot samples/ReferenceHost/wwwroot "${extra[@]}" "$@"
