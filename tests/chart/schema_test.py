#!/usr/bin/python3
"""Bad values are refused, each with a message that names the key: values.schema.json
(helm's JSON-schema errors) and the chart's own `fail` checks (what a schema cannot say).

    /usr/bin/python3 tests/chart/schema_test.py HELM

Every case runs `helm template` (and the `lint` cases `helm lint --strict` too) and must
exit non-zero with the expected text on stderr. Prints one line per failing case, then
`N passed, M failed`.
"""
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CHART = "charts/limiar"

# (what, helm arguments, expected text in stderr, also `helm lint --strict`)
CASES = [
    ("replicas is an integer", ["--set", "replicas=two"],
     "replicas: Invalid type. Expected: integer, given: string", True),
    ("image.tag is a string", ["--set", "image.tag=1"],
     "image.tag: Invalid type. Expected: string, given: integer", True),
    ("an unknown top-level key (a typo)", ["--set", "replica=2"],
     "(root): Additional property replica is not allowed", True),
    ("an unknown nested key", ["--set", "leaderElection.leaseDuration=15"],
     "leaderElection: Additional property leaseDuration is not allowed", False),
    ("watchNamespace is a string or a list, not a number", ["--set", "watchNamespace=3"],
     "watchNamespace: Invalid type. Expected: string, given: integer", True),
    ("watchNamespace is a string or a list, not a map", ["--set", "watchNamespace.shop=true"],
     "watchNamespace: Invalid type. Expected: string, given: object", False),
    ("watchNamespace entries are namespace names", ["--set", "watchNamespace[0]=Shop_1"],
     "watchNamespace.0: Does not match pattern", False),
    ("a negative lease duration", ["--set", "leaderElection.leaseDurationSeconds=-1"],
     "leaderElection.leaseDurationSeconds: Must be greater than or equal to 1", True),
    ("an unknown mode", ["--set", "mode=cluster"],
     'mode: mode must be one of the following: "standalone", "sidecar", "sweep"', False),
    ("an unknown actuator kind", ["--set", "actuator.kind=kubectl"],
     'actuator.kind: actuator.kind must be one of the following: "log", "exec", "webhook", "grpc", "kubernetes"', False),
    ("a misspelt serve store key", ["--set", "serve.store.max_age=3"],
     "serve.store: Additional property max_age is not allowed", False),
    ("grpc.max_threads below serve's minimum", ["--set", "serve.grpc.max_threads=2"],
     "serve.grpc.max_threads: Must be greater than or equal to 4", False),
    ("a kubernetes source's kind", ["--set", "sources.web.kubernetes.kind=Job", "--set", "sources.web.kubernetes.name=web",
                                    "--set", "sources.web.kubernetes.metric=pod_metrics_cpu"],
     'sources.web.kubernetes.kind: sources.web.kubernetes.kind must be one of the following: "Deployment", "StatefulSet"', False),
    ("a kubernetes source without name and metric", ["--set", "sources.web.kubernetes.kind=Deployment"],
     "sources.web.kubernetes: name is required", False),
    ("an unknown key in a promql source", ["--set", "sources.web.promql.server_address=http://p:9090",
                                           "--set", "sources.web.promql.query=up", "--set", "sources.web.promql.threshold=5"],
     "sources.web.promql: Additional property threshold is not allowed", False),
    ("a tick interval of 0", ["--set", "serve.tickIntervalSeconds=0"],
     "serve.tickIntervalSeconds: Must be greater than or equal to 0.1", False),
    ("a port out of range", ["--set", "service.grpcPort=70000"],
     "service.grpcPort: Must be less than or equal to 65535", False),
    ("a misspelt securityContext key", ["--set", "securityContext.readOnlyRootFileSystem=true"],
     "securityContext: Additional property readOnlyRootFileSystem is not allowed", False),
    ("a pull policy Kubernetes does not know", ["--set", "image.pullPolicy=Sometimes"],
     "image.pullPolicy: image.pullPolicy must be one of the following", False),
    ("a ServiceMonitor interval that is not a duration", ["--set", "metrics.serviceMonitor.interval=30"],
     "metrics.serviceMonitor.interval: Invalid type. Expected: string, given: integer", False),
    ("a sweep of zero shards", ["--set", "sweep.shards=0"],
     "sweep.shards: Must be greater than or equal to 1", False),
    # The chart's own checks (templates/_helpers.tpl, rbac.yaml, sweep.yaml).
    ("a renew deadline longer than the lease", ["--set", "leaderElection.renewDeadlineSeconds=20"],
     "leaderElection.leaseDurationSeconds (15) must be longer than renewDeadlineSeconds (20)", False),
    ("a renew deadline too close to the retry period", ["--set", "leaderElection.retryPeriodSeconds=9"],
     "leaderElection.renewDeadlineSeconds (10) must be more than 1.2 x retryPeriodSeconds (9)", False),
    ("several copies without leader election", ["--set", "leaderElection.enabled=false"],
     "replicas: 2 copies without leader election would all scale the same targets", False),
    ("sidecar mode without its target", ["--set", "mode=sidecar"],
     "sidecar.target: name the blueprint target that the application's Deployment is", False),
    ("an actuator namespace outside watchNamespace",
     ["--set", "watchNamespace[0]=shop", "--set", "actuator.kubernetes.namespace=payments"],
     'namespace "payments" (of the actuator or a kubernetes source) is not watched', False),
    ("a kubernetes source outside watchNamespace",
     ["--set", "watchNamespace[0]=shop", "--set", "sources.web.kubernetes.kind=Deployment",
      "--set", "sources.web.kubernetes.name=web", "--set", "sources.web.kubernetes.metric=pod_metrics_cpu",
      "--set", "sources.web.kubernetes.namespace=other"],
     'namespace "other" (of the actuator or a kubernetes source) is not watched', False),
    ("client certificates without TLS", ["--set", "tls.clientCA.existingSecret=ca"],
     "tls.clientCA.existingSecret needs tls.existingSecret", False),
    ("a sweep without a grid", ["--set", "mode=sweep", "--set-json", "sweep.scenario={\"name\":\"x\"}"],
     "sweep.grid: give at least one KEY=VALUES", False),
    ("a sweep without a scenario", ["--set", "mode=sweep", "--set", "sweep.grid[0]=limiar=40:80:10"],
     "sweep.scenario: give the scenario object", False),
    ("traces from a ConfigMap and a claim at once",
     ["-f", "charts/limiar/profiles/sweep.yaml", "--set", "sweep.traces.existingConfigMap=t",
      "--set", "sweep.traces.existingClaim=t"],
     "sweep.traces: give existingConfigMap or existingClaim, not both", False),
]


def run(helm, verb, args):
    if verb == "lint":
        cmd = [helm, "lint", "--strict", CHART] + args
    else:
        cmd = [helm, "template", "limiar", CHART, "-n", "shop"] + args
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    helm = argv[0]
    passed = failed = 0
    for what, args, want, lint in CASES:
        for verb in ["template"] + (["lint"] if lint else []):
            r = run(helm, verb, args)
            out = r.stderr + (r.stdout if verb == "lint" else "")
            if r.returncode == 0:
                failed += 1
                print(f"FAIL {what}: helm {verb} {' '.join(args)} succeeded; expected it to fail with {want!r}")
            elif want not in out:
                failed += 1
                print(f"FAIL {what}: helm {verb} {' '.join(args)} failed, but without {want!r}:\n{out.strip()}")
            else:
                passed += 1
    print(f"schema_test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
