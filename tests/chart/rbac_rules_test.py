#!/usr/bin/python3
"""The chart's RBAC grants exactly the Kubernetes API calls the code makes, no more.

    /usr/bin/python3 tests/chart/rbac_rules_test.py HELM [-v]

1. From the code (src/): every call of the one Kubernetes API client
   (kube::ApiClient::Get, List, Watch, Create, Update, Patch, Delete) is found, its verb
   read from src/kube/api_client.cc (`Call("GET", ..., "get", ...)`), and its
   kube::ResourceRef argument followed back to where its group, resource and subresource
   are set: through local variables and their assignments, functions that return a
   ResourceRef, constructor parameters kept in members (kube::Informer's collection_,
   LeaseLeader's lease_, ...), to the construction sites, and to the configuration (the
   kubernetes source's scale target: kind Deployment -> apps deployments, StatefulSet ->
   apps statefulsets, or its group and resource). Each origin maps to the feature that
   makes the call (FEATURES below: leader election, the kubernetes actuator, its sidecar
   lookup, the kubernetes source, pod_metrics_cpu). A call this walk cannot follow, an
   origin no feature claims, or an API path built outside the client fails the test: a
   new endpoint in the code fails it until the chart (templates/_helpers.tpl,
   limiar.targetRules; templates/rbac.yaml) grants it and FEATURES names it.
2. For each values profile, the chart is rendered with HELM; the features its serve
   configuration (the ConfigMap's config.json) turns on give the rules each namespace
   needs; the Roles and ClusterRoles bound to the chart's ServiceAccount give what is
   granted. Missing rules fail, and so do rules granted beyond the calls (in any
   namespace), wildcards, and a Lease or state ConfigMap get/update not limited to its
   name.

Prints the derived table, then one line per problem and `N passed, M failed`.
"""
import json
import os
import re
import subprocess
import sys
import tempfile

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SRC = os.path.join(ROOT, "src")
CHART = os.path.join(ROOT, "charts/limiar")

# Where a ResourceRef's group/resource are set -> the feature that makes the call.
# (file,) or (file, function): the function form wins.
FEATURES = {
    ("src/serve/leadership.cc",): "leader_election",
    ("src/actuator/kubernetes_actuator.cc",): "kubernetes_actuator",
    # Events on what the actuator scales: serve creates the EventRecorder (ScaleEvents)
    # only with the kubernetes actuator (src/serve/service.cc).
    ("src/kube/events.cc",): "kubernetes_actuator",
    # OwningDeployment: the actuator's sidecar_target lookup (pod -> ReplicaSet).
    ("src/kube/owners.cc",): "sidecar",
    ("src/metrics/kubernetes/namespace_pods.cc",): "kubernetes_source",
    ("src/metrics/kubernetes/kube_source_config.cc",): "kubernetes_source",
    ("src/metrics/kubernetes/kube_source.cc", "PollMetrics"): "pod_metrics_cpu",
}
# API paths that are not the Kubernetes API (Prometheus' HTTP API).
NOT_KUBE_PATHS = {"src/metrics/promql/promql_client.cc"}
KUBE_VERBS = {"get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"}


class Unresolved(Exception):
    pass


# --- reading C++ ---------------------------------------------------------------------------

