#!/usr/bin/env bash
# eng/chromium.sh: makes sure Debian's Chromium is installed for the dashboard's browser tests
# (tests/QuantumLM.Dashboard.Tests drive it through Playwright; Playwright never downloads a browser here).
#
#   eng/chromium.sh            # installs the chromium package when /usr/bin/chromium is missing (root, or sudo)
#
# Idempotent; progress goes to stderr. The tests read QUANTUMLM_CHROMIUM when Chromium lives elsewhere.
set -euo pipefail

say() { printf 'chromium.sh: %s\n' "$*" >&2; }

BIN="${QUANTUMLM_CHROMIUM:-/usr/bin/chromium}"
if [ -x "$BIN" ]; then
  exit 0
fi

say "Chromium not found at $BIN; installing Debian's chromium package"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >&2
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >&2
if [ ! -x "$BIN" ]; then
  say "chromium is still missing at $BIN after the install"
  exit 1
fi
say "ready: $("$BIN" --version 2>/dev/null || echo "$BIN")"
