#!/usr/bin/python3
"""What the rendered chart must hold together, beyond each object's schema.

    /usr/bin/python3 tests/chart/chart_test.py HELM

For every values profile the chart is rendered, and the objects are checked against each
other and against serve's configuration: the pods mount what config.json names, the ports
the config listens on are the container's and the Service's, the hardened security
context, POD_NAME from the downward API, probes on /healthz and /readyz, the checksum that
rolls the pods on a config change (and only then), the PDB only with replicas > 1,
ServiceMonitor and PrometheusRule only when the cluster serves monitoring.coreos.com/v1
(the rule file as it is, plus the extra labels), the dashboard ConfigMap holding
files/dashboard.json; the sidecar profile renders only its ServiceAccount, RBAC and
ConfigMap, and sidecar-snippet.yaml is a valid container and volumes that mount that
ConfigMap (and the NOTES print it with the release's names); the sweep profile renders an
Indexed Job whose pod I runs `limiar sweep --shard I/N` and a merge Job over every shard's
CSV, and no controller. Also: the dashboard (JSON, panels, each expression a PromQL
expression `promtool check rules` accepts) and the rule file read only metrics that
src/serve/self_metrics.cc exports.

Prints one line per failed check, then `N passed, M failed`.
"""
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import dashboard_metrics  # noqa: E402
import validate_objects  # noqa: E402

CHART = os.path.join(ROOT, "charts/limiar")
NS = "shop"
SIDECAR_KINDS = {"ServiceAccount", "Role", "RoleBinding", "ConfigMap"}


class Checks:
    def __init__(self):
        self.passed = 0
        self.failed = 0

    def check(self, name, ok, detail=""):
        if ok:
            self.passed += 1
        else:
            self.failed += 1
            print(f"FAIL {name}" + (f": {detail}" if detail else ""))


def render(helm, args, chart=CHART, release="limiar"):
    r = subprocess.run([helm, "template", release, chart, "-n", NS] + args, cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"helm template {' '.join(args)}: {r.stderr.strip()}")
    return [d for d in yaml.safe_load_all(r.stdout) if d]


def by_kind(docs, kind):
    return [d for d in docs if d["kind"] == kind]


def one(docs, kind):
    found = by_kind(docs, kind)
    return found[0] if len(found) == 1 else None


def labels_match(selector, labels):
    return all(labels.get(k) == v for k, v in (selector or {}).items())


def serve_config(docs):
    for cm in by_kind(docs, "ConfigMap"):
        if "config.json" in (cm.get("data") or {}):
            return cm, json.loads(cm["data"]["config.json"])
    return None, None


def check_common(c, name, docs):
    keys = [(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]) for d in docs]
    c.check(f"{name}: object names are unique", len(keys) == len(set(keys)),
            str(sorted(k for k in keys if keys.count(k) > 1)))
    for d in docs:
        labels = d["metadata"].get("labels") or {}
        c.check(f"{name}: {d['kind']}/{d['metadata']['name']} has the chart's labels",
                all(k in labels for k in ("helm.sh/chart", "app.kubernetes.io/name",
                                          "app.kubernetes.io/instance", "app.kubernetes.io/managed-by")),
                str(labels))


