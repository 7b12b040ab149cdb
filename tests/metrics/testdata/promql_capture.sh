#!/usr/bin/env bash
# Re-captures promql_api_responses.txt: real /api/v1/query answers of Debian 12's Prometheus
# 2.42, one per case that tests/metrics/promql_test.cc parses.
# Needs: apt-get install -y prometheus curl python3
# Prometheus binds to 127.0.0.1 on a free port, scrapes only itself (every 1 s), and is
# stopped by pid before exit. Timestamps and counts in the file are the capture's own.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/promql_api_responses.txt"
work="$(mktemp -d)"
pid=""
cleanup() {
  if [[ -n "$pid" ]]; then kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
base="http://127.0.0.1:$port"
cat >"$work/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
scrape_configs:
  - job_name: self
    static_configs:
      - targets: ['127.0.0.1:$port']
EOF
prometheus --config.file="$work/prometheus.yml" --storage.tsdb.path="$work/tsdb" \
  --web.listen-address="127.0.0.1:$port" --log.level=warn >"$work/prometheus.log" 2>&1 &
pid=$!
for _ in $(seq 1 50); do curl -fsS -o /dev/null "$base/-/ready" 2>/dev/null && break; sleep 0.1; done
# The scrape manager applies its targets about 5 s after start; `up[3s]` then needs three
# scrapes. Wait (at most ~30 s) until `up` has been scraped three times.
for _ in $(seq 1 300); do
  curl -fsS -G "$base/api/v1/query" --data-urlencode 'query=count_over_time(up[10s]) >= 3' |
    grep -q '"value"' && break
  sleep 0.1
done

# One line per case: name, HTTP status, body (Prometheus answers on one line).
capture() {
  local name="$1" query="$2" response
  response="$(curl -sS -G -w '\n%{http_code}' "$base/api/v1/query" --data-urlencode "query=$query")"
  printf '%s %s %s\n' "$name" "$(tail -n 1 <<<"$response")" "$(head -n -1 <<<"$response")"
}

{
  echo "# Prometheus $(prometheus --version 2>&1 | head -n 1 | cut -d' ' -f3) /api/v1/query"
  echo "# answers, captured by promql_capture.sh on $(date -u +%F). Format: name http_status body."
  capture vector_one 'up'
  capture vector_empty 'up{job="nothing"}'
  capture vector_many 'count by (le) (prometheus_http_request_duration_seconds_bucket)'
  capture vector_nan 'vector(0) / 0'
  capture vector_pos_inf 'vector(1) / 0'
  capture vector_neg_inf '-vector(1) / 0'
  capture vector_negative '-sum(up)'
  capture scalar 'scalar(sum(up)) * 2.5'
  capture string '"foo"'
  capture matrix 'up[3s]'
  capture error_bad_data 'sum(up'
  capture error_execution \
    'prometheus_http_requests_total + on(job) prometheus_http_requests_total'
} >"$out"
cat "$out"
