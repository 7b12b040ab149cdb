#!/usr/bin/python3
"""validate_objects.py refuses what the API server would: a table of broken objects, each
with the problem it must report, and the good object they are made from.

    /usr/bin/python3 tests/chart/validate_objects_test.py
"""
import copy
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from validate_objects import validate_object  # noqa: E402

GOOD = {
    "apiVersion": "apps/v1", "kind": "Deployment",
    "metadata": {"name": "web", "namespace": "shop", "labels": {"app": "web"}},
    "spec": {
        "replicas": 2,
        "selector": {"matchLabels": {"app": "web"}},
        "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": "25%"}},
        "template": {
            "metadata": {"labels": {"app": "web"}},
            "spec": {
                "containers": [{
                    "name": "web", "image": "web:1",
                    "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}],
                    "resources": {"requests": {"cpu": "100m", "memory": "64Mi"}, "limits": {"cpu": 2}},
                    "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}},
                    "securityContext": {"capabilities": {"drop": ["ALL"]},
                                        "seccompProfile": {"type": "RuntimeDefault"}},
                }],
                "volumes": [{"name": "tmp", "emptyDir": {"sizeLimit": "1Gi"}}],
            },
        },
    },
}
CTR = ("spec", "template", "spec", "containers", 0)


def at(obj, path):
    for p in path:
        obj = obj[p]
    return obj


def mutated(path, key, value=None, delete=False):
    obj = copy.deepcopy(GOOD)
    parent = at(obj, path)
    if delete:
        del parent[key]
    else:
        parent[key] = value
    return obj


CASES = [
    ("an unknown field", mutated(("spec",), "replica", 2), "Deployment.spec.replica: unknown field"),
    ("a camelCase typo", mutated(CTR, "imagePullpolicy", "Always"), "imagePullpolicy: unknown field"),
    ("snake_case instead of the JSON name", mutated(CTR, "image_pull_policy", "Always"),
     "image_pull_policy: unknown field"),
    ("a string for an int", mutated(("spec",), "replicas", "2"), "spec.replicas: expected an integer"),
    ("a bool for an int", mutated(("spec",), "replicas", True), "spec.replicas: expected an integer"),
    ("an int for a string", mutated(CTR, "image", 1), "image: expected a string"),
    ("a map for a list", mutated(CTR, "ports", {"name": "http"}), "ports: expected a list"),
    ("a missing required field", mutated(CTR, "name", delete=True), "name: required by V1Container, missing"),
    ("a missing required spec part", mutated(("spec",), "selector", delete=True),
     "spec.selector: required by V1DeploymentSpec, missing"),
    ("a list for an IntOrString", mutated(("spec", "strategy", "rollingUpdate"), "maxSurge", [1]),
     "maxSurge: expected an int or a string (IntOrString)"),
    ("a bad quantity", mutated(CTR + ("resources", "limits"), "memory", "1 GB"),
     "resources.limits.memory: '1 GB' is not a resource quantity"),
    ("an enum value Kubernetes does not know", mutated(CTR, "imagePullPolicy", "Sometimes"),
     "imagePullPolicy: 'Sometimes' is not one of"),
    ("a bad seccomp profile type", mutated(CTR + ("securityContext", "seccompProfile"), "type", "Default"),
     "seccompProfile.type: 'Default' is not one of"),
    ("no namespace on a namespaced kind", mutated(("metadata",), "namespace", delete=True),
     "metadata.namespace: missing"),
    ("an API version Kubernetes no longer serves", mutated((), "apiVersion", "extensions/v1beta1"),
     "is not a kind this validator knows"),
    ("a label value that is not a string", mutated(("metadata", "labels"), "tier", 3),
     "metadata.labels.tier: expected a string"),
    ("a ServiceMonitor without a selector",
     {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
      "metadata": {"name": "m", "namespace": "n"}, "spec": {"endpoints": [{"port": "http"}]}},
     "spec.selector: required by ServiceMonitorSpec"),
    ("a ServiceMonitor endpoint field that does not exist",
     {"apiVersion": "monitoring.coreos.com/v1", "kind": "ServiceMonitor",
      "metadata": {"name": "m", "namespace": "n"},
      "spec": {"selector": {"matchLabels": {"a": "b"}}, "endpoints": [{"port": "http", "intervalSeconds": 30}]}},
     "endpoints[0].intervalSeconds: unknown field"),
    ("a PrometheusRule rule without expr",
     {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": {"name": "r", "namespace": "n"},
      "spec": {"groups": [{"name": "g", "rules": [{"alert": "A", "for": "5m"}]}]}},
     "rules[0].expr: required by Rule"),
    ("a PrometheusRule `for` that is not a duration",
     {"apiVersion": "monitoring.coreos.com/v1", "kind": "PrometheusRule", "metadata": {"name": "r", "namespace": "n"},
      "spec": {"groups": [{"name": "g", "rules": [{"alert": "A", "expr": "up", "for": "5 minutes"}]}]}},
     "rules[0].for: '5 minutes' is not a Prometheus duration"),
]


def main():
    passed = failed = 0
    problems = validate_object(GOOD)
    if problems:
        failed += 1
        print(f"FAIL the good object is refused: {problems}")
    else:
        passed += 1
    for what, obj, want in CASES:
        problems = validate_object(obj)
        if any(want in p for p in problems):
            passed += 1
        else:
            failed += 1
            print(f"FAIL {what}: expected a problem with {want!r}, got {problems}")
    print(f"validate_objects_test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