def strip_comments(text):
    """The text with // and /* */ comments blanked (newlines kept); strings kept."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i) and (i == 0 or not (text[i - 1].isalnum() or text[i - 1] == "_")):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) + len(m.group(1)) + 2
            out.append(text[i:end])
            i = end
        elif c == '"' or (c == "'" and not (i > 0 and text[i - 1].isalnum())):
            j = i + 1  # a string or char literal; 10'000's quote is a digit separator
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def match_close(text, i):
    """Index of the bracket closing the one at i, skipping strings."""
    pairs = {"(": ")", "{": "}", "[": "]", "<": ">"}
    open_c = text[i]
    close_c = pairs[open_c]
    depth = 0
    j = i
    while j < len(text):
        c = text[j]
        if c == '"' or (c == "'" and not (j > 0 and text[j - 1].isalnum())):
            k = j + 1
            while k < len(text) and text[k] != c:
                k += 2 if text[k] == "\\" else 1
            j = k + 1
            continue
        if c == open_c:
            depth += 1
        elif c == close_c:
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise Unresolved(f"unbalanced {open_c}")


def split_args(s):
    """Top-level comma-separated parts of an argument list."""
    parts, depth, cur = [], 0, []
    i = 0
    while i < len(s):
        c = s[i]
        if c == '"' or (c == "'" and not (i > 0 and s[i - 1].isalnum())):
            k = i + 1
            while k < len(s) and s[k] != c:
                k += 2 if s[k] == "\\" else 1
            cur.append(s[i:k + 1])
            i = k + 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        if c == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
        else:
            cur.append(c)
        i += 1
    if "".join(cur).strip():
        parts.append("".join(cur).strip())
    return parts


class Func:
    def __init__(self, path, name, start, params_open, params_close, body_start, body_end, text):
        self.path = path
        self.name = name                     # "Class::Method" or "Function"
        self.short = name.split("::")[-1]
        self.cls = name.split("::")[-2] if "::" in name else None
        self.start = start
        self.header = text[start:body_start]
        self.params = split_args(text[params_open + 1:params_close])
        self.init = text[params_close + 1:body_start]  # a constructor's initializer list
        self.body_start = body_start
        self.body_end = body_end

    @property
    def is_ctor(self):
        return self.cls is not None and self.cls == self.short

    def param_names(self):
        out = []
        for p in self.params:
            p = p.split("=")[0].strip()
            m = re.search(r"(\w+)\s*$", p)
            out.append(m.group(1) if m else "")
        return out


class Source:
    """One C++ file, comments stripped, with its function definitions."""

    def __init__(self, path, root=ROOT):
        self.path = path
        self.rel = os.path.relpath(path, root)
        with open(path) as f:
            self.text = strip_comments(f.read())
        self.funcs = list(self._functions())

    def _functions(self):
        # Definitions start at column 0 in this code base (namespaces are not indented).
        for m in re.finditer(r"^(?![#\s}])(?!(?:namespace|using|class|struct|enum|template|typedef|extern|return)\b)"
                             r"([^\n;{}()=]*?)\b((?:\w+::)*~?\w+)\s*\(", self.text, re.M):
            name = m.group(2)
            if name in ("if", "for", "while", "switch", "return", "sizeof", "static_assert"):
                continue
            p_open = m.end() - 1
            try:
                p_close = match_close(self.text, p_open)
            except Unresolved:
                continue
            j, depth = p_close + 1, 0
            body = None
            while j < len(self.text):
                c = self.text[j]
                if c in "([":
                    depth += 1
                elif c in ")]":
                    depth -= 1
                elif c == ";" and depth == 0:
                    break
                elif c == "{" and depth == 0:
                    # `member_{...}` in an initializer list is not the body.
                    if re.search(r"[\w>]\s*$", self.text[p_close + 1:j]) and re.search(r"[:,]", self.text[p_close + 1:j]):
                        j = match_close(self.text, j) + 1
                        continue
                    body = j
                    break
                j += 1
            if body is None:
                continue
            yield Func(self.rel, name, m.start(), p_open, p_close, body, match_close(self.text, body), self.text)

    def enclosing(self, pos):
        for f in self.funcs:
            if f.start <= pos <= f.body_end:  # the initializer list too
                return f
        return None

    def line(self, pos):
        return self.text.count("\n", 0, pos) + 1


class Code:
    def __init__(self, root=ROOT):
        self.sources = {}
        for base, _, files in os.walk(os.path.join(root, "src")):
            for name in sorted(files):
                if name.endswith((".cc", ".h")):
                    s = Source(os.path.join(base, name), root)
                    self.sources[s.rel] = s

    def cc(self):
        return [s for s in self.sources.values() if s.rel.endswith(".cc")]

    def header_of(self, src):
        return self.sources.get(src.rel[:-3] + ".h")

    def functions_named(self, short):
        return [f for s in self.cc() for f in s.funcs if f.short == short]


# --- the walk -------------------------------------------------------------------------------

class Ref:
    """What a ResourceRef holds, as far as RBAC cares."""

    def __init__(self, group="", resource=None, subresource="", origin=None, config=None):
        self.group = group
        self.resource = resource
        self.subresource = subresource
        self.origin = origin     # (file, function) where group/resource were set
        self.config = config     # the config's scale target: {"kinds": {Kind: (group, resource)}}

    def copy(self, **kw):
        r = Ref(self.group, self.resource, self.subresource, self.origin, self.config)
        for k, v in kw.items():
            setattr(r, k, v)
        return r

    def rbac_resource(self):
        return self.resource + ("/" + self.subresource if self.subresource else "")


STRING = re.compile(r'^"((?:[^"\\]|\\.)*)"$')


class Walker:
    def __init__(self, code):
        self.code = code
        self.memo = {}

    def where(self, src, pos):
        return f"{src.rel}:{src.line(pos)}"

    def resolve(self, expr, src, pos, this=None, depth=0):
        """The Refs `expr` (at src:pos) can hold."""
        if depth > 25:
            raise Unresolved(f"{expr}: too deep at {self.where(src, pos)}")
        e = expr.strip()
        for prefix in ("*std::move(", "std::move("):
            if e.startswith(prefix) and e.endswith(")"):
                e = e[len(prefix):-1].strip()
        e = re.sub(r"^(?:const\s+)?(?:kube::)?ResourceRef\s*", "", e) if e.startswith(("kube::ResourceRef(", "ResourceRef(")) else e
        if e == "*this":
            if this is None:
                raise Unresolved(f"*this outside a member call at {self.where(src, pos)}")
            return this
        # obj.F(args) / obj->F(args) / F(args): a function returning a ResourceRef.
        m = re.fullmatch(r"(?:(.+?)\s*(?:\.|->)\s*)?(\w+)\s*\((.*)\)", e, re.S)
        if m:
            receiver, fname = m.group(1), m.group(2)
            recv_refs = None
            if receiver and fname == "Named":
                recv_refs = self.resolve(receiver, src, pos, this, depth + 1)
            return self.returned_by(fname, src, pos, recv_refs, depth)
        if re.fullmatch(r"\w+", e):
            return self.identifier(e, src, pos, this, depth)
        m = re.fullmatch(r"(\w+)\s*(?:\.|->)\s*(\w+)", e)
        if m:
            return self.field(m.group(2), src, pos, depth)
        raise Unresolved(f"cannot follow the ResourceRef expression {expr!r} at {self.where(src, pos)}")

    def returned_by(self, fname, src, pos, this, depth):
        funcs = [f for f in self.code.functions_named(fname) if re.search(r"\bResourceRef\s*$", f.header.split(f.name)[0].strip() + " ") or "ResourceRef" in f.header.split(f.name)[0]]
        if not funcs:
            raise Unresolved(f"{fname}(): no definition returning a ResourceRef (at {self.where(src, pos)})")
        out = []
        for f in funcs:
            fsrc = self.code.sources[f.path]
            body = fsrc.text[f.body_start:f.body_end]
            returns = list(re.finditer(r"\breturn\s+([^;]+);", body))
            if not returns:
                raise Unresolved(f"{f.name}: no return statement")
            for r in returns:
                out += self.resolve(r.group(1), fsrc, f.body_start + r.start(), this, depth + 1)
        return out

    def identifier(self, name, src, pos, this, depth):
        func = src.enclosing(pos)
        if func is None:
            raise Unresolved(f"{name} at {self.where(src, pos)} is outside any function")
        body = src.text[func.body_start:pos]
        decls = list(re.finditer(r"(?:kube::)?ResourceRef\s+" + name + r"\s*(?:=\s*([^;]+))?;", body))
        if decls:
            d = decls[-1]
            if d.group(1):
                base = self.resolve(d.group(1), src, func.body_start + d.start(), this, depth + 1)
            else:
                base = [Ref()]
            after = body[d.end():]
            refs = [b.copy() for b in base]
            for a in re.finditer(name + r"\.(group|resource|subresource|version)\s*(?:=\s*([^;]+);|\.clear\(\))", after):
                field, value = a.group(1), a.group(2)
                if value is None:
                    value = '""'
                lit = STRING.match(value.strip())
                if not lit:
                    raise Unresolved(f"{name}.{field} = {value.strip()} at {self.where(src, func.body_start + d.end() + a.start())}: not a literal")
                if field == "version":
                    continue
                for r in refs:
                    setattr(r, field, lit.group(1))
                    if field in ("group", "resource"):
                        r.origin = (src.rel, func.short)
            if re.search(r"&" + name + r"\b", after):
                raise Unresolved(f"{name} is passed by address at {self.where(src, pos)}: cannot follow")
            for r in refs:
                if r.resource is None and r.config is None:
                    raise Unresolved(f"{name} at {self.where(src, pos)}: resource never set")
            return refs
        params = func.param_names()
        if name in params:
            return self.argument(func, params.index(name), depth)
        if name.endswith("_") and func.cls:
            return self.member(name, func.cls, src, pos, depth)
        return self.field(name, src, pos, depth)

    def argument(self, func, index, depth):
        """The Refs passed as parameter `index` of `func`, at every call or construction."""
        key = (func.path, func.name, func.start, index)
        if key not in self.memo:
            self.memo[key] = self._argument(func, index, depth)
        return [r.copy() for r in self.memo[key]]

    def _argument(self, func, index, depth):
        out = []
        sites = []
        if func.is_ctor:
            cls = func.cls
            pats = [r"\bnew\s+(?:\w+::)*" + cls + r"\s*\(",
                    r"make_(?:unique|shared)<(?:\w+::)*" + cls + r">\s*\(",
                    r"(?<![:\w])" + cls + r"\s+\w+\s*\("]
            names = [cls]
            # Members of that type, built in an initializer list.
            for s in self.code.sources.values():
                if cls not in s.text:
                    continue
                for mm in re.finditer(r"\b" + cls + r"\s+(\w+)\s*;", s.text):
                    names.append(mm.group(1))
                    pats.append(r"[:,]\s*" + mm.group(1) + r"\s*\(")
        else:
            names = [func.short]
            pats = [r"(?<![\w:])" + func.short + r"\s*\("]
        for s in self.code.cc():
            if not any(n in s.text for n in names):
                continue
            for pat in pats:
                for m in re.finditer(pat, s.text, re.M):
                    open_at = m.end() - 1
                    # A definition's own header is not a call.
                    if any(f.start <= m.start() < f.body_start and f.short == func.short for f in s.funcs):
                        continue
                    close = match_close(s.text, open_at)
                    args = split_args(s.text[open_at + 1:close])
                    if len(args) != len(func.params):
                        continue
                    sites.append((s, m.start(), args[index]))
        if not sites:
            raise Unresolved(f"{func.name}: found no call passing its parameter {func.param_names()[index]}")
        for s, at, arg in sites:
            out += self.resolve(arg, s, at, None, depth + 1)
        return out

    def member(self, name, cls, src, pos, depth):
        """A member: the constructor parameter its initializer copies."""
        for f in src.funcs:
            if f.is_ctor and f.cls == cls:
                m = re.search(r"\b" + name + r"\s*\(\s*(?:std::move\(\s*)?(\w+)\s*\)?\s*\)", f.init)
                if m and m.group(1) in f.param_names():
                    return self.argument(f, f.param_names().index(m.group(1)), depth + 1)
        raise Unresolved(f"member {cls}::{name} ({self.where(src, pos)}): not copied from a constructor parameter")

    def field(self, name, src, pos, depth):
        """A struct field filled from the configuration: `&X.NAME` handed to a reader."""
        for s in self.code.cc():
            for m in re.finditer(r"\b(\w+)\s*\([^;]*&\w+\." + name + r"\b", s.text):
                reader = m.group(1)
                for f in self.code.functions_named(reader):
                    return [self.config_reader(f)]
        raise Unresolved(f"{name} at {self.where(src, pos)}: neither a local, a parameter, a member nor a config field")

    def config_reader(self, f):
        """kind -> (group, resource) as the reader maps them, and whether group/resource may be given."""
        body = self.code.sources[f.path].text[f.body_start:f.body_end]
        group = re.search(r'\w+->group\s*=\s*"([^"]*)"', body)
        kinds = {}
        for m in re.finditer(r'kind\s*==\s*"(\w+)"\s*\)\s*\{\s*\w+->resource\s*=\s*"(\w+)"', body):
            kinds[m.group(1)] = (group.group(1) if group else "", m.group(2))
        if not kinds:
            raise Unresolved(f"{f.name}: found no kind -> resource mapping")
        free = '"group"' in body and '"resource"' in body
        return Ref(origin=(f.path, f.short), config={"kinds": kinds, "free": free})


def api_verbs(code):
    """ApiClient's methods -> the RBAC verb each sends (from api_client.cc)."""
    src = code.sources["src/kube/api_client.cc"]
    verbs = {}
    for f in src.funcs:
        if f.cls != "ApiClient" or f.is_ctor:
            continue
        body = src.text[f.body_start:f.body_end]
        found = {v for v in re.findall(r'"(\w+)"', body) if v in KUBE_VERBS}
        if len(found) == 1:
            verbs[f.short] = found.pop()
    header = code.sources["src/kube/api_client.h"].text
    cls = re.search(r"\bclass ApiClient\s*\{", header)
    if not cls:
        raise Unresolved("src/kube/api_client.h: no class ApiClient")
    body = header[cls.end():match_close(header, cls.end() - 1)]
    public_part = body.split("public:", 1)[-1].split("private:", 1)[0]
    public = set(re.findall(r"^\s+(?:absl::StatusOr<nlohmann::json>|absl::Status)\s+(\w+)\(", public_part, re.M))
    missing = public - set(verbs)
    if missing:
        raise Unresolved(f"ApiClient methods whose verb api_client.cc does not tell: {sorted(missing)}")
    return {k: v for k, v in verbs.items() if k in public}


