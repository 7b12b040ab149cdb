#!/usr/bin/env bash
# Builds the OCI image of `limiar` from a binary built on this host (scripts/build.sh), with
# Debian's buildah and no container engine or registry: see the Containerfile for what goes
# in the image and why.
#
#   scripts/build-image.sh [--limiar PATH] [--tag TAG] [--out DIR] [--cache DIR]
#                          [--archive FILE] [--mirror URL]
#
#   --limiar   the binary (default build/release/src/cli/limiar)
#   --tag      the image's name (default localhost/limiar:VERSION, VERSION from --version)
#   --out      work folder: buildah's storage, the build context (default build/image)
#   --cache    where the Debian base tarball is kept between runs (default: $LIMIAR_IMAGE_CACHE,
#              else --out)
#   --archive  also write the image as an oci-archive to FILE (layers gzipped, as pushed)
#   --mirror   Debian mirror for debootstrap (default: the one apt uses here)
#
# Steps, each skipped when its result is already there:
#   1. debootstrap --variant=minbase bookworm into a tarball under --cache (about 1.5 min,
#      once per clean clone: CI pays it once per run);
#   2. that tarball imported into buildah's storage as localhost/limiar-base:bookworm;
#   3. the binary (debug info stripped) and the host's copies of every shared library that
#      ldd says it loads laid out in a build context;
#   4. `buildah bud` of the Containerfile: stage 1 from the base adds the CA bundle, the time
#      zones, the user and checks that the binary runs with nothing but those libraries;
#      stage 2 is scratch.
# Storage is vfs under --out (--root/--runroot): nothing of the machine's own container
# storage is read or written, and removing --out removes everything this made.
# Needs root (buildah's vfs driver and chroot isolation without user namespaces).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
limiar=$repo/build/release/src/cli/limiar
tag=""
out=$repo/build/image
cache=${LIMIAR_IMAGE_CACHE:-}
archive=""
mirror=${LIMIAR_IMAGE_MIRROR:-}
base_image=localhost/limiar-base:bookworm

die() {
  echo "build-image: $*" >&2
  exit 1
}
usage() {
  sed -n '6,15p' "$0" | sed 's/^# \{0,1\}//'
  exit "${1:-2}"
}

while (($#)); do
  case $1 in
    --limiar) limiar=${2:?--limiar needs a path}; shift 2 ;;
    --tag) tag=${2:?--tag needs a name}; shift 2 ;;
    --out) out=${2:?--out needs a folder}; shift 2 ;;
    --cache) cache=${2:?--cache needs a folder}; shift 2 ;;
    --archive) archive=${2:?--archive needs a file}; shift 2 ;;
    --mirror) mirror=${2:?--mirror needs a URL}; shift 2 ;;
    -h | --help) usage 0 ;;
    *) echo "build-image: unknown argument $1" >&2; usage ;;
  esac
done

[[ $(id -u) -eq 0 ]] || die "run as root (buildah's vfs storage and chroot isolation need it)"
for tool in buildah debootstrap ldd strip; do
  command -v "$tool" >/dev/null ||
    die "$tool not found: run scripts/install-deps.sh (it installs buildah, debootstrap, binutils)"
done
[[ -x $limiar ]] || die "no limiar binary at $limiar: build it first with scripts/build.sh"
# Paths are made absolute: buildah is given them from other working folders below.
limiar=$(realpath "$limiar")
mkdir -p "$out"
out=$(realpath "$out")
cache=${cache:-$out}
mkdir -p "$cache"
cache=$(realpath "$cache")
[[ -z $archive ]] || archive=$(realpath -m "$archive")

