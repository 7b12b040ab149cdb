#!/usr/bin/env bash
# The container image, built and run here: tests/image/image_test.sh LIMIAR_BINARY
#
# Builds the image from LIMIAR_BINARY with scripts/build-image.sh (buildah storage of its
# own in a temporary folder under build/; the Debian base tarball cached in build/image, or
# $LIMIAR_IMAGE_CACHE, so that only the first run on a clone pays for debootstrap), then
# checks:
#   - its config: user 65532:65532, entrypoint /usr/bin/limiar, the OCI labels;
#   - its size, under a bound (below);
#   - its files: all root's and none writable but /tmp, no shell: a read-only root is safe;
#   - `limiar --version` runs in it (with nothing but the image's libraries);
#   - a blueprint with a recurring schedule in America/Sao_Paulo loads in it (its zoneinfo);
#   - `limiar serve` runs in it as uid 65532 on 127.0.0.1 (buildah's chroot isolation shares
#     the host's loopback): /healthz answers 200 to curl on the host, a `limiar push` from
#     the image (gRPC, `localhost` resolved in the image) makes a decision that the webhook
#     actuator (libcurl, in the image) posts to a webhook on the host, /metrics has
#     limiar_ series, and SIGTERM stops it with status 0 after writing its state file in
#     /tmp, the only place anything was written.
# Exits 0 when all hold, 1 with what failed, 77 (CTest's skip) when buildah or debootstrap
# cannot be had here. Needs root, as scripts/build-image.sh does.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
tag=localhost/limiar:image-test
# The image is 40.7 MiB for limiar 0.1.0 on Debian 12: 35.7 MiB of shared libraries (89 of
# them: grpc, protobuf, abseil, libcurl and its TLS/auth stack, OpenSSL, glibc, libstdc++),
# the binary without its debug info (4.5 MiB), the CA bundle (0.2 MiB); the time zones
# (Debian's zoneinfo without right/) made it 42.1 MiB. 64 MiB leaves room
# for the binary and the libraries to grow, and catches what must not be there: the binary
# with its debug info (111.5 MiB alone) or a Debian base under it (125 MiB).
max_bytes=$((64 * 1024 * 1024))
deadline_s=60

say() { echo "image_test: $*"; }
skip() {
  echo "image_test: SKIP: $*"
  exit 77
}
fail() {
  echo "image_test: FAIL: $*" >&2
  exit 1
}

