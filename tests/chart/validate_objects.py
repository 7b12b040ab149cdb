#!/usr/bin/python3
"""Validates rendered Kubernetes objects against the Kubernetes API's own schema, strictly.

    /usr/bin/python3 tests/chart/validate_objects.py RENDERED.yaml... ('-': stdin)

The schema is not ours: it is Debian's python3-kubernetes, whose model classes are
generated from the API server's OpenAPI document. Each object's apiVersion and kind name
its model class (apps/v1 Deployment -> kubernetes.client.V1Deployment); every field is then
walked recursively:
  - a field the model does not have is a failure (JSON names through attribute_map);
  - a value of the wrong type is a failure (openapi_types: 'str', 'int', 'bool',
    'list[V1Container]', 'dict(str, str)', 'V1ObjectMeta'; 'object' is IntOrString in
    these models: an int or a string);
  - a required field left out is a failure (the fields whose setter refuses None under
    client-side validation, as the model's __init__ would);
  - a value the model's setter refuses (an enum the model knows) is a failure.
Resource quantities (resources.requests/limits, emptyDir sizeLimit) may be numbers, as the
API accepts them, and must parse as quantities. ServiceMonitor and PrometheusRule are CRDs
the client does not know: they are walked the same way against a minimal schema written
from the prometheus-operator API reference (monitoring.coreos.com/v1), below.
Every object also needs metadata.name, and a namespaced kind a metadata.namespace.

Prints one line per problem, `FILE: KIND/NAME: PATH: problem`, then `N passed, M failed`
(objects); exits 1 on any failure.
"""
import re
import sys

import kubernetes.client as k8s
import yaml

# apiVersion, kind -> model class name. Only API versions current Kubernetes serves.
KINDS = {
    ("v1", "ConfigMap"): "V1ConfigMap",
    ("v1", "Secret"): "V1Secret",
    ("v1", "Service"): "V1Service",
    ("v1", "ServiceAccount"): "V1ServiceAccount",
    ("v1", "PersistentVolumeClaim"): "V1PersistentVolumeClaim",
    ("v1", "Pod"): "V1Pod",
    ("apps/v1", "Deployment"): "V1Deployment",
    ("apps/v1", "StatefulSet"): "V1StatefulSet",
    ("batch/v1", "Job"): "V1Job",
    ("policy/v1", "PodDisruptionBudget"): "V1PodDisruptionBudget",
    ("networking.k8s.io/v1", "NetworkPolicy"): "V1NetworkPolicy",
    ("rbac.authorization.k8s.io/v1", "Role"): "V1Role",
    ("rbac.authorization.k8s.io/v1", "RoleBinding"): "V1RoleBinding",
    ("rbac.authorization.k8s.io/v1", "ClusterRole"): "V1ClusterRole",
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding"): "V1ClusterRoleBinding",
    ("monitoring.coreos.com/v1", "ServiceMonitor"): "ServiceMonitor",
    ("monitoring.coreos.com/v1", "PrometheusRule"): "PrometheusRule",
}
CLUSTER_SCOPED = {"ClusterRole", "ClusterRoleBinding"}

# Fields typed dict(str, str) in the models whose values are resource.Quantity.
QUANTITY_FIELDS = {("V1ResourceRequirements", "limits"), ("V1ResourceRequirements", "requests")}
QUANTITY_SCALARS = {("V1EmptyDirVolumeSource", "size_limit")}
# The one 'object' field of these models that is free-form JSON, not IntOrString.
FREE_FORM = {("V1ManagedFieldsEntry", "fields_v1")}
# Enums the models document only in prose ("One of Always, Never, IfNotPresent"), for the
# fields the chart sets; a list field's items are checked one by one.
ENUMS = {
    ("V1Container", "image_pull_policy"): {"Always", "Never", "IfNotPresent"},
    ("V1ContainerPort", "protocol"): {"TCP", "UDP", "SCTP"},
    ("V1ServicePort", "protocol"): {"TCP", "UDP", "SCTP"},
    ("V1NetworkPolicyPort", "protocol"): {"TCP", "UDP", "SCTP"},
    ("V1ServiceSpec", "type"): {"ClusterIP", "NodePort", "LoadBalancer", "ExternalName"},
    ("V1PodSpec", "restart_policy"): {"Always", "OnFailure", "Never"},
    ("V1JobSpec", "completion_mode"): {"NonIndexed", "Indexed"},
    ("V1SeccompProfile", "type"): {"RuntimeDefault", "Localhost", "Unconfined"},
    ("V1DeploymentStrategy", "type"): {"RollingUpdate", "Recreate"},
    ("V1NetworkPolicySpec", "policy_types"): {"Ingress", "Egress"},
    ("V1PersistentVolumeClaimSpec", "access_modes"): {"ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany",
                                                      "ReadWriteOncePod"},
    ("V1PodSecurityContext", "fs_group_change_policy"): {"OnRootMismatch", "Always"},
    ("V1Toleration", "operator"): {"Exists", "Equal"},
    ("V1Toleration", "effect"): {"NoSchedule", "PreferNoSchedule", "NoExecute"},
    ("V1TopologySpreadConstraint", "when_unsatisfiable"): {"DoNotSchedule", "ScheduleAnyway"},
    ("V1Subject", "kind"): {"User", "Group", "ServiceAccount"},
    ("V1RoleRef", "kind"): {"Role", "ClusterRole"},
}
QUANTITY = re.compile(r"^[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[numkMGTPE]|Ki|Mi|Gi|Ti|Pi|Ei)?$")

