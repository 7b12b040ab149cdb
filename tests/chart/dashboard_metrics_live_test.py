#!/usr/bin/env python3
"""Every metric the chart's Grafana dashboard and alert rules use exists in a live /metrics.

Starts `limiar serve` (the binary given) on ephemeral 127.0.0.1 ports with the log actuator
and a one-target blueprint, pushes a load at three times the target so that a decision is
made and actuated at once (the fast path), then reads /metrics and checks each name
tests/chart/dashboard_metrics.py finds in the dashboard and the rules. A name the chart uses
that serve does not export (a typo, a renamed series) fails here, not on an SRE's screen.

  tests/chart/dashboard_metrics_live_test.py build/release/src/cli/limiar
"""
import os
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BLUEPRINT = os.path.join(ROOT, "tests/serve/testdata/restart.json")
DEADLINE_S = 60  # generous for a loaded CI machine; the test returns as soon as it can


def referenced_names():
    out = subprocess.run([sys.executable, os.path.join(ROOT, "tests/chart/dashboard_metrics.py")],
                         check=True, capture_output=True, text=True).stdout
    names = sorted({line.strip() for line in out.splitlines() if line.strip()})
    if not names:
        sys.exit("dashboard_metrics.py found no metric names in the dashboard and rules")
    return names


def exported_names(text):
    names = set()
    for line in text.splitlines():
        if line and not line.startswith("#"):
            names.add(re.split(r"[{ ]", line, maxsplit=1)[0])
    return names


def wait_for_serving_line(proc, log):
    """The ports serve bound, from its `serving:` line (port 0 asks for any free port)."""
    deadline = time.monotonic() + DEADLINE_S
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            if proc.poll() is not None:
                sys.exit("limiar serve exited with %s before serving:\n%s" % (proc.returncode,
                                                                              "".join(log)))
            continue
        log.append(line)
        m = re.search(r"grpc on (127\.0\.0\.1:\d+), http on 127\.0\.0\.1:(\d+)", line)
        if m:
            return m.group(1), int(m.group(2))
    sys.exit("no `serving:` line from limiar serve within %d s:\n%s" % (DEADLINE_S, "".join(log)))


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    limiar = os.path.abspath(sys.argv[1])
    wanted = referenced_names()
    with tempfile.TemporaryDirectory(prefix="limiar-dashboard-") as tmp:
        proc = subprocess.Popen(
            [limiar, "serve", "--blueprint", BLUEPRINT, "--grpc-listen", "127.0.0.1:0",
             "--http-listen", "127.0.0.1:0", "--state-file", os.path.join(tmp, "state.json")],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        log = []
        try:
            grpc, http_port = wait_for_serving_line(proc, log)
            # Keep reading its log, so that a full pipe never blocks serve.
            threading.Thread(target=lambda: log.extend(proc.stdout), daemon=True).start()
            push = subprocess.run(
                [limiar, "push", "--server", grpc, "-r", "web", "-m", "requests", "--replica",
                 "web-0=150", "--replica", "web-1=150"], capture_output=True, text=True)
            if push.returncode != 0:
                sys.exit("limiar push failed: " + push.stdout + push.stderr)
            # Poll until the actuated decision shows (a scale event is the last series made).
            deadline = time.monotonic() + DEADLINE_S
            text = ""
            while time.monotonic() < deadline:
                with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % http_port,
                                            timeout=10) as r:
                    text = r.read().decode()
                if 'limiar_scale_events_total{direction="up"' in text:
                    break
                time.sleep(0.1)
            else:
                sys.exit("no scale event on /metrics within %d s:\n%s" % (DEADLINE_S, text))
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=DEADLINE_S)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    exported = exported_names(text)
    missing = [n for n in wanted if n not in exported]
    for n in wanted:
        print("%-45s %s" % (n, "missing" if n in missing else "exported"))
    if missing:
        sys.exit("%d metric(s) the dashboard or the alert rules use are not on a live /metrics: "
                 "%s" % (len(missing), ", ".join(missing)))
    print("all %d metrics the dashboard and the rules use are exported" % len(wanted))


if __name__ == "__main__":
    main()
