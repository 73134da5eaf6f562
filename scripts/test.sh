#!/usr/bin/env bash
# Runs every test, as CI does (.ci/run): installs what is missing, builds each flavour once, then
# runs the C++ suite (plain, then under ASan+UBSan), a short run of every fuzzer, the JS API suite
# against the native and the wasm build, the service, the browser tests in headless Chromium, the
# packed tarball installed into an empty project, and the type check.
# FUZZ_SECONDS (default 20) sets each fuzzer's run.
set -euo pipefail
cd "$(dirname "$0")/.."
export FORCE_COLOR=0

section() { printf '\n======== %s (at %d s) ========\n' "$*" "$SECONDS"; }

section "setup"
scripts/setup.sh

section "build: native addon + C++ tests, wasm, browser bundle, clang (ASan/UBSan + fuzzers)"
node scripts/build.js native wasm web clang

section "C++ core (Boost.Test)"
ctest --test-dir build/native --output-on-failure -V | grep -E "Test (case|suite|module)|tests passed|Failed|error"

section "C++ core under AddressSanitizer + UndefinedBehaviorSanitizer"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build/clang --output-on-failure

section "fuzzers (${FUZZ_SECONDS:-20} s each)"
for fuzzer in build/clang/*_fuzzer; do
  name=$(basename "$fuzzer" _fuzzer)
  corpus=$(mktemp -d)
  [[ -d "fuzz/corpus/$name" ]] && cp -r "fuzz/corpus/$name/." "$corpus/"
  log=$(mktemp)
  rc=0
  (cd "$corpus" && "$OLDPWD/$fuzzer" -max_total_time="${FUZZ_SECONDS:-20}" -print_final_stats=1 . ) >"$log" 2>&1 || rc=$?
  echo "-- $name: $(grep -E '^stat::number_of_executed_units' "$log" | awk '{print $2}') runs, exit $rc"
  if ((rc)); then tail -40 "$log"; exit 1; fi
  rm -rf "$corpus" "$log"
done
# The adversarial sizes (a 100,000-column header, 1M problems, 1M duplicates), run once each.
big=$(mktemp -d)
node fuzz/adversarial.js "$big"
log=$(mktemp)
rc=0
build/clang/csv_fuzzer -timeout=120 -rss_limit_mb=8192 "$big"/*.csv >"$log" 2>&1 || rc=$?
echo "-- csv adversarial: $(grep -c '^Executed' "$log") inputs, exit $rc"
if ((rc)); then tail -40 "$log"; exit 1; fi
rm -rf "$big" "$log"

section "JS API: native and wasm builds"
node --test --test-reporter=spec tests/js/

section "service: HTTP API, SQLite, delivery, crash recovery"
FUSE_TEST_STORE=sqlite node --test --test-reporter=spec tests/server/

# The same suite on PostgreSQL, with the several-node tests (cluster.test.js, skipped in the
# SQLite pass): each test process starts its own temporary server (tests/server/pg-helpers.js).
section "service on PostgreSQL: the same suite, and three nodes on one database"
FUSE_TEST_STORE=postgres node --test --test-reporter=spec tests/server/

if [[ -d tests/browser ]]; then
  section "browser (headless Chromium)"
  node --test --test-reporter=spec tests/browser/
fi

section "install: the packed tarball in an empty project (prebuilt, wasm fallback, ESM, source build, bundlers)"
node --test --test-reporter=spec tests/install/

section "TypeScript declarations"
node node_modules/typescript/bin/tsc -p tests/types

section "all tests passed"
