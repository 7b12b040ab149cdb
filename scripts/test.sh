#!/usr/bin/env bash
# The README's test command and CI's (.ci/run): sets up, builds and runs every test, then
# the sanitizer jobs, each stage timed:
#   1. release: build (scripts/build.sh) and the whole suite;
#   2. asan: a clang build with ASan+UBSan (and libFuzzer coverage), the whole suite again,
#      the fuzz targets' seeds and regression inputs included;
#   3. fuzz: every libFuzzer target for LIMIAR_FUZZ_SECONDS (default 20) on its seeds;
#   4. tsan: a clang ThreadSanitizer build of the tests that use threads, and those tests.
# LIMIAR_SANITIZERS=0 stops after the release suite (a quick local run).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc)
fuzz_seconds=${LIMIAR_FUZZ_SECONDS:-20}

# The test binaries whose code runs threads (servers, pollers, the runner, the periodic
# worker, the sweep's workers), and the limiar binary the serve tests start.
tsan_targets=(common_test http_client_test controller_test admin_service_test metrics_test push_service_test
              promql_test scrape_test actuator_http_test actuator_grpc_test actuator_exec_test
              actuator_retry_test sim_sweep_test serve_e2e_test cli_test http_endpoints_test kube_test
              fake_kube_api_test kube_metrics_test limiar)

stage_start=$SECONDS
stage_done() {
  local took=$((SECONDS - stage_start))
  printf 'test.sh: %s took %dm%02ds\n' "$1" $((took / 60)) $((took % 60))
  stage_start=$SECONDS
}

# What each sanitizer stage found, repeated at the very end: CI keeps only the tail of the
# output, and a failure in an early stage must still be named there.
recap=()
failed_tests() {  # the tests ctest's last run in build/$1 failed, or "none"
  local log="build/$1/Testing/Temporary/LastTestsFailed.log"
  if [[ -s "$log" ]]; then tr '\n' ' ' <"$log"; else echo "none"; fi
}
print_recap() {
  echo "test.sh: recap of the sanitizer stages"
  printf '  %s\n' "${recap[@]}"
}

# Sanitizer reports of every process (the serve tests' `limiar serve` children too) go to
# files here; any file is a failure, listed in full.
reports=$PWD/build/sanitizer-reports
check_reports() {
  local found
  found=$(find "$reports" -type f 2>/dev/null | sort)
  [[ -z "$found" ]] && return 0
  echo "test.sh: sanitizer reports:" >&2
  for f in $found; do
    echo "==== $f" >&2
    cat "$f" >&2
  done
  return 1
}

# A stage whose tests passed but whose processes left sanitizer reports failed all the same:
# $verdict says so, not "ok; ...".
with_reports() {
  check_reports && return 0
  local list
  list=$(find "$reports" -type f | xargs -r -n1 basename | tr '\n' ' ')
  if [[ $verdict == ok ]]; then verdict="FAILED: sanitizer reports: $list"; else verdict="$verdict; sanitizer reports: $list"; fi
}

./scripts/build.sh
ctest --preset "${PRESET:-release}" -j "$jobs"
stage_done "release (build and suite)"
[[ ${LIMIAR_SANITIZERS:-1} == 0 ]] && exit 0

# From here on a failing stage does not stop the next one (only a failed build does), so
# that one run shows every sanitizer's verdict; the exit status is the worst of them.
status=0
rm -rf "$reports"
mkdir -p "$reports"
cmake --preset asan
cmake --build --preset asan -j "$jobs"
stage_done "asan build"
rm -f build/asan/Testing/Temporary/LastTestsFailed.log
verdict=ok
ASAN_OPTIONS="log_path=$reports/asan" UBSAN_OPTIONS="log_path=$reports/asan" \
  ctest --preset asan -j "$jobs" || verdict="FAILED: $(failed_tests asan)"
with_reports
[[ $verdict == ok ]] || status=1
recap+=("asan suite: $verdict")
stage_done "asan suite"

# A finding is printed whole (base64) so that a CI run's can be replayed here.
fuzz_mark=$(mktemp)
if ./scripts/fuzz.sh --seconds "$fuzz_seconds"; then
  recap+=("fuzz: ok")
else
  status=1
  recap+=("fuzz: FAILED")
  while IFS= read -r f; do
    recap+=("  finding $f: $(head -c 3000 "$f" | base64 -w0)")
  done < <(find build/asan/fuzz/findings -type f ! -name 'slow-unit-*' -newer "$fuzz_mark" 2>/dev/null)
fi
rm -f "$fuzz_mark"
stage_done "fuzz ($fuzz_seconds s per target)"

rm -rf "$reports"
mkdir -p "$reports"
cmake --preset tsan
cmake --build --preset tsan -j "$jobs" --target "${tsan_targets[@]}"
stage_done "tsan build"
rm -f build/tsan/Testing/Temporary/LastTestsFailed.log
verdict=ok
TSAN_OPTIONS="log_path=$reports/tsan" ctest --preset tsan -j "$jobs" || verdict="FAILED: $(failed_tests tsan)"
with_reports
[[ $verdict == ok ]] || status=1
recap+=("tsan suite: $verdict")
stage_done "tsan suite"
print_recap
exit "$status"
