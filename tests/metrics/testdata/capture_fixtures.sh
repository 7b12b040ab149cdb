#!/usr/bin/env bash
# Re-captures the /metrics fixtures from Debian 12's real servers (see README.md here).
# Needs: apt-get install -y prometheus prometheus-node-exporter curl python3
# Both servers bind to 127.0.0.1 on a free port and are stopped by pid before exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Polls a URL until it answers (at most ~5 s): the servers start in well under a second.
wait_for() {
  for _ in $(seq 1 50); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  echo "capture_fixtures: $1 did not come up" >&2
  return 1
}

# Prometheus 2.42 with no scrape jobs: its own metrics only.
prom_port="$(free_port)"
printf 'global:\n  scrape_interval: 15s\nscrape_configs: []\n' >"$work/prometheus.yml"
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$prom_port" >"$work/prometheus.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$prom_port/-/ready"
# The first request fills the HTTP handler histograms; keep the second one.
curl -fsS -o /dev/null "http://127.0.0.1:$prom_port/metrics"
curl -fsS "http://127.0.0.1:$prom_port/metrics" >"$here/prometheus_2.42_metrics.txt"

# node exporter 1.5 (the systemd collector needs a running systemd, hence off).
node_port="$(free_port)"
prometheus-node-exporter --web.listen-address="127.0.0.1:$node_port" --no-collector.systemd \
  >"$work/node_exporter.log" 2>&1 &
pids+=($!)
wait_for "http://127.0.0.1:$node_port/metrics"
curl -fsS "http://127.0.0.1:$node_port/metrics" >"$here/node_exporter_1.5_metrics.txt"

for f in prometheus_2.42_metrics.txt node_exporter_1.5_metrics.txt; do
  echo "== promtool check metrics < $f"
  promtool check metrics <"$here/$f" || true  # lint findings are printed, not fatal
done
wc -l "$here"/*_metrics.txt