def derive(code=None):
    """[(feature, group, resource or None, verb, config, where)], and problems."""
    code = code or Code()
    problems = []
    try:
        verbs = api_verbs(code)
    except Unresolved as e:
        return [], [str(e)]
    walker = Walker(code)
    calls = []
    method_re = r"(\w+)\s*(?:->|\.)\s*(" + "|".join(sorted(verbs)) + r")\s*\("
    for src in code.cc():
        if src.rel == "src/kube/api_client.cc":
            continue
        hdr = code.header_of(src)
        decl_text = src.text + (hdr.text if hdr else "")
        if "ApiClient" not in decl_text:
            for m in re.finditer(r'"/apis?/', src.text):
                if src.rel not in NOT_KUBE_PATHS:
                    problems.append(f"{src.rel}:{src.line(m.start())}: an API path built outside kube::ApiClient")
            continue
        for m in re.finditer(method_re, src.text):
            receiver, method = m.group(1), m.group(2)
            if re.search(r"ApiClient\s*>?\s*\*?\s*(?:const\s+)?&?\s*\b" + receiver + r"\b", decl_text):
                open_at = m.end() - 1
                args = split_args(src.text[open_at + 1:match_close(src.text, open_at)])
                calls.append((src, m.start(), method, args[0] if args else ""))
            elif not re.search(r"[\w:>]\s*\*?\s*(?:const\s+)?&?\s*\b" + receiver + r"\s*[;,)=({]", decl_text):
                problems.append(f"{src.rel}:{src.line(m.start())}: cannot tell the type of {receiver} in {receiver}->{method}()")
        for m in re.finditer(r'"/apis?/', src.text):
            problems.append(f"{src.rel}:{src.line(m.start())}: an API path built outside kube::ApiClient")
    # The Informer lists and watches what it is given: its calls are found like any other.
    rows = []
    for src, at, method, arg in calls:
        where = f"{src.rel}:{src.line(at)}"
        try:
            refs = walker.resolve(arg, src, at)
        except Unresolved as e:
            problems.append(f"{where}: {method}({arg}): {e}")
            continue
        for r in refs:
            feature = None
            if r.origin:
                feature = FEATURES.get(r.origin) or FEATURES.get((r.origin[0],))
            if feature is None:
                problems.append(f"{where}: {method} of {r.group}/{r.rbac_resource() if r.resource else '?'} set in "
                                f"{r.origin}: no feature claims it (FEATURES in {__file__})")
                continue
            if r.config:
                rows.append((feature, None, None, verbs[method], json.dumps(r.config, sort_keys=True), r.subresource, where))
            else:
                rows.append((feature, r.group, r.rbac_resource(), verbs[method], None, None, where))
    return rows, problems