# --- CRDs: monitoring.coreos.com/v1, from the prometheus-operator API reference ----------
# Each type: {json field: type}; types as the client models spell them, plus the names
# below. Required fields in CRD_REQUIRED.
_RELABEL = {
    "sourceLabels": "list[str]", "separator": "str", "targetLabel": "str", "regex": "str",
    "modulus": "int", "replacement": "str", "action": "str",
}
_SAFE_TLS = {
    "ca": "object", "cert": "object", "keySecret": "V1SecretKeySelector", "serverName": "str",
    "insecureSkipVerify": "bool", "caFile": "str", "certFile": "str", "keyFile": "str",
}
CRD_TYPES = {
    "ServiceMonitor": {
        "apiVersion": "str", "kind": "str", "metadata": "V1ObjectMeta", "spec": "ServiceMonitorSpec",
    },
    "ServiceMonitorSpec": {
        "jobLabel": "str", "targetLabels": "list[str]", "podTargetLabels": "list[str]",
        "endpoints": "list[MonitoringEndpoint]", "selector": "V1LabelSelector",
        "namespaceSelector": "NamespaceSelector", "sampleLimit": "int", "targetLimit": "int",
        "labelLimit": "int", "labelNameLengthLimit": "int", "labelValueLengthLimit": "int",
        "keepDroppedTargets": "int", "attachMetadata": "AttachMetadata", "scrapeClass": "str",
        "scrapeProtocols": "list[str]", "bodySizeLimit": "str",
    },
    "NamespaceSelector": {"any": "bool", "matchNames": "list[str]"},
    "AttachMetadata": {"node": "bool"},
    "MonitoringEndpoint": {
        "port": "str", "targetPort": "object", "path": "str", "scheme": "str",
        "params": "dict(str, list[str])", "interval": "str", "scrapeTimeout": "str",
        "tlsConfig": "TLSConfig", "bearerTokenFile": "str", "bearerTokenSecret": "V1SecretKeySelector",
        "authorization": "SafeAuthorization", "honorLabels": "bool", "honorTimestamps": "bool",
        "trackTimestampsStaleness": "bool", "basicAuth": "BasicAuth",
        "metricRelabelings": "list[RelabelConfig]", "relabelings": "list[RelabelConfig]",
        "proxyUrl": "str", "followRedirects": "bool", "enableHttp2": "bool", "filterRunning": "bool",
    },
    "RelabelConfig": _RELABEL,
    "TLSConfig": _SAFE_TLS,
    "SafeAuthorization": {"type": "str", "credentials": "V1SecretKeySelector"},
    "BasicAuth": {"username": "V1SecretKeySelector", "password": "V1SecretKeySelector"},
    "PrometheusRule": {
        "apiVersion": "str", "kind": "str", "metadata": "V1ObjectMeta", "spec": "PrometheusRuleSpec",
    },
    "PrometheusRuleSpec": {"groups": "list[RuleGroup]"},
    "RuleGroup": {
        "name": "str", "interval": "str", "rules": "list[Rule]", "partial_response_strategy": "str",
        "limit": "int", "query_offset": "str", "labels": "dict(str, str)",
    },
    "Rule": {
        "record": "str", "alert": "str", "expr": "object", "for": "str", "keep_firing_for": "str",
        "labels": "dict(str, str)", "annotations": "dict(str, str)",
    },
}
CRD_REQUIRED = {
    "ServiceMonitor": {"spec"},
    "ServiceMonitorSpec": {"selector"},
    "PrometheusRule": {"spec"},
    "RuleGroup": {"name"},
    "Rule": {"expr"},
}
CRD_ENUMS = {
    ("MonitoringEndpoint", "scheme"): {"http", "https"},
    ("RelabelConfig", "action"): {
        "replace", "keep", "drop", "hashmod", "labelmap", "labeldrop", "labelkeep", "lowercase",
        "uppercase", "keepequal", "dropequal",
        "Replace", "Keep", "Drop", "HashMod", "LabelMap", "LabelDrop", "LabelKeep", "Lowercase",
        "Uppercase", "KeepEqual", "DropEqual",
    },
}
DURATION = re.compile(r"^(0|(([0-9]+)y)?(([0-9]+)w)?(([0-9]+)d)?(([0-9]+)h)?(([0-9]+)m)?(([0-9]+)s)?(([0-9]+)ms)?)$")
CRD_DURATIONS = {("MonitoringEndpoint", "interval"), ("MonitoringEndpoint", "scrapeTimeout"),
                 ("RuleGroup", "interval"), ("Rule", "for"), ("Rule", "keep_firing_for")}

