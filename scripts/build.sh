#!/usr/bin/env bash
# Installs what is missing (Debian 12), then configures and builds the release preset.
# Needs nothing but bash and apt: make is not assumed (a base image has none).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset "${PRESET:-release}"
cmake --build --preset "${PRESET:-release}" -j "$(nproc)"
