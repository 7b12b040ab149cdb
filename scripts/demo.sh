#!/usr/bin/env bash
# The README's first command: set up, build, and replay the built-in flash sale (the
# e-commerce blueprint's storefront, a 10x spike) through the production control loop,
# printing the summary and writing out/flash-sale/report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
exec "build/${PRESET:-release}/src/cli/limiar" simulate --out out/flash-sale
