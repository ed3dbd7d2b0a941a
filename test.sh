#!/usr/bin/env bash
# Runs every test of the solution against a real local PostgreSQL (prepared by eng/postgres.sh).
# Extra arguments go to `dotnet test` (for example: ./test.sh --filter "FullyQualifiedName~Metrics").
# Test results (TRX) land in artifacts/test-results/<test project>/.
set -euo pipefail
cd "$(dirname "$0")"
eval "$(eng/postgres.sh)"
eng/chromium.sh   # Debian's Chromium for the dashboard's browser tests (installed when missing)
rm -rf artifacts/test-results
dotnet test QuantumLM.sln -c Release --nologo \
  --logger "trx" --logger "console;verbosity=minimal" "$@"