(($# == 1)) || {
  echo "usage: $0 LIMIAR_BINARY" >&2
  exit 2
}
binary=$(realpath "$1")
[[ -x $binary ]] || fail "no executable at $1: build it with scripts/build.sh"
[[ $(id -u) -eq 0 ]] || skip "needs root: buildah's vfs storage and chroot isolation do (CI runs as root)"
for tool in buildah debootstrap; do
  command -v "$tool" >/dev/null || skip "$tool is not installed: scripts/install-deps.sh installs it"
done
for tool in curl python3; do
  command -v "$tool" >/dev/null || fail "$tool is not installed: scripts/install-deps.sh installs it"
done

mkdir -p "$repo/build"
# A run killed outright (CTest's timeout sends SIGKILL) leaves its folder, 200 MB of
# storage: those whose test is gone are removed. Each folder names its test's pid.
for dir in "$repo"/build/image-test.*; do
  [[ -d $dir ]] || continue
  pid=$(cat "$dir/test.pid" 2>/dev/null || true)
  [[ -n $pid ]] && kill -0 "$pid" 2>/dev/null && continue
  # No pid yet: another run may have made it this instant.
  [[ -z $pid && -n $(find "$dir" -maxdepth 0 -mmin -1) ]] && continue
  rm -rf --one-file-system "$dir"
done
work=$(mktemp -d "$repo/build/image-test.XXXXXX")
echo $$ >"$work/test.pid"
run_pid=""
limiar_pid=""
hook_pid=""
# An array, not a function: `"${buildah[@]}" run ... &` then makes $! buildah's own pid.
buildah=(buildah --root "$work/storage" --runroot "$work/runroot" --storage-driver vfs)
bah() { "${buildah[@]}" "$@"; }
export CONTAINERS_STORAGE_CONF=$work/storage.conf

# The serve process itself, a descendant of `buildah run`: its uid is the one to check,
# and SIGTERM goes to it.
parent_of() {
  local stat
  stat=$(<"/proc/$1/stat") 2>/dev/null || return 1
  # After the command's name, which may hold spaces: state, then the parent's pid.
  stat=${stat##*) }
  read -r _ stat _ <<<"$stat"
  echo "$stat"
}
find_limiar() {
  local dir pid
  for dir in /proc/[0-9]*; do
    [[ $(cat "$dir/comm" 2>/dev/null) == limiar ]] || continue
    # Up the parents to `buildah run`.
    pid=${dir#/proc/}
    while ((pid > 1)); do
      pid=$(parent_of "$pid") || break
      if ((pid == run_pid)); then
        limiar_pid=${dir#/proc/}
        return 0
      fi
    done
  done
  return 1
}

# Whatever happened: stop what this started (by pid), show serve's log on failure, remove
# the containers, then the whole storage.
cleanup() {
  local status=$?
  set +e
  # Killing `buildah run` alone could leave its limiar child running.
  [[ -n $run_pid && -z $limiar_pid ]] && find_limiar
  if [[ -n $limiar_pid && -e /proc/$limiar_pid ]]; then
    kill -KILL "$limiar_pid" 2>/dev/null
  fi
  if [[ -n $run_pid ]]; then
    # buildah's chroot helpers end once limiar has; SIGKILL of buildah itself would orphan
    # them (and limiar, when it was not found), so it comes last.
    local end=$((SECONDS + 10))
    while kill -0 "$run_pid" 2>/dev/null && ((SECONDS < end)); do sleep 0.2; done
    kill -KILL "$run_pid" 2>/dev/null
    wait "$run_pid" 2>/dev/null
  fi
  if [[ -n $hook_pid ]]; then
    kill "$hook_pid" 2>/dev/null
    wait "$hook_pid" 2>/dev/null
  fi
  if ((status != 0)) && [[ -s $work/serve.log ]]; then
    echo "image_test: limiar serve's output:" >&2
    cat "$work/serve.log" >&2
  fi
  if [[ -d $work/storage ]]; then
    bah rm --all >/dev/null 2>&1 || true
  fi
  rm -rf --one-file-system "$work"
  exit "$status"
}
trap cleanup EXIT
# A signal (CTest's timeout, ^C) exits through cleanup too.
trap 'exit 143' TERM
trap 'exit 130' INT

# Polls COMMAND every 0.2 s until it succeeds or $deadline_s pass; false then.
wait_for() {
  local end=$((SECONDS + deadline_s))
  until "$@"; do
    ((SECONDS < end)) || return 1
    sleep 0.2
  done
}
running() { kill -0 "$run_pid" 2>/dev/null; }

# --- The build -------------------------------------------------------------------------
started=$SECONDS
"$repo/scripts/build-image.sh" --limiar "$binary" --tag "$tag" --out "$work" \
  --cache "${LIMIAR_IMAGE_CACHE:-$repo/build/image}" ||
  fail "scripts/build-image.sh failed (its message is above)"
say "built $tag in $((SECONDS - started)) s"

# --- The image's config ----------------------------------------------------------------
config() { bah inspect --type image --format "$1" "$tag" || fail "buildah inspect of $tag failed"; }
user=$(config '{{.OCIv1.Config.User}}')
[[ $user == 65532:65532 ]] || fail "the image runs as '$user', not 65532:65532"
# buildah 1.28's templates have no json: a list prints as [a b].
entrypoint=$(config '{{.OCIv1.Config.Entrypoint}}')
[[ $entrypoint == '[/usr/bin/limiar]' ]] || fail "the entrypoint is $entrypoint, not [/usr/bin/limiar]"
want_version=$("$binary" --version)
for label in title description source version licenses; do
  value=$(config "{{index .OCIv1.Config.Labels \"org.opencontainers.image.$label\"}}")
  [[ -n $value ]] || fail "the image has no org.opencontainers.image.$label label"
done
label_version=$(config '{{index .OCIv1.Config.Labels "org.opencontainers.image.version"}}')
[[ "limiar $label_version" == "$want_version" ]] ||
  fail "org.opencontainers.image.version is $label_version, the binary says $want_version"

size=$(config '{{.Manifest}}' | grep -o '"layers":\[.*\]' | grep -o '"size":[0-9]*' |
  awk -F: '{s += $2} END {print s + 0}')
size_mib=$(awk -v b="$size" 'BEGIN {printf "%.1f", b / 1048576}')
say "image size $size bytes ($size_mib MiB) uncompressed, bound $((max_bytes / 1048576)) MiB"
((size > 0 && size <= max_bytes)) || fail "the image is $size_mib MiB, over the $((max_bytes / 1048576)) MiB bound"

# --- The image's files -----------------------------------------------------------------
ctr=$(bah from --pull=never --quiet "$tag")
root=$(bah mount "$ctr")
[[ ! -e $root/bin/sh && ! -e $root/usr/bin/sh ]] || fail "the image has a shell"
not_root=$(find "$root" -xdev ! -user 0 -printf '/%P\n' | head -5)
[[ -z $not_root ]] || fail "files in the image not owned by root: $not_root"
writable=$(find "$root" -xdev ! -type l -perm /022 ! -path "$root/tmp" -printf '/%P\n' | head -5)
[[ -z $writable ]] || fail "writable by others than root in the image: $writable"

# --- limiar --version in the image -----------------------------------------------------
in_image() { bah run --isolation chroot "$ctr" -- "$@"; }
# The output of a command run in the image. buildah's chroot isolation relays it through
# pipes of its own, and once in about a dozen runs here a command that exited 0 came back
# with no output at all (its effect, a push received by serve, had happened): an empty
# answer is asked again, twice at most.
in_image_out() {
  local out try
  for try in 1 2 3; do
    out=$(in_image "$@") || return 1
    [[ -n $out ]] && break
    say "buildah run relayed no output of '$*' (try $try)" >&2
  done
  echo "$out"
}
# By name, through the image's PATH, as the chart's `command: [limiar]` runs it.
got_version=$(in_image_out limiar --version) || fail "limiar --version failed in the image"
[[ $got_version == "$want_version" ]] || fail "limiar --version says '$got_version' in the image, '$want_version' outside"
say "limiar --version in the image: $got_version"

# --- Time zones in the image ----------------------------------------------------------
# A recurring schedule in a time zone other than UTC loads only where the zoneinfo is: the
# image carries Debian's (without it: 'unknown time zone "America/Sao_Paulo"').
bah copy --quiet "$ctr" "$repo/tests/image/testdata/recurring-schedule.json" \
  /etc/limiar/recurring-schedule.json >/dev/null
schedule=$(in_image_out limiar policy -b /etc/limiar/recurring-schedule.json 2>&1) ||
  fail "limiar policy of a schedule in America/Sao_Paulo failed in the image: $schedule"
[[ $schedule == *'"0 8 * * 1-5" in America/Sao_Paulo for 10h'* ]] ||
  fail "limiar policy in the image does not show the Sao Paulo schedule: $schedule"
say "a recurring schedule in America/Sao_Paulo loads in the image"

# --- limiar serve in the image ---------------------------------------------------------
# A webhook on the host's loopback that records what it is sent: the actuator's call,
# made with the image's libcurl and its resolver (`localhost`, from the image's files).
cat >"$work/webhook.py" <<'EOF'
import http.server, sys
class Hook(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        with open(sys.argv[2], "ab") as f:
            f.write(self.path.encode() + b" " + body + b"\n")
        self.send_response(200)
        self.end_headers()
    def log_message(self, *args):
        pass
server = http.server.HTTPServer(("127.0.0.1", 0), Hook)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
server.serve_forever()
EOF
python3 "$work/webhook.py" "$work/webhook.port" "$work/webhook.calls" &
hook_pid=$!
wait_for test -s "$work/webhook.port" || fail "the test's webhook did not start"
hook_port=$(<"$work/webhook.port")

# Port 0 for both listeners: serve takes free ports and names them in its "serving" line,
# so parallel tests cannot race for a port.
cat >"$work/config.json" <<EOF
{"grpc_listen": "127.0.0.1:0", "http_listen": "127.0.0.1:0", "state_file": "/tmp/limiar-state.json",
 "actuator": {"kind": "webhook", "webhook": {"url": "http://localhost:$hook_port/scale"}}}
EOF
bah copy --quiet "$ctr" "$repo/tests/serve/testdata/restart.json" /etc/limiar/blueprint.json >/dev/null
bah copy --quiet "$ctr" "$work/config.json" /etc/limiar/config.json >/dev/null
# buildah copy rounds a file's mtime to the nearest second, up to 0.5 s into the future:
# the files put in by this test are dated in the past, or the check of what serve wrote
# below would find them now and then.
touch -m -d @946684800 "$root"/etc/limiar/*.json
touch "$work/before-serve"
"${buildah[@]}" run --isolation chroot "$ctr" -- /usr/bin/limiar serve \
  --blueprint /etc/limiar/blueprint.json --config /etc/limiar/config.json >"$work/serve.log" 2>&1 &
run_pid=$!

serving() {
  running || fail "limiar serve exited before serving"
  grep -q 'grpc on 127\.0\.0\.1:[0-9]*, http on 127\.0\.0\.1:[0-9]*' "$work/serve.log"
}
wait_for serving || fail "no serving line from limiar serve in $deadline_s s"
ports=$(grep -o 'grpc on 127\.0\.0\.1:[0-9]*, http on 127\.0\.0\.1:[0-9]*' "$work/serve.log" | head -1)
grpc_port=$(sed -E 's/grpc on 127\.0\.0\.1:([0-9]+),.*/\1/' <<<"$ports")
http_port=$(sed -E 's/.*http on 127\.0\.0\.1:([0-9]+)/\1/' <<<"$ports")
say "limiar serve in the image: grpc 127.0.0.1:$grpc_port, http 127.0.0.1:$http_port"

wait_for find_limiar || fail "found no limiar process under buildah run ($run_pid)"
uids=$(awk '/^Uid:/ {print $2, $3, $4, $5}' "/proc/$limiar_pid/status")
[[ $uids == "65532 65532 65532 65532" ]] || fail "limiar serve runs with uids $uids, not 65532"
say "limiar serve runs as uid 65532 (pid $limiar_pid)"

healthz() {
  running || fail "limiar serve exited"
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/healthz") == 200 ]]
}
wait_for healthz || fail "/healthz did not answer 200 in $deadline_s s"
say "/healthz answers 200"

# Two replicas at 150 and 140 requests/s against a target of 50: the fast path decides at
# once, and the webhook actuator posts the new count (a push asked again sends the same).
push_out=$(in_image_out /usr/bin/limiar push --server "localhost:$grpc_port" -r web -m requests \
  --replica web-0=150 --replica web-1=140) || fail "limiar push in the image failed: $push_out"
[[ $push_out == *"2 accepted"* ]] || fail "limiar push in the image: $push_out"
webhook_called() { grep -q '"target": *"web"' "$work/webhook.calls" 2>/dev/null; }
wait_for webhook_called || fail "the webhook was not called in $deadline_s s"
say "webhook called: $(head -1 "$work/webhook.calls")"

metrics=$(curl -sf "http://127.0.0.1:$http_port/metrics") || fail "/metrics did not answer"
series=$(grep -c '^limiar_' <<<"$metrics" || true)
((series > 0)) || fail "/metrics has no limiar_ series"
say "/metrics has $series limiar_ lines"

kill -TERM "$limiar_pid"
stopped() { ! running; }
wait_for stopped || fail "limiar serve did not stop in $deadline_s s after SIGTERM"
serve_status=0
wait "$run_pid" || serve_status=$?
run_pid=""
((serve_status == 0)) || fail "limiar serve exited with status $serve_status after SIGTERM"
[[ ! -e /proc/$limiar_pid ]] || fail "limiar serve ($limiar_pid) is still running"
limiar_pid=""
say "SIGTERM stopped limiar serve, status 0"

# Written while serving: the state file in /tmp, and nothing else but what buildah run
# itself puts in place (its mounts of /etc/hosts, /etc/resolv.conf, /etc/hostname, /run).
[[ -s $root/tmp/limiar-state.json ]] || fail "limiar serve wrote no state file at /tmp/limiar-state.json"
written=$(find "$root" -xdev -newer "$work/before-serve" ! -type d -printf '/%P\n' |
  grep -v -E '^/(tmp/|etc/(hosts|resolv\.conf|hostname)$|run/)' || true)
[[ -z $written ]] || fail "limiar serve wrote outside /tmp: $written"
say "limiar serve wrote only /tmp/limiar-state.json"

say "PASS in $SECONDS s"