def check_pod(c, name, pod_spec, pod_labels, config, container_name="limiar", serve=True):
    ctr = [x for x in pod_spec["containers"] if x["name"] == container_name]
    c.check(f"{name}: container {container_name}", len(ctr) == 1)
    if not ctr:
        return
    ctr = ctr[0]
    sc = ctr.get("securityContext") or {}
    c.check(f"{name}: hardened container securityContext",
            sc.get("runAsNonRoot") is True and sc.get("runAsUser") == 65532
            and sc.get("readOnlyRootFilesystem") is True and sc.get("allowPrivilegeEscalation") is False
            and (sc.get("capabilities") or {}).get("drop") == ["ALL"]
            and (sc.get("seccompProfile") or {}).get("type") == "RuntimeDefault", str(sc))
    psc = pod_spec.get("securityContext")
    if psc is not None:
        c.check(f"{name}: pod securityContext non-root with RuntimeDefault seccomp",
                psc.get("runAsNonRoot") is True and (psc.get("seccompProfile") or {}).get("type") == "RuntimeDefault",
                str(psc))
    volumes = {v["name"]: v for v in pod_spec.get("volumes") or []}
    mounts = {m["mountPath"]: m for m in ctr.get("volumeMounts") or []}
    c.check(f"{name}: every volumeMount names a volume",
            all(m["name"] in volumes for m in mounts.values()),
            str([m["name"] for m in mounts.values() if m["name"] not in volumes]))
    tmp = mounts.get("/tmp")
    c.check(f"{name}: an emptyDir on /tmp", tmp is not None and "emptyDir" in volumes.get(tmp["name"], {}))
    if not serve:
        return

    def file_in_pod(path):
        """The (volume, key) a file path of the config reaches, or None."""
        for mp, m in mounts.items():
            if path.startswith(mp.rstrip("/") + "/"):
                rel = path[len(mp.rstrip("/")) + 1:]
                v = volumes.get(m["name"], {})
                src = v.get("configMap") or v.get("secret") or {}
                items = src.get("items")
                if items is None:
                    return (m["name"], rel)
                for it in items:
                    if it["path"] == rel:
                        return (m["name"], it["key"])
        return None

    args = ctr.get("args") or []
    flags = dict(a[2:].split("=", 1) for a in args if a.startswith("--") and "=" in a)
    c.check(f"{name}: serve gets --blueprint and --config", args[:1] == ["serve"] and "blueprint" in flags
            and "config" in flags, str(args))
    for flag in ("blueprint", "config"):
        if flag in flags:
            c.check(f"{name}: --{flag} {flags[flag]} is a mounted file", file_in_pod(flags[flag]) is not None)
    for key in ("admin_token_file", "ingest_token_file", "state_file"):
        if config.get(key):
            if key == "state_file":
                c.check(f"{name}: state_file on a writable emptyDir",
                        any(config[key].startswith(mp + "/") and "emptyDir" in volumes.get(m["name"], {})
                            and not m.get("readOnly") for mp, m in mounts.items()))
            else:
                c.check(f"{name}: {key} {config[key]} is a mounted Secret key", file_in_pod(config[key]) is not None)
    for key in ("cert_file", "key_file", "client_ca_file"):
        path = (config.get("tls") or {}).get(key)
        if path:
            c.check(f"{name}: tls.{key} {path} is a mounted Secret key", file_in_pod(path) is not None)
    for v in volumes.values():
        if "secret" in v:
            c.check(f"{name}: Secret volume {v['name']} mounted read-only",
                    all(m.get("readOnly") for m in mounts.values() if m["name"] == v["name"]))
    env = {e["name"]: e for e in ctr.get("env") or []}
    c.check(f"{name}: POD_NAME from the downward API",
            ((env.get("POD_NAME") or {}).get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath") == "metadata.name")
    ports = {p["name"]: p["containerPort"] for p in ctr.get("ports") or []}
    for listen, port_names in (("grpc_listen", ("grpc", "limiar-grpc")), ("http_listen", ("http", "limiar-http"))):
        addr = config.get(listen, "")
        port = [ports[n] for n in port_names if n in ports]
        c.check(f"{name}: {listen} {addr} listens on every address, on the container's port",
                addr.startswith("0.0.0.0:") and port and int(addr.rsplit(":", 1)[1]) == port[0], f"{addr} vs {ports}")
    live = ctr.get("livenessProbe") or {}
    c.check(f"{name}: liveness probe on /healthz at the http port",
            (live.get("httpGet") or {}).get("path") == "/healthz"
            and (live.get("httpGet") or {}).get("port") in ("http", "limiar-http"), str(live))
    return ctr


def check_standalone(c, name, docs, values_replicas, rules_expected):
    cm, config = serve_config(docs)
    dep = one(docs, "Deployment")
    c.check(f"{name}: one Deployment", dep is not None)
    if not dep or not config:
        return
    spec = dep["spec"]
    tmpl = spec["template"]
    pod_labels = tmpl["metadata"]["labels"]
    c.check(f"{name}: the Deployment's selector matches its pods", labels_match(spec["selector"]["matchLabels"], pod_labels))
    c.check(f"{name}: replicas", spec["replicas"] == values_replicas, f"{spec['replicas']} != {values_replicas}")
    sa = one(docs, "ServiceAccount")
    c.check(f"{name}: the pods run as the chart's ServiceAccount",
            sa is not None and tmpl["spec"]["serviceAccountName"] == sa["metadata"]["name"])
    ctr = check_pod(c, name, tmpl["spec"], pod_labels, config)
    ready = (ctr or {}).get("readinessProbe") or {}
    c.check(f"{name}: readiness probe on /readyz at the http port",
            (ready.get("httpGet") or {}).get("path") == "/readyz" and (ready.get("httpGet") or {}).get("port") == "http")
    c.check(f"{name}: a checksum/config annotation", "checksum/config" in (tmpl["metadata"].get("annotations") or {}))
    c.check(f"{name}: leader election on with several copies",
            values_replicas <= 1 or "leader_election" in config)
    if "leader_election" in config:
        c.check(f"{name}: leader election's identity is $POD_NAME (no identity in the config)",
                not config["leader_election"].get("identity"))
    services = [s for s in by_kind(docs, "Service") if s["spec"].get("clusterIP") != "None"]
    c.check(f"{name}: one Service", len(services) == 1)
    ports = {p["name"]: p for p in (ctr or {}).get("ports") or []}
    for svc in by_kind(docs, "Service"):
        c.check(f"{name}: Service {svc['metadata']['name']} selects the pods", labels_match(svc["spec"]["selector"], pod_labels))
        for p in svc["spec"]["ports"]:
            c.check(f"{name}: Service port {p['name']} targets a named container port", p["targetPort"] in ports)
    if services:
        names = {p["name"] for p in services[0]["spec"]["ports"]}
        c.check(f"{name}: the Service has ports grpc and http", names == {"grpc", "http"}, str(names))
    pdb = one(docs, "PodDisruptionBudget")
    c.check(f"{name}: a PodDisruptionBudget exactly when replicas > 1", (pdb is not None) == (values_replicas > 1))
    if pdb:
        c.check(f"{name}: the PDB selects the pods", labels_match(pdb["spec"]["selector"]["matchLabels"], pod_labels))
    for np in by_kind(docs, "NetworkPolicy"):
        c.check(f"{name}: the NetworkPolicy selects the pods", labels_match(np["spec"]["podSelector"]["matchLabels"], pod_labels))
        ingress_ports = {p["port"] for r in np["spec"]["ingress"] for p in r.get("ports") or []}
        c.check(f"{name}: the NetworkPolicy lets grpc and http in", ingress_ports == {"grpc", "http"}, str(ingress_ports))
        c.check(f"{name}: the NetworkPolicy lets DNS and the API server out",
                any(p.get("port") == 53 for r in np["spec"]["egress"] for p in r.get("ports") or [])
                and any(p.get("port") in (443, 6443) for r in np["spec"]["egress"] for p in r.get("ports") or []))
    for sm in by_kind(docs, "ServiceMonitor"):
        c.check(f"{name}: the ServiceMonitor selects the Service",
                services and labels_match(sm["spec"]["selector"]["matchLabels"], services[0]["metadata"]["labels"]))
        c.check(f"{name}: the ServiceMonitor scrapes /metrics on the http port",
                [(e["port"], e.get("path")) for e in sm["spec"]["endpoints"]] == [("http", "/metrics")])
    for pr in by_kind(docs, "PrometheusRule"):
        with open(os.path.join(CHART, "files/rules.yaml")) as f:
            want = yaml.safe_load(f)["groups"]
        got = pr["spec"]["groups"]
        for g in want:
            for r in g["rules"]:
                r["labels"] = {**rules_expected, **(r.get("labels") or {})}
        c.check(f"{name}: the PrometheusRule is files/rules.yaml plus additionalRuleLabels", got == want)
    for cmd in by_kind(docs, "ConfigMap"):
        if "limiar.json" in (cmd.get("data") or {}):
            with open(os.path.join(CHART, "files/dashboard.json")) as f:
                c.check(f"{name}: the dashboard ConfigMap holds files/dashboard.json",
                        json.loads(cmd["data"]["limiar.json"]) == json.load(f))
            c.check(f"{name}: the dashboard ConfigMap has grafana_dashboard: \"1\"",
                    cmd["metadata"]["labels"].get("grafana_dashboard") == "1")


def check_checksum(c, helm):
    def checksum(args):
        dep = one(render(helm, args), "Deployment")
        return dep["spec"]["template"]["metadata"]["annotations"]["checksum/config"]
    base = checksum([])
    c.check("checksum/config changes when the serve config changes", checksum(["--set", "serve.tickIntervalSeconds=20"]) != base)
    c.check("checksum/config changes when the inline blueprint changes",
            checksum(["--set", "blueprint.inline.nome=other"]) != base)
    c.check("checksum/config stays when only replicas change", checksum(["--set", "replicas=3"]) == base)


def check_sidecar(c, helm):
    name = "sidecar"
    docs = render(helm, ["-f", "charts/limiar/profiles/sidecar.yaml"])
    check_common(c, name, docs)
    kinds = {d["kind"] for d in docs}
    c.check(f"{name}: renders only ServiceAccount, Role, RoleBinding, ConfigMap", kinds == SIDECAR_KINDS, str(kinds))
    cm, config = serve_config(docs)
    k = ((config or {}).get("actuator") or {}).get("kubernetes") or {}
    c.check(f"{name}: the kubernetes actuator with sidecar_target",
            config and config["actuator"]["kind"] == "kubernetes" and k.get("sidecar_target") == "storefront", str(config))
    c.check(f"{name}: blueprint.json beside config.json", "blueprint.json" in cm["data"])
    with open(os.path.join(CHART, "sidecar-snippet.yaml")) as f:
        snippet = yaml.safe_load(f)
    pod = snippet["spec"]["template"]["spec"]
    for i, ctr in enumerate(pod["containers"]):
        probs = validate_objects.Validator()
        probs.check(ctr, "V1Container", f"containers[{i}]")
        c.check(f"{name}: sidecar-snippet.yaml's container is a valid Container", not probs.problems, str(probs.problems))
    for i, vol in enumerate(pod["volumes"]):
        probs = validate_objects.Validator()
        probs.check(vol, "V1Volume", f"volumes[{i}]")
        c.check(f"{name}: sidecar-snippet.yaml's volume {vol['name']} is a valid Volume", not probs.problems, str(probs.problems))
    probs = validate_objects.Validator()
    probs.check({k: v for k, v in pod.items() if k != "containers"}, "V1PodSpec", "spec.template.spec")
    c.check(f"{name}: sidecar-snippet.yaml's pod fields are PodSpec fields",
            not [p for p in probs.problems if "containers" not in p], str(probs.problems))
    ctr = check_pod(c, f"{name} (snippet)", pod, {}, config)
    c.check(f"{name}: the snippet has no readinessProbe (the application's readiness is its own)",
            ctr is not None and "readinessProbe" not in ctr)
    sa = one(docs, "ServiceAccount")
    c.check(f"{name}: the snippet runs as the profile's ServiceAccount", pod.get("serviceAccountName") == sa["metadata"]["name"])
    maps = {v["configMap"]["name"] for v in pod["volumes"] if "configMap" in v}
    c.check(f"{name}: the snippet mounts the profile's ConfigMap", maps == {cm["metadata"]["name"]}, str(maps))
    keys = {it["key"] for v in pod["volumes"] if "configMap" in v for it in v["configMap"].get("items", [])}
    c.check(f"{name}: the snippet's ConfigMap keys exist", keys <= set(cm["data"]), str(keys))
    # The NOTES print the snippet with the release's names.
    notes = render_notes(helm, ["-f", "charts/limiar/profiles/sidecar.yaml", "--set", "image.tag=9.9.9"], release="shop-app")
    m = re.search(r"with limiar-sidecar.yaml holding:\n\n(.*)", notes, re.S)
    c.check(f"{name}: the NOTES print the snippet", m is not None, notes[:300])
    if m:
        printed = yaml.safe_load(m.group(1))
        want = json.loads(json.dumps(snippet))
        wpod = want["spec"]["template"]["spec"]
        wpod["serviceAccountName"] = "shop-app-limiar"
        wpod["containers"][0]["image"] = "limiar:9.9.9"
        for v in wpod["volumes"]:
            if "configMap" in v:
                v["configMap"]["name"] = "shop-app-limiar-config"
        c.check(f"{name}: the NOTES' snippet is sidecar-snippet.yaml with the release's names", printed == want,
                json.dumps(printed)[:400])


def render_notes(helm, args, release="limiar"):
    """NOTES.txt as `helm install` would print it (helm template does not render it)."""
    with tempfile.TemporaryDirectory() as tmp:
        chart = os.path.join(tmp, "limiar")
        shutil.copytree(CHART, chart)
        shutil.copy(os.path.join(chart, "templates/NOTES.txt"), os.path.join(chart, "notes-under-test.txt"))
        with open(os.path.join(chart, "templates/notes-under-test.yaml"), "w") as f:
            f.write('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: notes-under-test\ndata:\n'
                    '  notes: {{ tpl (.Files.Get "notes-under-test.txt") . | toJson }}\n')
        docs = render(helm, args + ["--show-only", "templates/notes-under-test.yaml"], chart=chart, release=release)
        return docs[0]["data"]["notes"]


def check_sweep(c, helm):
    name = "sweep"
    with open(os.path.join(CHART, "profiles/sweep.yaml")) as f:
        values = yaml.safe_load(f)["sweep"]
    docs = render(helm, ["-f", "charts/limiar/profiles/sweep.yaml"], release="flash")
    check_common(c, name, docs)
    kinds = {d["kind"] for d in docs}
    c.check(f"{name}: no controller, Service or RBAC", not kinds & {"Deployment", "Service", "Role", "ClusterRole",
                                                                    "RoleBinding", "PodDisruptionBudget"}, str(kinds))
    jobs = {j["metadata"]["name"]: j for j in by_kind(docs, "Job")}
    sweep, merge = jobs.get("flash-limiar-sweep"), jobs.get("flash-limiar-sweep-merge")
    c.check(f"{name}: a sweep Job and a merge Job", sweep is not None and merge is not None, str(list(jobs)))
    if not sweep or not merge:
        return
    n = values["shards"]
    s = sweep["spec"]
    c.check(f"{name}: Indexed, completions = shards, parallelism",
            s.get("completionMode") == "Indexed" and s.get("completions") == n and s.get("parallelism") == values["parallelism"])
    pod = s["template"]["spec"]
    c.check(f"{name}: no service-account token in the pods", pod.get("automountServiceAccountToken") is False
            and merge["spec"]["template"]["spec"].get("automountServiceAccountToken") is False)
    ctr = pod["containers"][0]
    args = ctr["args"]
    out = "/results/flash"
    want = (["sweep", "/etc/limiar/scenario/scenario.json"] + [f"--grid={g}" for g in values["grid"]]
            + [f"--policy={values['policy']}", f"--shard=$(JOB_COMPLETION_INDEX)/{n}", f"--jobs={values['threads']}",
               f"--out={out}", "--no-progress"])
    c.check(f"{name}: pod I runs limiar sweep SCENARIO --grid ... --shard I/N --out", args == want, str(args))
    env = {e["name"]: e for e in ctr.get("env") or []}
    c.check(f"{name}: JOB_COMPLETION_INDEX is in the container's env (for $(VAR) expansion)",
            (env.get("JOB_COMPLETION_INDEX", {}).get("valueFrom") or {}).get("fieldRef", {}).get("fieldPath")
            == "metadata.annotations['batch.kubernetes.io/job-completion-index']")
    check_pod(c, name, pod, {}, {}, container_name="sweep", serve=False)
    margs = merge["spec"]["template"]["spec"]["containers"][0]["args"]
    c.check(f"{name}: the merge Job merges every shard's CSV",
            margs == ["sweep-merge"] + [f"{out}/sweep-shard-{i}-of-{n}.csv" for i in range(n)] + [f"--csv={out}/sweep.csv"],
            str(margs))
    c.check(f"{name}: the merge Job starts suspended", merge["spec"].get("suspend") is True)
    pvc = one(docs, "PersistentVolumeClaim")
    claims = {v["persistentVolumeClaim"]["claimName"] for j in (sweep, merge)
              for v in j["spec"]["template"]["spec"]["volumes"] if "persistentVolumeClaim" in v}
    c.check(f"{name}: both Jobs use the results claim", pvc is not None and claims == {pvc["metadata"]["name"]}, str(claims))
    mounts = {m["mountPath"] for m in ctr["volumeMounts"]}
    c.check(f"{name}: --out is on the results volume", "/results" in mounts)
    scm = [d for d in by_kind(docs, "ConfigMap") if "scenario.json" in d.get("data", {})]
    c.check(f"{name}: a ConfigMap with scenario.json and blueprint.json", len(scm) == 1 and "blueprint.json" in scm[0]["data"])
    if scm:
        scenario = json.loads(scm[0]["data"]["scenario.json"])
        c.check(f"{name}: the scenario names blueprint.json beside it", scenario.get("blueprint") == "blueprint.json")
    notes = render_notes(helm, ["-f", "charts/limiar/profiles/sweep.yaml"], release="flash")
    c.check(f"{name}: the NOTES say how to resume the merge",
            "kubectl -n shop patch job flash-limiar-sweep-merge --type=merge -p '{\"spec\":{\"suspend\":false}}'" in notes
            and "kubectl -n shop wait --for=condition=complete --timeout=24h job/flash-limiar-sweep" in notes, notes)
    traces = render(helm, ["-f", "charts/limiar/profiles/sweep.yaml", "--set", "sweep.traces.existingClaim=traces"])
    tvols = [v for j in by_kind(traces, "Job") for v in j["spec"]["template"]["spec"]["volumes"] if v["name"] == "traces"]
    c.check(f"{name}: traces from a claim, mounted read-only",
            len(tvols) == 1 and tvols[0]["persistentVolumeClaim"] == {"claimName": "traces", "readOnly": True})


def check_blueprints(c, helm):
    """The Tesserra blueprints (../shared/blueprints, where present) reach the ConfigMap
    unchanged through blueprint.inline."""
    shared = os.path.join(ROOT, "..", "shared", "blueprints")
    if not os.path.isdir(shared):
        print(f"skip: {shared} is absent (blueprint round trip)")
        return
    for name in sorted(os.listdir(shared)):
        if not name.endswith(".json"):
            continue
        with open(os.path.join(shared, name)) as f:
            text = f.read()
        docs = render(helm, ["--set-json", "blueprint.inline=" + text])
        cm = [d for d in by_kind(docs, "ConfigMap") if "blueprint.json" in (d.get("data") or {})]
        c.check(f"blueprint {name} reaches blueprint.json unchanged",
                len(cm) == 1 and json.loads(cm[0]["data"]["blueprint.json"]) == json.loads(text))


# Values whose content is a Kubernetes or Tesserra object, or a list: their own keys are
# the object's, documented where it is defined.
FREE_FORM_VALUES = {"blueprint.inline", "strategy", "resources", "podSecurityContext", "securityContext",
                    "sweep.scenario", "sweep.resources", "metrics.dashboard.labels"}


def check_values_comments(c):
    """values.yaml has a comment on every key: the line above each key that holds a value
    is a comment (a section's children carry theirs)."""
    with open(os.path.join(CHART, "values.yaml")) as f:
        lines = f.read().split("\n")
    stack = []
    for i, line in enumerate(lines):
        m = re.match(r"^(\s*)([A-Za-z_]\w*):(.*)$", line)
        if not m:
            continue
        indent = len(m.group(1))
        while stack and stack[-1][0] >= indent:
            stack.pop()
        parent = ".".join(k for _, k in stack)
        stack.append((indent, m.group(2)))
        path = f"{parent}.{m.group(2)}" if parent else m.group(2)
        if any(parent == f or parent.startswith(f + ".") for f in FREE_FORM_VALUES):
            continue
        if m.group(3).strip() == "":
            continue  # a section
        c.check(f"values.yaml: a comment on {path}", i > 0 and lines[i - 1].strip().startswith("#"))


def _keys_in(path, func):
    """The key list of Keys({...}) or .keys = {...} in the function `func` of a source file."""
    with open(os.path.join(ROOT, path)) as f:
        text = f.read()
    m = re.search(r"^[^\n]*\b" + func + r"\(.*?(?:Keys\(\{|\.keys = \{)(.*?)\}", text, re.S | re.M)
    if not m:
        raise RuntimeError(f"{path}: no key list in {func}")
    return set(re.findall(r'"(\w+)"', m.group(1)))


def serve_keys():
    """serve's configuration keys, per section, read from the code's KnownKeys lists."""
    sc, ac = "src/serve/serve_config.cc", "src/actuator/actuator_config.cc"
    keys = {
        "": _keys_in(sc, "ParseServeConfig"), "ingest": _keys_in(sc, "ParseIngest"),
        "store": _keys_in(sc, "ParseStore"), "grpc": _keys_in(sc, "ParseGrpc"), "http": _keys_in(sc, "ParseHttp"),
        "tls": _keys_in(sc, "ParseTls"), "kubernetes": _keys_in(sc, "ParseKubernetes"),
        "leader_election": _keys_in(sc, "ParseLeaderElection"), "sources.*": _keys_in(sc, "ParseSources"),
        "actuator.retry": _keys_in(ac, "ReadRetry"), "actuator.exec": _keys_in(ac, "ReadExec"),
        "actuator.webhook": _keys_in(ac, "ReadWebhook"), "actuator.grpc": _keys_in(ac, "ReadGrpc"),
        "actuator.kubernetes": _keys_in(ac, "ReadKubernetes"),
        "sources.*.kubernetes": _keys_in("src/metrics/kubernetes/kube_source_config.cc", "SourceKeys"),
        "sources.*.promql": _keys_in("src/metrics/promql/promql_config.cc", "PromQlKeys"),
        "sources.*.scrape": _keys_in("src/metrics/scrape/scrape_config.cc", "ScrapeKeys"),
    }
    keys["actuator"] = {"kind", "retry", "exec", "webhook", "grpc", "kubernetes"}
    return keys


def check_config_keys(c, helm):
    """Every key the chart renders into config.json, and every serve key the schema
    accepts, is one serve knows (its KnownKeys lists): serve refuses unknown keys at start."""
    try:
        known = serve_keys()
    except (OSError, RuntimeError) as e:
        return c.check("serve's key lists are readable", False, str(e))

    def walk(obj, section, where):
        if section in known and isinstance(obj, dict):
            unknown = set(obj) - known[section]
            c.check(f"{where}: keys of {section or '(top level)'} are serve's", not unknown, f"unknown: {sorted(unknown)}")
        if not isinstance(obj, dict):
            return
        for k, v in obj.items():
            if section == "sources":
                walk(v, "sources.*", where)
            elif section == "sources.*":
                walk(v, f"sources.*.{k}", where)
            elif section == "sources.*.promql" and isinstance(v, dict) and "query" not in obj:
                walk(v, "sources.*.promql", where)
            elif section in ("", "actuator"):
                walk(v, f"{section + '.' if section else ''}{k}", where)

    for name, args in [("default", []), ("sidecar", ["-f", "charts/limiar/profiles/sidecar.yaml"]),
                       ("full", ["-f", "tests/chart/values/full.yaml"]),
                       ("cluster-wide", ["-f", "tests/chart/values/cluster-wide.yaml"]),
                       ("webhook", ["-f", "tests/chart/values/webhook.yaml"])]:
        _, config = serve_config(render(helm, args))
        walk(config, "", f"{name} config.json")
    with open(os.path.join(CHART, "values.schema.json")) as f:
        props = json.load(f)["properties"]
    for section in ("grpc", "http", "ingest", "store"):
        allowed = set(props["serve"]["properties"][section]["properties"])
        c.check(f"values.schema.json serve.{section} accepts only serve's keys", allowed <= known[section],
                str(sorted(allowed - known[section])))
    for kind in ("exec", "webhook", "grpc", "kubernetes", "retry"):
        allowed = set(props["actuator"]["properties"][kind]["properties"])
        c.check(f"values.schema.json actuator.{kind} accepts only serve's keys", allowed <= known["actuator." + kind],
                str(sorted(allowed - known["actuator." + kind])))
    src = props["sources"]["additionalProperties"]["properties"]
    for kind, schema in (("kubernetes", src["kubernetes"]), ("scrape", src["scrape"]),
                         ("promql", src["promql"]["anyOf"][0])):
        allowed = set(schema["properties"])
        c.check(f"values.schema.json sources.*.{kind} accepts only serve's keys",
                allowed <= known["sources.*." + kind], str(sorted(allowed - known["sources.*." + kind])))


def exported_metrics():
    """The series names src/serve/self_metrics.cc exports, as they appear in /metrics."""
    with open(os.path.join(ROOT, "src/serve/self_metrics.cc")) as f:
        text = f.read()
    names = set()
    for m in re.finditer(r'Build(Histogram|Counter|Gauge)\(\)\s*\.Name\("(limiar_\w+)"\)', text):
        if m.group(1) == "Histogram":
            names |= {m.group(2) + s for s in ("_bucket", "_sum", "_count")}
        else:
            names.add(m.group(2))
    names |= set(re.findall(r'(?:GaugeFamily|Counter)\(\*registry_,\s*"(limiar_\w+)"', text))
    return names


def check_dashboard_and_rules(c):
    path = os.path.join(CHART, "files/dashboard.json")
    try:
        with open(path) as f:
            dash = json.load(f)
    except (OSError, ValueError) as e:
        return c.check("dashboard.json parses", False, str(e))
    c.check("dashboard.json parses", True)
    panels = list(dashboard_metrics._walk_panels(dash.get("panels")))
    ids = [p["id"] for p in panels]
    c.check("dashboard: panel ids are unique", len(ids) == len(set(ids)))
    for p in panels:
        g = p.get("gridPos") or {}
        c.check(f"dashboard: panel {p.get('title')!r} fits the 24-column grid",
                g.get("x", -1) >= 0 and g.get("w", 0) > 0 and g["x"] + g["w"] <= 24 and g.get("h", 0) > 0)
        if p["type"] != "row":
            c.check(f"dashboard: panel {p.get('title')!r} has queries", all(t.get("expr") for t in p.get("targets") or [None]))
    exprs = dashboard_metrics.dashboard_exprs(dash)
    with open(os.path.join(CHART, "files/rules.yaml")) as f:
        rule_exprs = dashboard_metrics.rule_exprs(yaml.safe_load(f))
    # promtool has no offline expression checker, but it parses every rule's expr: one
    # recording rule per dashboard expression, Grafana's variables given values.
    subst = [("$__rate_interval", "5m"), ("$__interval", "1m"), ("$__range", "1h"), ("${datasource}", "x")]
    rules = []
    for i, (where, e) in enumerate(exprs):
        for a, b in subst:
            e = e.replace(a, b)
        e = re.sub(r"\$\{?(\w+)\}?", ".*", e)
        rules.append({"record": f"dashboard:expr_{i}", "expr": e})
    with tempfile.NamedTemporaryFile("w", suffix=".yaml", delete=False) as f:
        yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, f)
        synthetic = f.name
    try:
        r = subprocess.run(["promtool", "check", "rules", synthetic], capture_output=True, text=True)
        c.check(f"dashboard: promtool parses its {len(rules)} expressions", r.returncode == 0, r.stdout + r.stderr)
    finally:
        os.unlink(synthetic)
    exported = exported_metrics()
    c.check("src/serve/self_metrics.cc exports metrics the test can read", len(exported) > 20, str(sorted(exported)))
    for where, e in exprs + rule_exprs:
        unknown = {n for n in dashboard_metrics.metric_names(e) if n.startswith("limiar_")} - exported
        c.check(f"{where} reads only metrics serve exports", not unknown, f"not exported: {sorted(unknown)}")
    read = set(dashboard_metrics.referenced())
    for want in ("limiar_desired_replicas", "limiar_current_replicas", "limiar_metric_value", "limiar_metric_target",
                 "limiar_decisions_total", "limiar_mode", "limiar_panic_mode", "limiar_fallback_active", "limiar_leader",
                 "limiar_actuator_calls_total", "limiar_tick_duration_seconds_bucket",
                 "limiar_ingest_batch_duration_seconds_bucket", "limiar_scaling_active", "limiar_max_replicas"):
        c.check(f"dashboard and rules read {want}", want in read)


def main(argv):
    if len(argv) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    helm = argv[0]
    c = Checks()
    try:
        for name, args, replicas, extra_labels in [
            ("default", [], 2, {}),
            ("full", ["-f", "tests/chart/values/full.yaml", "--api-versions", "monitoring.coreos.com/v1"], 3,
             {"team": "platform"}),
            ("cluster-wide", ["-f", "tests/chart/values/cluster-wide.yaml"], 1, {}),
            ("webhook", ["-f", "tests/chart/values/webhook.yaml"], 2, {}),
        ]:
            docs = render(helm, args)
            check_common(c, name, docs)
            check_standalone(c, name, docs, replicas, extra_labels)
        full = render(helm, ["-f", "tests/chart/values/full.yaml", "--api-versions", "monitoring.coreos.com/v1"])
        c.check("full: ServiceMonitor and PrometheusRule with monitoring.coreos.com/v1",
                one(full, "ServiceMonitor") is not None and one(full, "PrometheusRule") is not None)
        c.check("full: the NetworkPolicy", one(full, "NetworkPolicy") is not None)
        bare = render(helm, ["-f", "tests/chart/values/full.yaml"])
        c.check("full: no ServiceMonitor or PrometheusRule without monitoring.coreos.com/v1",
                not by_kind(bare, "ServiceMonitor") and not by_kind(bare, "PrometheusRule"))
        notes = render_notes(helm, ["-f", "tests/chart/values/full.yaml"])
        c.check("full: the NOTES say no ServiceMonitor was rendered", "no ServiceMonitor was rendered" in notes, notes)
        default = render(helm, [])
        c.check("default: no NetworkPolicy, ServiceMonitor or PrometheusRule",
                not {d["kind"] for d in default} & {"NetworkPolicy", "ServiceMonitor", "PrometheusRule"})
        check_checksum(c, helm)
        check_sidecar(c, helm)
        check_sweep(c, helm)
        check_blueprints(c, helm)
        check_config_keys(c, helm)
    except RuntimeError as e:
        c.check("rendering", False, str(e))
    check_dashboard_and_rules(c)
    check_values_comments(c)
    print(f"chart_test: {c.passed} passed, {c.failed} failed")
    return 1 if c.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
