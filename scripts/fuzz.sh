#!/usr/bin/env bash
# Runs the libFuzzer targets of tests/fuzz (built by the asan preset) and prints, per target,
# the executions, their rate and the findings.
#
#   scripts/fuzz.sh [--seconds N] [--runs N] [--jobs N] [--max-len N] [--build DIR] [TARGET...]
#
#   --seconds N   fuzz each target for N seconds (default 600 unless --runs is given)
#   --runs N      stop each target after N inputs (with --seconds: whichever comes first)
#   --jobs N      parallel fuzzing processes per target (libFuzzer -fork=N; default 1)
#   --max-len N   longest input tried (default: each target's own, below)
#   --build DIR   the asan build (default build/asan; built here when missing)
#   TARGET        blueprint, prometheus_text, ... (default: every target)
#
# Each target starts from its seeds (tests/fuzz/corpus/<target>), every input that once broke
# it (tests/fuzz/regressions/<target>), and for the blueprint and scenario targets the
# shared blueprints (../shared/blueprints) when they exist; the inputs it finds go to
# DIR/fuzz/corpus/<target>, kept between runs, never into the repository. A crash, leak,
# UB report, timeout (10 s per input) or out-of-memory (2 GB) is a finding: its input is
# saved under DIR/fuzz/findings/<target>/ and the script exits 1 once every target has run.
# A "slow unit" (an input that once took over 10 s of wall time, which a stall on a busy
# machine causes too) is saved there as well, and noted but not a finding.
# A finding becomes a regression input: minimize it (TARGET_fuzz -minimize_crash=1 -runs=10000
# FILE), check the result into tests/fuzz/regressions/<target>/ and fix the code.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=""
runs=""
jobs=1
max_len=""
build=build/asan
targets=()
while (($#)); do
  case "$1" in
    --seconds) seconds=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --jobs) jobs=$2; shift 2 ;;
    --max-len) max_len=$2; shift 2 ;;
    --build) build=$2; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "fuzz.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    *) targets+=("$1"); shift ;;
  esac
done
[[ -z "$seconds" && -z "$runs" ]] && seconds=600
if ((${#targets[@]} == 0)); then
  for f in tests/fuzz/*_fuzz.cc; do
    t=$(basename "$f" _fuzz.cc)
    targets+=("$t")
  done
fi

# The longest input each target is given. Peer answers and config files of a few KB reach
# every branch of their parsers; longer inputs mostly slow the search down. Prometheus text
# seeds are real /metrics pieces of ~3 KB.
default_max_len() {
  case "$1" in
    prometheus_text) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

if [[ ! -d "$build" ]]; then
  cmake --preset asan
fi
names=()
for t in "${targets[@]}"; do names+=("${t}_fuzz"); done
cmake --build "$build" -j "$(nproc)" --target "${names[@]}"

# UBSan reports stop the target with a stack (the code is built -fno-sanitize-recover too).
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

fail=0
summary=()
for t in "${targets[@]}"; do
  bin="$build/tests/fuzz/${t}_fuzz"
  work="$build/fuzz/corpus/$t"
  findings="$build/fuzz/findings/$t"
  mkdir -p "$work" "$findings"
  seeds=("tests/fuzz/corpus/$t")
  [[ -d "tests/fuzz/regressions/$t" ]] && seeds+=("tests/fuzz/regressions/$t")
  if [[ ($t == blueprint || $t == scenario) && -d ../shared/blueprints ]]; then
    seeds+=(../shared/blueprints)
  fi
  args=(-max_len="${max_len:-$(default_max_len "$t")}" -timeout=10 -rss_limit_mb=2048
        -artifact_prefix="$findings/" -print_final_stats=1)
  [[ -f "tests/fuzz/dict/$t.dict" ]] && args+=(-dict="tests/fuzz/dict/$t.dict")
  [[ -n "$runs" ]] && args+=(-runs="$runs")
  [[ -n "$seconds" ]] && args+=(-max_total_time="$seconds")
  ((jobs > 1)) && args+=(-fork="$jobs" -ignore_crashes=0)
  log="$build/fuzz/$t.log"
  # libFuzzer also saves "slow units", inputs that once took over 10 s of wall time: on a
  # loaded machine a stall does that (one seen here re-ran in 0.17 s). They are noted, not
  # findings: an input that really hangs is a timeout (-timeout=10 above), and that is one.
  before=$(find "$findings" -type f ! -name 'slow-unit-*' | wc -l)
  slow_before=$(find "$findings" -type f -name 'slow-unit-*' | wc -l)
  start=$(date +%s)
  status=0
  "$bin" "${args[@]}" "$work" "${seeds[@]}" >"$log" 2>&1 || status=$?
  elapsed=$(($(date +%s) - start))
  # Executions: the final stats line (one process), else the last progress line (-fork).
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$log" | tail -1)
  [[ -z "$execs" ]] && execs=$(grep -o '^#[0-9]*' "$log" | tail -1 | tr -d '#')
  execs=${execs:-0}
  found=$(($(find "$findings" -type f ! -name 'slow-unit-*' | wc -l) - before))
  slow=$(($(find "$findings" -type f -name 'slow-unit-*' | wc -l) - slow_before))
  rate=$((execs / (elapsed > 0 ? elapsed : 1)))
  if ((status != 0 || found > 0)); then
    fail=1
    verdict="FINDING (exit $status; log $log; inputs in $findings/)"
    echo "---- $t: last lines of $log" >&2
    tail -40 "$log" >&2
  else
    verdict="ok"
    ((slow > 0)) && verdict="ok ($slow slow unit(s) noted in $findings/)"
  fi
  line=$(printf '%-18s %6ss %14s execs %9s/s  %s' "$t" "$elapsed" "$execs" "$rate" "$verdict")
  echo "$line"
  summary+=("$line")
done

echo
echo "fuzz.sh summary (per target: ${runs:+at most $runs runs }${seconds:+at most $seconds s }with $jobs job(s)):"
printf '%s\n' "${summary[@]}"
exit "$fail"
