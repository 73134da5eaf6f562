#!/usr/bin/env bash
# The README's first command: sets up a fresh machine (Debian and npm packages, the native addon
# and the browser bundle the dashboard serves), then runs the service on SQLite in ./fuse-data with
# a demo account: the example upload queued over HTTP, each call placed and each signed result
# received printed as it happens; then it keeps serving (dashboard URL, curl line). Arguments go to
# `fuse-outbound demo` (--once stops after the demo, --port, --data, --speed).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --no-browser
node scripts/build.js native wasm web >/dev/null

exec node js/cli.js demo "$@"
