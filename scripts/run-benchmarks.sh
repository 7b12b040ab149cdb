#!/usr/bin/env bash
# Runs every benchmark of the build in $1 (default build/release) and prints the figures
# the README quotes. Results vary with the machine; compare on the same one. Arguments
# after the build directory go to policy_bench.
#
# ingest_load and spike_latency start the build's own `limiar serve` on 127.0.0.1
# ephemeral ports and stop it when done; they share the machine with it, so run them on
# an otherwise idle machine.
set -euo pipefail
build=${1:-build/release}
"$build/bench/policy_bench" --benchmark_min_time=1 "${@:2}"
echo
# gRPC push ingest: batches of 1,000 samples over 4 streams for 5 s, into 1,000 targets x
# 50 replicas (50,000 series); target >= 2 M samples/s.
"$build/bench/ingest_load" --streams 4 --seconds 5 --targets 1000 --replicas 50
echo
# Reaction: spike pushed -> decision at the webhook, fast path only (15 s tick); target
# < 100 ms.
"$build/bench/spike_latency" --rounds 50 --targets 10
echo
# Overload: 128 streams offering 5x the ingest figure above (2.32 M samples/s), 16 streams
# of never-seen series, spikes written on held streams meanwhile; the server's peak RSS,
# what clients were told by gRPC code, and spike -> decision under load.
"$build/bench/overload" --seconds 10 --streams 128 --multiple 5 --flood-streams 16
echo
# The simulator: one replay of the 48 h World Cup trace (target < 50 ms), linear in steps
# and in targets. Reads ../shared/traces through simulations/; run from the repo root.
"$build/bench/sim_bench"
echo
# Kubernetes controller scale: 1,000 Deployments x 20 pods in the fake API server (in the
# load generator's process), one pod watch per namespace and every target's PodMetrics
# listed every 15 s, 10 pods replaced per second; the tick (target < 50 ms), serve's RSS
# and threads. Then 10,000 Deployments of 2 pods in 100 namespaces.
"$build/bench/kube_scale" --targets 1000 --pods 20 --seconds 30 --churn 10
echo
"$build/bench/kube_scale" --targets 10000 --pods 2 --namespaces 100 --seconds 30 --churn 10
