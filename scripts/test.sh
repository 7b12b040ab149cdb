#!/usr/bin/env bash
# The README's second command (and all CI runs): set up, build, and run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
ctest --preset "${PRESET:-release}" -j "$(nproc)"
