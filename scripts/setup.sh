#!/usr/bin/env bash
# Installs what building and testing need on a fresh Debian 12 machine, skipping what is there:
# Debian packages (compilers, Emscripten, Boost.Test, nlohmann/json, SIPp, PostgreSQL for the
# service's tests on PostgreSQL, Chromium) and npm packages.
# Usage: scripts/setup.sh [--no-browser]
set -euo pipefail
cd "$(dirname "$0")/.."

# sip-tester: SIPp, the far end of the sip carrier's tests (tests/server/sip.test.js).
# postgresql: initdb/pg_ctl for a temporary server in the tests (tests/server/pg-helpers.js).
packages=(cmake g++ clang libclang-rt-14-dev emscripten nlohmann-json3-dev libboost-test-dev sip-tester postgresql)
[[ "${1:-}" == "--no-browser" ]] || packages+=(chromium)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  log=$(mktemp)
  if ! { "${sudo_cmd[@]}" apt-get update -qq && DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq "${missing[@]}"; } >"$log" 2>&1; then
    tail -30 "$log"
    echo "scripts/setup.sh: installing ${missing[*]} failed (output above)" >&2
    exit 1
  fi
  rm -f "$log"
fi

# npm ci when node_modules is missing or older than the lock file.
if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  echo "== installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error
fi
