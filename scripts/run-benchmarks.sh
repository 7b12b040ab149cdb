#!/usr/bin/env bash
# Runs every benchmark of the build in $1 (default build/release) and prints the figures
# the README quotes. Results vary with the machine; compare on the same one.
set -euo pipefail
build=${1:-build/release}
"$build/bench/policy_bench" --benchmark_min_time=1 "${@:2}"
