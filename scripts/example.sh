#!/usr/bin/env bash
# The README's first command: sets up a fresh machine (Debian packages, npm packages, native build)
# and runs the command line on examples, printing what a user would see: destinations parsed, a bulk
# upload checked (all-or-nothing, then partial), and a window previewed.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/setup.sh --no-browser
node scripts/build.js native >/dev/null

export NPM_CONFIG_LOGLEVEL=error  # npx prints nothing of its own

run() {
  printf '\n$ %s\n' "$*"
  "$@" || echo "(exit code $?)"
}

run npx --no-install fuse-outbound parse 'tel:+16175551234;ani=8009957586;postd=2' '617-555-0123' '1-800-FLOWERS'
run npx --no-install fuse-outbound validate examples/calls.csv --max-attempts 3 --reattempt-wait 600
run npx --no-install fuse-outbound validate examples/calls.csv --max-attempts 3 --reattempt-wait 600 --partial
run npx --no-install fuse-outbound preview --calls 40000 --capacity 30 --start 2026-12-01T09:00 --end 2026-12-01T17:00 --max-attempts 3 --reattempt-wait 600
