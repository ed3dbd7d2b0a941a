#!/usr/bin/env bash
# Removes duplicate lines from every PublicAPI.Unshipped.txt (a union merge of two branches can repeat a symbol).
set -euo pipefail
cd "$(dirname "$0")/.."
for f in src/*/PublicAPI.Unshipped.txt; do
  { head -n 1 "$f"; tail -n +2 "$f" | grep -v '^[[:space:]]*$' | LC_ALL=C sort -u; } > "$f.tmp" && mv "$f.tmp" "$f"
done
