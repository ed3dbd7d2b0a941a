#!/usr/bin/env bash
# HTTP load check of the reference host on loopback (issue #10 §6), bounded in time:
#   1. authenticated GET /api/quantum/jobs            (wrk, get_jobs.lua)
#   2. authenticated POST /api/quantum/jobs           (wrk, post_job.lua: a 2-qubit Bell job, 100 shots)
#   3. SSE fan-out: N subscribers on one session, a burst of events at a fixed rate, every subscriber must get every
#      event once and in order (sse_fanout.py)
# It creates a throwaway database on the eng/postgres.sh cluster, starts the host (API + worker, rate limits off) on
# 127.0.0.1:$PORT, signs up a user, grants it the researcher role, runs the three checks, then stops and drops everything.
#
#   benchmarks/http/run.sh                      # full run: 30 s per wrk phase, 1000 subscribers × 100 events at 100/s
#   SMOKE=1 benchmarks/http/run.sh              # a few seconds, 50 subscribers × 20 events (while others build)
# Knobs: DURATION THREADS CONNECTIONS SSE_SUBSCRIBERS SSE_EVENTS SSE_RATE PORT. Output: benchmarks/http/results/<utc>/
# Targets (issue #10): GET ≥ 5,000 requests/s with p99 ≤ 20 ms on the 2-core machine; SSE: nothing lost, in order.
set -euo pipefail
cd "$(dirname "$0")/../.."
here=benchmarks/http

if [ "${SMOKE:-0}" = 1 ]; then
  : "${DURATION:=3s}" "${CONNECTIONS:=16}" "${SSE_SUBSCRIBERS:=50}" "${SSE_EVENTS:=20}"
fi
DURATION="${DURATION:-30s}"; THREADS="${THREADS:-2}"; CONNECTIONS="${CONNECTIONS:-64}"
SSE_SUBSCRIBERS="${SSE_SUBSCRIBERS:-1000}"; SSE_EVENTS="${SSE_EVENTS:-100}"; SSE_RATE="${SSE_RATE:-100}"; PORT="${PORT:-5090}"

if ! command -v wrk >/dev/null; then
  echo "run.sh: installing wrk from Debian's packages" >&2
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO=sudo
  $SUDO apt-get install -y -qq wrk >&2
fi

eval "$(eng/postgres.sh)"
# Npgsql connection string → libpq environment for psql.
libpq() { # $1: connection string; prints PGHOST=… PGPORT=… PGUSER=… PGPASSWORD=… (shell-quoted)
  local IFS=';'; for kv in $1; do
    case "${kv%%=*}" in
      Host) printf 'PGHOST=%q ' "${kv#*=}" ;; Port) printf 'PGPORT=%q ' "${kv#*=}" ;;
      Username) printf 'PGUSER=%q ' "${kv#*=}" ;; Password) printf 'PGPASSWORD=%q ' "${kv#*=}" ;;
    esac
  done
}
db="qlm_bench_$$"
owner_env="$(libpq "$QUANTUMLM_DB_OWNER")"
app_env="$(libpq "$QUANTUMLM_DB")"
psql_owner() { env $(eval echo "$owner_env") psql -X -q -d "$1" "${@:2}"; }
psql_app() { env $(eval echo "$app_env") psql -X -q -d "$db" "$@"; }

out="$here/results/$(date -u +%Y%m%dT%H%M%SZ)"; mkdir -p "$out"
host_pid=""
cleanup() {
  if [ -n "$host_pid" ]; then kill "$host_pid" 2>/dev/null || true; wait "$host_pid" 2>/dev/null || true; fi
  psql_owner quantumlm -c "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null 2>&1 || true
}
trap cleanup EXIT

psql_owner quantumlm -c "CREATE DATABASE $db OWNER quantumlm_owner" >/dev/null
psql_owner "$db" -c "GRANT CONNECT ON DATABASE $db TO quantumlm_app" >/dev/null

dotnet build samples/ReferenceHost/ReferenceHost.csproj -c Release --nologo -v quiet -clp:ErrorsOnly >&2
base="http://127.0.0.1:$PORT"
ConnectionStrings__QuantumLM="${QUANTUMLM_DB/Database=quantumlm;/Database=$db;};Maximum Pool Size=100" \
ConnectionStrings__QuantumLMOwner="${QUANTUMLM_DB_OWNER/Database=quantumlm;/Database=$db;}" \
QuantumLM__Auth__SigningKey="$(head -c 32 /dev/urandom | base64)" \
QuantumLM__Http__RateLimit__Enabled=false \
Logging__LogLevel__Default=Warning \
  dotnet samples/ReferenceHost/bin/Release/net10.0/QuantumLM.ReferenceHost.dll --urls "$base" >"$out/host.log" 2>&1 &
host_pid=$!
for _ in $(seq 1 120); do curl -fs "$base/health/ready" >/dev/null 2>&1 && break; sleep 0.5; done
curl -fs "$base/health/ready" >/dev/null || { echo "run.sh: host did not become ready; see $out/host.log" >&2; exit 1; }

json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
email="bench-$$@example.test"; password="bench-password-$$"
user_id="$(curl -fs "$base/api/auth/signup" -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" | json "['user_id']")"
psql_app -v ON_ERROR_STOP=1 -c "BEGIN; SELECT set_config('role','quantumlm_service',true), set_config('request.jwt.claims','{\"service\":\"bench\"}',true);
INSERT INTO user_roles (user_id, role_id, assigned_by) VALUES ('$user_id', 2, 'service:bench'); COMMIT;" >/dev/null
QLM_TOKEN="$(curl -fs "$base/api/auth/login" -H 'content-type: application/json' -d "{\"email\":\"$email\",\"password\":\"$password\"}" | json "['access_token']")"
export QLM_TOKEN
session="$(curl -fs "$base/api/arena/session" -H "authorization: Bearer $QLM_TOKEN" -H 'content-type: application/json' -d '{"session_name":"bench"}' | json "['session_id']")"
for _ in $(seq 1 20); do  # a realistic list: 20 jobs
  curl -fs "$base/api/quantum/jobs" -H "authorization: Bearer $QLM_TOKEN" -H 'content-type: application/json' \
    -d '{"circuit":"OPENQASM 2.0;\ninclude \"qelib1.inc\";\nqreg q[2];\ncreg c[2];\nh q[0];\ncx q[0],q[1];\nmeasure q -> c;\n","shots":100}' >/dev/null
done

{
  echo "# QuantumLM HTTP load run $(date -u +%FT%TZ) on $(nproc) cores; wrk -t$THREADS -c$CONNECTIONS -d$DURATION"
  echo "## GET /api/quantum/jobs"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$here/get_jobs.lua" "$base/api/quantum/jobs"
  echo "## POST /api/quantum/jobs"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$here/post_job.lua" "$base/api/quantum/jobs"
  echo "## SSE fan-out: $SSE_SUBSCRIBERS subscribers, $SSE_EVENTS events at $SSE_RATE/s"
} | tee "$out/wrk.txt"

sse_status=0
python3 "$here/sse_fanout.py" --base "$base" --token "$QLM_TOKEN" --session "$session" --subscribers "$SSE_SUBSCRIBERS" \
  --events "$SSE_EVENTS" --rate "$SSE_RATE" --psql "env $(eval echo "$app_env") psql -X -d $db" | tee "$out/sse.json" || sse_status=$?
echo "results: $out" >&2
exit "$sse_status"