def feature_rules(rows):
    """feature -> set of (group, resource, verb); config-valued ones as ("CONFIG", sub, verb, cfg)."""
    out = {}
    for feature, group, resource, verb, config, sub, _ in rows:
        if config:
            out.setdefault(feature, set()).add(("CONFIG", sub, verb, config))
        else:
            out.setdefault(feature, set()).add((group, resource, verb))
    return out


# --- the chart ------------------------------------------------------------------------------

PROFILES = [
    ("default", []),
    ("sidecar", ["-f", "charts/limiar/profiles/sidecar.yaml"]),
    ("sweep", ["-f", "charts/limiar/profiles/sweep.yaml"]),
    ("full", ["-f", "tests/chart/values/full.yaml", "--api-versions", "monitoring.coreos.com/v1"]),
    ("cluster-wide", ["-f", "tests/chart/values/cluster-wide.yaml"]),
    ("webhook", ["-f", "tests/chart/values/webhook.yaml"]),
    ("no-leader-election", ["--set", "leaderElection.enabled=false", "--set", "replicas=1"]),
    ("log-actuator", ["--set", "actuator.kind=log", "--set-json", "sources={}"]),
]
RELEASE_NS = "shop"


def render(helm, args):
    r = subprocess.run([helm, "template", "limiar", CHART, "-n", RELEASE_NS] + args, cwd=ROOT,
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise RuntimeError(f"helm template {' '.join(args)}: {r.stderr.strip()}")
    return [d for d in yaml.safe_load_all(r.stdout) if d]


def needed_rules(config, rules_by_feature):
    """{namespace: {(group, resource, verb)}} the configuration makes the binary call."""
    need = {}

    def add(ns, feature, sources=None):
        for rule in rules_by_feature.get(feature, ()):
            if rule[0] == "CONFIG":
                _, sub, verb, cfg = rule
                cfg = json.loads(cfg)
                for k in sources or ():
                    if k.get("kind"):
                        if k["kind"] not in cfg["kinds"]:
                            raise Unresolved(f"source kind {k['kind']} is not one the code maps")
                        group, resource = cfg["kinds"][k["kind"]]
                    else:
                        group, resource = k.get("group", ""), k["resource"]
                    need.setdefault(ns, set()).add((group, resource + ("/" + sub if sub else ""), verb))
            else:
                need.setdefault(ns, set()).add(rule)

    le = config.get("leader_election")
    if le is not None:
        add(le.get("namespace") or RELEASE_NS, "leader_election")
    actuator = config.get("actuator") or {}
    if actuator.get("kind") == "kubernetes":
        k = actuator.get("kubernetes") or {}
        ns = k.get("namespace") or RELEASE_NS
        add(ns, "kubernetes_actuator")
        if k.get("sidecar_target"):
            add(ns, "sidecar")
    for spec in (config.get("sources") or {}).values():
        k = spec.get("kubernetes")
        if not k:
            continue
        add(k["namespace"], "kubernetes_source", [k])
        if k.get("metric") == "pod_metrics_cpu":
            add(k["namespace"], "pod_metrics_cpu")
    return need


def granted_rules(docs, problems):
    """{namespace or "*": {(group, resource, verb)}} bound to the chart's ServiceAccount,
    and the rules with their resourceNames."""
    sa = [d for d in docs if d["kind"] == "ServiceAccount"]
    sa_name = sa[0]["metadata"]["name"] if sa else None
    roles = {(d["kind"], d["metadata"].get("namespace"), d["metadata"]["name"]): d
             for d in docs if d["kind"] in ("Role", "ClusterRole")}
    granted, named = {}, []
    bound = set()
    for b in docs:
        if b["kind"] not in ("RoleBinding", "ClusterRoleBinding"):
            continue
        if not any(s.get("kind") == "ServiceAccount" and s.get("name") == sa_name
                   and s.get("namespace") == RELEASE_NS for s in b.get("subjects") or []):
            problems.append(f"{b['kind']} {b['metadata']['name']} binds no one but the chart's ServiceAccount should be")
            continue
        ref = b["roleRef"]
        ns = b["metadata"].get("namespace") if b["kind"] == "RoleBinding" else None
        key = (ref["kind"], ns if ref["kind"] == "Role" else None, ref["name"])
        role = roles.get(key)
        if role is None:
            problems.append(f"{b['kind']} {b['metadata']['name']}: its {ref['kind']} {ref['name']} is not rendered")
            continue
        bound.add(key)
        scope = "*" if b["kind"] == "ClusterRoleBinding" else ns
        for rule in role.get("rules") or []:
            for field in ("apiGroups", "resources", "verbs"):
                if "*" in rule.get(field, []):
                    problems.append(f"{role['kind']} {role['metadata']['name']}: wildcard in {field}")
            for g in rule.get("apiGroups", []):
                for r in rule.get("resources", []):
                    for v in rule.get("verbs", []):
                        granted.setdefault(scope, set()).add((g, r, v))
                        named.append((scope, g, r, v, tuple(rule.get("resourceNames") or ())))
    for key in roles:
        if key not in bound:
            problems.append(f"{key[0]} {key[2]} is bound to nothing")
    return granted, named


def check_profile(name, docs, rules_by_feature):
    problems = []
    cms = [d for d in docs if d["kind"] == "ConfigMap" and "config.json" in (d.get("data") or {})]
    if not cms:
        config = {}
    else:
        config = json.loads(cms[0]["data"]["config.json"])
    need = needed_rules(config, rules_by_feature)
    granted, named = granted_rules(docs, problems)
    for ns, rules in sorted(need.items()):
        for rule in sorted(rules):
            if rule not in granted.get(ns, set()) and rule not in granted.get("*", set()):
                problems.append(f"missing in {ns}: apiGroups [{rule[0]!r}] resources [{rule[1]}] verbs [{rule[2]}]")
    all_needed = set().union(*need.values()) if need else set()
    for scope, rules in sorted(granted.items()):
        for rule in sorted(rules):
            extra = rule not in all_needed if scope == "*" else rule not in need.get(scope, set())
            if extra:
                problems.append(f"granted beyond the code's calls in {scope}: apiGroups [{rule[0]!r}] "
                                f"resources [{rule[1]}] verbs [{rule[2]}]")
    le = config.get("leader_election")
    for scope, g, r, v, names in named:
        if (g, r) == ("coordination.k8s.io", "leases") and v in ("get", "update"):
            want = (le.get("lease_name", "limiar"),) if le else None
            if names != want:
                problems.append(f"{v} on leases should name only the Lease {want}, names {names}")
        elif (g, r) == ("", "configmaps") and v in ("get", "update"):
            lease = le.get("lease_name", "limiar") if le else ""
            want = (le.get("state_configmap") or f"{lease}-state",) if le else None
            if names != want:
                problems.append(f"{v} on configmaps should name only the state ConfigMap {want}, names {names}")
        elif names:
            problems.append(f"{v} on {r}: resourceNames {names} where the code names no object")
    return problems


def self_test(helm):
    """The test's teeth: a new call in the code, a call it cannot follow, and a rule the
    chart grants beyond the calls must each fail it. Returns the problems."""
    import shutil
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        shutil.copytree(SRC, os.path.join(tmp, "src"))

        def mutate(rel, old, new):
            path = os.path.join(tmp, rel)
            with open(path) as f:
                text = f.read()
            if old not in text:
                raise Unresolved(f"self-test: {rel} no longer holds {old!r}; update the self-test")
            with open(path, "w") as f:
                f.write(text.replace(old, new, 1))

        # 1. The sidecar lookup starts deleting pods: derived, and the chart lacks it.
        mutate("src/kube/owners.cc", "absl::StatusOr<nlohmann::json> read = client_->Get(pod);",
               "(void)client_->Delete(pod);\n  absl::StatusOr<nlohmann::json> read = client_->Get(pod);")
        rows, problems = derive(Code(tmp))
        if problems or ("sidecar", "", "pods", "delete") not in {r[:4] for r in rows}:
            out.append(f"a new Delete(pod) in owners.cc was not derived as sidecar delete pods ({problems})")
        else:
            probs = check_profile("sidecar", render(helm, ["-f", "charts/limiar/profiles/sidecar.yaml"]),
                                  feature_rules(rows))
            if not any("missing in shop: apiGroups [''] resources [pods] verbs [delete]" in p for p in probs):
                out.append(f"the chart's missing delete on pods went unnoticed: {probs}")
        # 2. A call whose ResourceRef comes from nowhere the walk knows.
        mutate("src/kube/owners.cc", "(void)client_->Delete(pod);", "(void)client_->List(SomewhereElse(), {});")
        rows, problems = derive(Code(tmp))
        if not any("SomewhereElse" in p for p in problems):
            out.append(f"an unfollowable call was not reported: {problems}")
        # 3. A new resource set in a file no feature claims.
        mutate("src/kube/owners.cc", "(void)client_->List(SomewhereElse(), {});", "")
        mutate("src/kube/token_file.cc", "namespace limiar::kube {",
               "namespace limiar::kube {\nvoid Probe(ApiClient* c) {\n  ResourceRef s;\n  s.resource = \"secrets\";\n"
               "  (void)c->Get(s);\n}")
        rows, problems = derive(Code(tmp))
        if not any("no feature claims it" in p and "secrets" in p for p in problems):
            out.append(f"a call set up in an unclaimed file was not reported: {problems}")
    # 4. The chart grants more than the calls.
    rows, problems = derive()
    docs = render(helm, [])
    for d in docs:
        if d["kind"] == "Role" and not d["metadata"]["name"].endswith("leader-election"):
            d["rules"].append({"apiGroups": [""], "resources": ["secrets"], "verbs": ["get"]})
    probs = check_profile("default", docs, feature_rules(rows))
    if not any("granted beyond" in p and "secrets" in p for p in probs):
        out.append(f"an extra rule (get secrets) went unnoticed: {probs}")
    return out


def main(argv):
    verbose = "-v" in argv
    args = [a for a in argv if a != "-v"]
    if len(args) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    helm = args[0]
    passed = failed = 0
    rows, problems = derive()
    print("rbac_rules_test: the Kubernetes API calls in src/, by feature:")
    for feature, group, resource, verb, config, sub, where in sorted(rows, key=lambda r: (r[0], str(r[1]), str(r[2]), r[3], r[6])):
        what = f"{group or '(core)'} {resource}" if config is None else f"(the source's scale target){'/' + sub if sub else ''} {config}"
        print(f"  {feature:20} {verb:7} {what}" + (f"   [{where}]" if verbose else ""))
    if problems or not rows:
        for p in problems or ["found no Kubernetes API call at all"]:
            print(f"FAIL derive: {p}")
        failed += 1
    else:
        passed += 1
    rules_by_feature = feature_rules(rows)
    for want in ("leader_election", "kubernetes_actuator", "sidecar", "kubernetes_source", "pod_metrics_cpu"):
        if want not in rules_by_feature:
            print(f"FAIL derive: no call found for feature {want} (did the code change?)")
            failed += 1
    for name, hargs in PROFILES:
        try:
            docs = render(helm, hargs)
            probs = check_profile(name, docs, rules_by_feature)
        except (RuntimeError, Unresolved) as e:
            probs = [str(e)]
        if probs:
            failed += 1
            for p in probs:
                print(f"FAIL {name}: {p}")
        else:
            passed += 1
            print(f"ok   {name}")
    try:
        probs = self_test(helm)
    except (RuntimeError, Unresolved) as e:
        probs = [str(e)]
    if probs:
        failed += 1
        for p in probs:
            print(f"FAIL self-test: {p}")
    else:
        passed += 1
        print("ok   self-test (a new call, an unfollowable call, an unclaimed origin, an extra rule: each fails)")
    print(f"rbac_rules_test: {passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