version=$("$limiar" --version) || die "$limiar --version failed: is it a limiar binary built for this machine?"
version=${version##* }
# A tag takes [A-Za-z0-9_.-] only.
tag=${tag:-localhost/limiar:${version//[^A-Za-z0-9_.-]/-}}

# Every buildah call uses storage of its own under --out. A storage.conf of its own keeps
# the machine's /etc/containers/storage.conf (say, overlay options) out of it.
printf '[storage]\ndriver = "vfs"\n' >"$out/storage.conf"
export CONTAINERS_STORAGE_CONF=$out/storage.conf
bah() { buildah --root "$out/storage" --runroot "$out/runroot" --storage-driver vfs "$@"; }

# --- 1. The Debian 12 base, as a tarball ---------------------------------------------------
# The mirror apt already uses here: the only one this machine (and CI) can reach.
find_mirror() {
  local f=/etc/apt/sources.list.d/debian.sources line
  if [[ -r $f ]]; then
    # deb822: the first URIs line that is not the security archive.
    line=$(grep -E '^URIs:' "$f" | grep -v -m1 security || true)
    [[ -n $line ]] && { awk '{print $2}' <<<"$line"; return; }
  fi
  f=/etc/apt/sources.list
  if [[ -r $f ]]; then
    line=$(grep -m1 -E '^deb[[:space:]]' "$f" || true)
    # `deb [options] URI suite ...`: the URI is the first field after the options.
    [[ -n $line ]] && { sed -E 's/^deb[[:space:]]+(\[[^]]*\][[:space:]]+)?([^[:space:]]+).*/\2/' <<<"$line"; return; }
  fi
}

# The name says what is in it: a cache made before tzdata was added is not reused.
base_tar=$cache/debian-bookworm-minbase-ca-tzdata.tar
if [[ ! -s $base_tar ]]; then
  mirror=${mirror:-$(find_mirror)}
  [[ -n $mirror ]] || die "no Debian mirror found in /etc/apt/sources.list.d/debian.sources or /etc/apt/sources.list: pass --mirror URL"
  echo "build-image: debootstrap bookworm (minbase + ca-certificates + tzdata) from $mirror: once, then cached at $base_tar"
  started=$SECONDS
  # A folder of this run's own, so that two runs sharing --cache do not meet; the tarball
  # is renamed into place whole.
  rootfs=$(mktemp -d "$cache/rootfs.XXXXXX")
  # A debootstrap that failed half-way may leave /proc or /sys mounted in the root: those
  # are unmounted first, and rm stays on the one file system, never reaching the host's.
  remove_rootfs() {
    findmnt -rn -o TARGET | grep -F "$rootfs/" | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
    rm -rf --one-file-system "$rootfs" "$base_tar.$$"
  }
  trap remove_rootfs EXIT
  # ca-certificates and tzdata are installed here rather than by apt in the Containerfile:
  # the CA bundle and the zoneinfo are then part of the cached base, and the image build
  # itself needs no network. Nor is the host's bundle copied: a machine may trust local CAs
  # (a proxy's) that an image shipped elsewhere must not.
  if ! debootstrap --variant=minbase --include=ca-certificates,tzdata \
    --keyring=/usr/share/keyrings/debian-archive-keyring.gpg \
    bookworm "$rootfs" "$mirror" >"$cache/debootstrap.log" 2>&1; then
    tail -n 20 "$cache/debootstrap.log" >&2
    die "debootstrap from $mirror failed (log: $cache/debootstrap.log): is the mirror reachable (apt-get update)?"
  fi
  # The downloaded .debs and package lists are 80 MB that nothing here reads again.
  rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
  tar --numeric-owner -C "$rootfs" -cf "$base_tar.$$" .
  mv "$base_tar.$$" "$base_tar"
  remove_rootfs
  trap - EXIT
  echo "build-image: debootstrap took $((SECONDS - started)) s"
fi

# --- 2. The base imported into buildah ----------------------------------------------------
# Tagged with the tarball's size and time, so that a new tarball (say, after deleting it to
# pick up Debian's updates) is imported again.
tar_id=$(stat -c '%s-%Y' "$base_tar")
have_id=$(bah inspect --type image --format '{{index .ImageAnnotations "limiar.base-tarball"}}' "$base_image" 2>/dev/null || true)
if [[ $have_id != "$tar_id" ]]; then
  echo "build-image: importing $base_tar as $base_image"
  ctr=$(bah from scratch)
  bah add "$ctr" "$base_tar" / >/dev/null
  bah config --env PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    --cmd /bin/bash --annotation "limiar.base-tarball=$tar_id" "$ctr"
  bah commit --rm --quiet "$ctr" "$base_image" >/dev/null
fi

# --- 3. The build context: the binary and the host's libraries it loads -------------------
# The binary was linked against this host's libraries, so the image gets those very files
# (same Debian 12 as the base, so nothing else in it is out of step). ldd lists every one
# the loader maps, the loader included; each is copied under its soname (following the
# symlink to the real file) into its folder with /lib resolved to /usr/lib, as Debian 12's
# merged /usr has it.
context=$out/context
rm -rf "$context"
mkdir -p "$context/rootfs/usr/bin"
ldd_out=$(ldd "$limiar") || die "ldd $limiar failed: is it a dynamic executable?"
if grep -q 'not found' <<<"$ldd_out"; then
  echo "$ldd_out" >&2
  die "$limiar needs libraries this machine lacks: run scripts/install-deps.sh"
fi
nlibs=0
while read -r lib; do
  dir=$(realpath "$(dirname "$lib")")
  mkdir -p "$context/rootfs$dir"
  cp -L "$lib" "$context/rootfs$dir/$(basename "$lib")"
  nlibs=$((nlibs + 1))
done < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$ldd_out")
# Debug info is most of a RelWithDebInfo binary; the symbol table stays for stack traces.
strip --strip-debug -o "$context/rootfs/usr/bin/limiar" "$limiar"
chmod 0755 "$context/rootfs/usr/bin/limiar"

# --- 4. The image ----------------------------------------------------------------------
revision=$(git -C "$repo" rev-parse HEAD 2>/dev/null || echo unknown)
# A commit's time makes the image's timestamps, and so its digest, the same on every build
# of the same commit and binary.
epoch=$(git -C "$repo" log -1 --format=%ct 2>/dev/null || date +%s)
echo "build-image: building $tag from $limiar ($nlibs shared libraries)"
source_url=${LIMIAR_IMAGE_SOURCE:-$(git -C "$repo" remote get-url origin 2>/dev/null || echo unknown)}
# chroot isolation: RUN steps need no runc/crun, no user namespaces, no network setup.
if ! bah bud --isolation chroot --pull=never --layers=false --format oci --timestamp "$epoch" \
  --build-arg "BASE=$base_image" --build-arg "VERSION=$version" --build-arg "REVISION=$revision" \
  --build-arg "SOURCE=$source_url" --build-arg "LICENSES=${LIMIAR_IMAGE_LICENSES:-NOASSERTION}" \
  -f "$repo/Containerfile" -t "$tag" "$context" >"$out/bud.log" 2>&1; then
  cat "$out/bud.log" >&2
  die "buildah bud failed (output above and in $out/bud.log)"
fi

# The image this tag named before, if any, is now untagged: removed, so that rebuilds do not
# pile up 40 MB copies in the storage.
bah rmi --prune >/dev/null 2>&1 || true

if [[ -n $archive ]]; then
  rm -f "$archive"
  bah push --quiet "$tag" "oci-archive:$archive:$tag"
fi

# The uncompressed size: what the image takes in a node's storage.
# vfs keeps layers as plain tars, so the manifest's layer sizes are the unpacked sizes.
size=$(bah inspect --type image --format '{{.Manifest}}' "$tag" |
  grep -o '"layers":\[.*\]' | grep -o '"size":[0-9]*' | awk -F: '{s += $2} END {print s + 0}')
mib() { awk -v b="$1" 'BEGIN {printf "%.1f MiB", b / 1048576}'; }
echo "build-image: $tag: $size bytes ($(mib "$size")) uncompressed"
if [[ -n $archive ]]; then
  asize=$(stat -c %s "$archive")
  echo "build-image: $archive: $asize bytes ($(mib "$asize")), layers gzipped"
fi
echo "build-image: storage $out/storage; run it with: buildah --root $out/storage --runroot $out/runroot --storage-driver vfs from $tag"
