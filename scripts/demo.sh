#!/usr/bin/env bash
# The README's first command: set up, build, and replay the built-in flash sale through the
# production control loop on the e-commerce seed blueprint.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/build.sh
shared=${LIMIAR_SHARED_DIR:-../shared}
exec "build/${PRESET:-release}/src/cli/limiar" demo --blueprint "$shared/blueprints/ecommerce-high-traffic.json"