_required_cache = {}


def _config():
    c = k8s.Configuration()
    c.client_side_validation = True
    return c


def model_fields(name):
    """{json name: (attribute, type)} of a client model."""
    cls = getattr(k8s, name)
    return {json: (attr, cls.openapi_types[attr]) for attr, json in cls.attribute_map.items()}


def required_fields(name):
    """The JSON names of a model's required fields: those whose setter refuses None."""
    if name in _required_cache:
        return _required_cache[name]
    cls = getattr(k8s, name)
    out = set()
    for attr, json in cls.attribute_map.items():
        probe = cls.__new__(cls)
        probe.local_vars_configuration = _config()
        try:
            setattr(probe, attr, None)
        except ValueError:
            out.add(json)
    _required_cache[name] = out
    return out


def setter_refuses(name, attr, value):
    """The message of the model's setter when it refuses a primitive value (enums)."""
    cls = getattr(k8s, name)
    probe = cls.__new__(cls)
    probe.local_vars_configuration = _config()
    try:
        setattr(probe, attr, value)
    except ValueError as e:
        return str(e)
    return None


def type_name(v):
    if v is None:
        return "null"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, str):
        return "string"
    if isinstance(v, list):
        return "list"
    if isinstance(v, dict):
        return "object"
    return type(v).__name__


