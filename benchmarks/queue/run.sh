#!/usr/bin/env bash
# Queue benchmark, side by side on one loopback PostgreSQL (eng/postgres.sh): QuantumLM's queue, then (unless
# PEERS=0) graphile-worker and pg-boss from the npm registry, each burning down N no-op tasks.
#   benchmarks/queue/run.sh [N]          (default N=100000; bounded by TIMEOUT seconds per configuration, default 300)
# Prints one line per system and configuration, "<system> <config> <tasks/s>", the pickup latency at 100 tasks/s,
# and last "quantumlm/best-peer ratio: <x>" (best configuration of each side). A QuantumLM configuration that does
# not finish within TIMEOUT reports its rate over the bound, marked "(partial …)".
set -euo pipefail
cd "$(dirname "$0")/../.."
N="${1:-100000}"
TIMEOUT="${TIMEOUT:-300}"
eval "$(eng/postgres.sh)"
DB=qlm_bench
owner_base="$QUANTUMLM_TEST_DB"
psql_owner() { PGPASSWORD="$(sed -E 's/.*Password=([^;]*).*/\1/' <<<"$owner_base")" psql -h 127.0.0.1 -p "${QUANTUMLM_PG_PORT:-54329}" -U quantumlm_owner -d quantumlm_test -v ON_ERROR_STOP=1 -qAt "$@"; }
if [ -z "$(psql_owner -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" ]; then
  psql_owner -c "CREATE DATABASE $DB OWNER quantumlm_owner" >/dev/null
  psql_owner -c "GRANT CONNECT ON DATABASE $DB TO quantumlm_app" >/dev/null
fi
export QLM_BENCH_OWNER="${owner_base/Database=quantumlm_test/Database=$DB}"
export QLM_BENCH_DB="${QUANTUMLM_DB/Database=quantumlm/Database=$DB}"
dotnet build benchmarks/QuantumLM.Persistence.Postgres.Benchmarks -c Release --nologo -v quiet -clp:ErrorsOnly >&2
H="dotnet benchmarks/QuantumLM.Persistence.Postgres.Benchmarks/bin/Release/net10.0/QuantumLM.Persistence.Postgres.Benchmarks.dll"
$H setup
results=$(mktemp)
for c in 1 4 16; do
  for b in 1 100; do
    timeout "$((TIMEOUT + 60))" $H burn "$N" "$c" "$b" "$TIMEOUT" | tee -a "$results" || echo "quantumlm c=$c,batch=$b failed" | tee -a "$results"
  done
done
timeout "$TIMEOUT" $H latency 100 10 || echo "quantumlm latency timeout"

if [ "${PEERS:-1}" != "0" ]; then
  peers="benchmarks/queue/peers"
  (cd "$peers" && [ -d node_modules ] || npm install --no-audit --no-fund --silent) >&2
  PG="postgres://quantumlm_owner:$(sed -E 's/.*Password=([^;]*).*/\1/' <<<"$owner_base")@127.0.0.1:${QUANTUMLM_PG_PORT:-54329}/$DB"
  for c in 1 4 16; do
    timeout "$TIMEOUT" node "$peers/graphile.mjs" "$PG" "$N" "$c" plain | tee -a "$results" || echo "graphile-worker c=$c timeout" | tee -a "$results"
    timeout "$TIMEOUT" node "$peers/graphile.mjs" "$PG" "$N" "$c" localqueue | tee -a "$results" || echo "graphile-worker c=$c,localQueue timeout" | tee -a "$results"
    timeout "$TIMEOUT" node "$peers/pgboss.mjs" "$PG" "$N" "$c" 1 | tee -a "$results" || echo "pg-boss c=$c timeout" | tee -a "$results"
    timeout "$TIMEOUT" node "$peers/pgboss.mjs" "$PG" "$N" "$c" 100 | tee -a "$results" || echo "pg-boss c=$c,batch=100 timeout" | tee -a "$results"
  done
fi

awk '($1 == "quantumlm" || $1 == "graphile-worker" || $1 == "pg-boss") && $3 ~ /^[0-9.]+$/ { if ($1 == "quantumlm") { if ($3 > q) q = $3 } else { if ($3 > p) p = $3 } }
     END { if (p > 0) printf "quantumlm/best-peer ratio: %.2f\n", q / p; else print "quantumlm/best-peer ratio: n/a (no peer ran)" }' "$results"
rm -f "$results"
