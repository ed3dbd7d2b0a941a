#!/usr/bin/env bash
# Extracts the OpenQASM files of QASMBench (pnnl/QASMBench) small/ and medium/ from a local git mirror into a folder,
# for the corpus test (tests/QuantumLM.Quantum.Tests/OpenQasm/QasmBenchCorpusTests.cs). The files are third-party and
# are never committed here.
#
# Usage: eng/qasmbench.sh <mirror-git-dir> [out-dir]
#   mirror-git-dir  a bare clone/mirror of https://github.com/pnnl/QASMBench (e.g. git clone --mirror ...)
#   out-dir         default: artifacts/qasmbench
# Then: QASMBENCH_DIR=<out-dir> dotnet test tests/QuantumLM.Quantum.Tests -c Release --filter "FullyQualifiedName~QasmBench"
set -euo pipefail
mirror="${1:?usage: eng/qasmbench.sh <mirror-git-dir> [out-dir]}"
out="${2:-$(dirname "$0")/../artifacts/qasmbench}"
if ! git --git-dir="$mirror" rev-parse --verify HEAD >/dev/null 2>&1; then
  echo "error: $mirror is not a git directory with a HEAD" >&2
  exit 2
fi
mkdir -p "$out"
commit=$(git --git-dir="$mirror" rev-parse HEAD)
count=0
missing=0
while IFS= read -r path; do
  if ! git --git-dir="$mirror" cat-file -e "HEAD:$path" 2>/dev/null; then
    echo "skipped (blob absent from the mirror): $path" >&2
    missing=$((missing + 1))
    continue
  fi
  mkdir -p "$out/$(dirname "$path")"
  git --git-dir="$mirror" show "HEAD:$path" > "$out/$path"
  count=$((count + 1))
done < <(git --git-dir="$mirror" ls-tree -r --name-only HEAD | grep -E '^(small|medium)/.*\.qasm$')
echo "$commit" > "$out/COMMIT"
echo "extracted $count files ($missing absent from the mirror) from QASMBench @ ${commit:0:7} into $out"