class Validator:
    def __init__(self):
        self.problems = []

    def fail(self, path, msg):
        self.problems.append(f"{path}: {msg}")

    def check(self, value, typ, path, owner=None):
        """`value` against the type string `typ`; owner is (model, attribute) it sits in."""
        if value is None:
            # An explicit null is what omitting the field means to the API server.
            return
        m = re.fullmatch(r"list\[(.+)\]", typ)
        if m:
            if not isinstance(value, list):
                return self.fail(path, f"expected a list of {m.group(1)}, got {type_name(value)}")
            for i, item in enumerate(value):
                self.check(item, m.group(1), f"{path}[{i}]", owner)
            return
        m = re.fullmatch(r"dict\(str, (.+)\)", typ)
        if m:
            if not isinstance(value, dict):
                return self.fail(path, f"expected a map of {m.group(1)}, got {type_name(value)}")
            for k, item in value.items():
                if not isinstance(k, str):
                    self.fail(f"{path}.{k}", f"map keys must be strings, got {type_name(k)}")
                if owner in QUANTITY_FIELDS:
                    self.quantity(item, f"{path}.{k}")
                else:
                    self.check(item, m.group(1), f"{path}.{k}", owner)
            return
        if typ == "str":
            if owner in QUANTITY_SCALARS:
                return self.quantity(value, path)
            if not isinstance(value, str):
                self.fail(path, f"expected a string, got {type_name(value)} {value!r}")
            return
        if typ == "int":
            if isinstance(value, bool) or not isinstance(value, int):
                self.fail(path, f"expected an integer, got {type_name(value)} {value!r}")
            return
        if typ == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                self.fail(path, f"expected a number, got {type_name(value)} {value!r}")
            return
        if typ == "bool":
            if not isinstance(value, bool):
                self.fail(path, f"expected true or false, got {type_name(value)} {value!r}")
            return
        if typ in ("datetime", "date"):
            if not isinstance(value, str):
                self.fail(path, f"expected a time string, got {type_name(value)}")
            return
        if typ == "object":
            if owner in FREE_FORM:
                return
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                self.fail(path, f"expected an int or a string (IntOrString), got {type_name(value)}")
            return
        if typ in CRD_TYPES:
            return self.crd(value, typ, path)
        if hasattr(k8s, typ):
            return self.model(value, typ, path)
        self.fail(path, f"the validator does not know the type {typ!r}")

    def quantity(self, value, path):
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            return self.fail(path, f"expected a quantity, got {type_name(value)}")
        if not QUANTITY.match(str(value)):
            self.fail(path, f"{value!r} is not a resource quantity")

    def model(self, value, name, path):
        if not isinstance(value, dict):
            return self.fail(path, f"expected an object ({name}), got {type_name(value)}")
        fields = model_fields(name)
        for key, item in value.items():
            if key not in fields:
                self.fail(f"{path}.{key}", f"unknown field (not in {name}; known: {', '.join(sorted(fields))})")
                continue
            attr, typ = fields[key]
            self.check(item, typ, f"{path}.{key}", (name, attr))
            allowed = ENUMS.get((name, attr))
            if allowed is not None:
                for v in (item if isinstance(item, list) else [item]):
                    if v is not None and v not in allowed:
                        self.fail(f"{path}.{key}", f"{v!r} is not one of {sorted(allowed)}")
            if typ in ("str", "int", "bool") and isinstance(item, (str, int, bool)):
                refused = setter_refuses(name, attr, item)
                if refused:
                    self.fail(f"{path}.{key}", refused)
        for key in sorted(required_fields(name)):
            if value.get(key) is None:
                self.fail(f"{path}.{key}", f"required by {name}, missing")

    def crd(self, value, name, path):
        if not isinstance(value, dict):
            return self.fail(path, f"expected an object ({name}), got {type_name(value)}")
        fields = CRD_TYPES[name]
        for key, item in value.items():
            if key not in fields:
                self.fail(f"{path}.{key}", f"unknown field (not in {name}; known: {', '.join(sorted(fields))})")
                continue
            self.check(item, fields[key], f"{path}.{key}", (name, key))
            allowed = CRD_ENUMS.get((name, key))
            if allowed and item not in allowed:
                self.fail(f"{path}.{key}", f"{item!r} is not one of {sorted(allowed)}")
            if (name, key) in CRD_DURATIONS and isinstance(item, str) and not DURATION.match(item):
                self.fail(f"{path}.{key}", f"{item!r} is not a Prometheus duration")
        for key in sorted(CRD_REQUIRED.get(name, ())):
            if value.get(key) is None:
                self.fail(f"{path}.{key}", f"required by {name}, missing")
        if name == "Rule" and (("alert" in value) == ("record" in value)):
            self.fail(path, "a rule needs exactly one of alert and record")
        if name == "ServiceMonitorSpec" and not value.get("endpoints"):
            self.fail(f"{path}.endpoints", "no endpoints: the ServiceMonitor would scrape nothing")


def validate_object(obj):
    """The problems of one object (a dict), as path: message strings."""
    v = Validator()
    if not isinstance(obj, dict):
        return [f"(document): expected an object, got {type_name(obj)}"]
    key = (obj.get("apiVersion"), obj.get("kind"))
    name = KINDS.get(key)
    if name is None:
        return [f"(document): apiVersion {key[0]!r} kind {key[1]!r} is not a kind this validator "
                f"knows (add it to KINDS in {__file__} if it is right)"]
    v.check(obj, name, key[1])
    meta = obj.get("metadata") or {}
    if not meta.get("name"):
        v.fail(f"{key[1]}.metadata.name", "missing")
    if key[1] not in CLUSTER_SCOPED and not meta.get("namespace"):
        v.fail(f"{key[1]}.metadata.namespace", "missing on a namespaced kind")
    if key[1] in CLUSTER_SCOPED and meta.get("namespace"):
        v.fail(f"{key[1]}.metadata.namespace", "set on a cluster-scoped kind")
    return v.problems


def load_documents(path):
    text = sys.stdin.read() if path == "-" else open(path).read()
    return [d for d in yaml.safe_load_all(text) if d is not None]


def main(argv):
    if not argv:
        print(__doc__, file=sys.stderr)
        return 2
    passed = failed = 0
    for path in argv:
        try:
            docs = load_documents(path)
        except (OSError, yaml.YAMLError) as e:
            print(f"{path}: {e}")
            failed += 1
            continue
        if not docs:
            print(f"{path}: no objects")
            failed += 1
        for doc in docs:
            problems = validate_object(doc)
            what = f"{doc.get('kind')}/{(doc.get('metadata') or {}).get('name')}" if isinstance(doc, dict) else "?"
            if problems:
                failed += 1
                for p in problems:
                    print(f"{path}: {what}: {p}")
            else:
                passed += 1
    print(f"validate_objects: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
