#!/usr/bin/python3
"""Every metric name the chart's Grafana dashboard and alerting rules read.

    /usr/bin/python3 tests/chart/dashboard_metrics.py [--prefix limiar_] [--where]
        [--dashboard charts/limiar/files/dashboard.json] [--rules charts/limiar/files/rules.yaml]

prints one name a line, sorted, as the name appears in the exposition (a histogram's
series as `limiar_tick_duration_seconds_bucket`, `_sum`, `_count`; counters with their
`_total`), so that a test can look each one up in a live `/metrics`. `--where` adds, after
a tab, the panels and rules that read it.

As a module: metric_names(expr) -> set of names in one PromQL expression;
dashboard_exprs(dashboard) and rule_exprs(rules) -> [(where, expr)];
referenced(dashboard_path, rules_path) -> {name: [where, ...]}.

The PromQL reading is a tokenizer, not a full parser: a metric name is an identifier that is
not followed by `(` (a function or aggregation), not a keyword or operator word, not inside
`{...}` (label matchers), `[...]` (ranges) or a string, and not in the label list of
by/without/on/ignoring/group_left/group_right; `{__name__="x"}` names x. Grafana variables ($x, ${x}, [[x]]) are
skipped. `label_values(EXPR, LABEL)` and `query_result(EXPR)` of template variables are
read as their EXPR.
"""
import argparse
import json
import os
import re
import signal
import sys

import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
DEFAULT_DASHBOARD = os.path.join(ROOT, "charts/limiar/files/dashboard.json")
DEFAULT_RULES = os.path.join(ROOT, "charts/limiar/files/rules.yaml")

KEYWORDS = {
    "and", "or", "unless", "by", "without", "on", "ignoring", "group_left", "group_right",
    "bool", "offset", "atan2", "inf", "nan", "start", "end",
}
LABEL_LIST_WORDS = {"by", "without", "on", "ignoring", "group_left", "group_right"}
AGGREGATORS = {
    "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values", "bottomk",
    "topk", "quantile", "limitk", "limit_ratio",
}

_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<string>"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`)
  | (?P<var>\$\{[^}]*\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]*\]\])
  | (?P<number>0[xX][0-9a-fA-F]+|(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?(?:ms|s|m|h|d|w|y)?(?:[0-9]+(?:ms|s|m|h|d|w|y))*)
  | (?P<ident>[A-Za-z_:][A-Za-z0-9_:]*)
  | (?P<punct>=~|!~|!=|==|<=|>=|[-+*/%^<>=(){}\[\],@:])
    """,
    re.VERBOSE,
)


class PromQlError(ValueError):
    pass


def tokens(expr):
    """(kind, text) pairs, spaces dropped."""
    out = []
    pos = 0
    while pos < len(expr):
        m = _TOKEN.match(expr, pos)
        if not m:
            raise PromQlError(f"cannot read {expr[pos:pos + 20]!r} at {pos} of {expr!r}")
        pos = m.end()
        if m.lastgroup != "space":
            out.append((m.lastgroup, m.group()))
    return out


def metric_names(expr):
    """The metric names one PromQL expression reads."""
    toks = tokens(expr)
    names = set()
    i = 0
    depth_brace = 0
    depth_bracket = 0
    while i < len(toks):
        kind, text = toks[i]
        if kind == "punct":
            if text == "{":
                depth_brace += 1
            elif text == "}":
                depth_brace -= 1
            elif text == "[":
                depth_bracket += 1
            elif text == "]":
                depth_bracket -= 1
            i += 1
            continue
        if kind != "ident" or depth_brace or depth_bracket:
            i += 1
            continue
        nxt = toks[i + 1] if i + 1 < len(toks) else (None, None)
        word = text.lower()
        if word in LABEL_LIST_WORDS:
            # by (a, b) / on (a) / group_left (a): skip the label list.
            i += 1
            if nxt == ("punct", "("):
                depth = 0
                while i < len(toks):
                    if toks[i] == ("punct", "("):
                        depth += 1
                    elif toks[i] == ("punct", ")"):
                        depth -= 1
                        if depth == 0:
                            i += 1
                            break
                    i += 1
            continue
        if word in KEYWORDS or nxt == ("punct", "("):
            i += 1
            continue
        if word in AGGREGATORS and nxt[0] == "ident" and nxt[1].lower() in ("by", "without"):
            i += 1  # `sum by (a) (...)`: an aggregation, its label list skipped next
            continue
        names.add(text)
        i += 1
    if depth_brace or depth_bracket:
        raise PromQlError(f"unbalanced braces or brackets in {expr!r}")
    # {__name__="x"}: a name given as a matcher.
    for i in range(len(toks) - 2):
        if toks[i] == ("ident", "__name__") and toks[i + 1] == ("punct", "=") and toks[i + 2][0] == "string":
            names.add(toks[i + 2][1][1:-1])
    return names


_LABEL_VALUES = re.compile(r"^\s*label_values\s*\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$", re.S)
_LABEL_VALUES_1 = re.compile(r"^\s*label_values\s*\(\s*[A-Za-z_][A-Za-z0-9_]*\s*\)\s*$")
_QUERY_RESULT = re.compile(r"^\s*query_result\s*\((.*)\)\s*$", re.S)
_METRICS = re.compile(r"^\s*metrics\s*\(.*\)\s*$", re.S)


def variable_expr(query):
    """The PromQL inside a Grafana template variable's query; None when there is none."""
    if isinstance(query, dict):
        query = query.get("query", "")
    if not query or _LABEL_VALUES_1.match(query) or _METRICS.match(query):
        return None
    m = _LABEL_VALUES.match(query)
    if m:
        return m.group(1)
    m = _QUERY_RESULT.match(query)
    if m:
        return m.group(1)
    return query


def _walk_panels(panels):
    for p in panels or []:
        yield p
        yield from _walk_panels(p.get("panels"))


def dashboard_exprs(dashboard):
    """[(where, expr)] of every panel target and template variable query."""
    out = []
    for p in _walk_panels(dashboard.get("panels")):
        for t in p.get("targets") or []:
            if t.get("expr"):
                out.append((f"panel {p.get('title')!r} {t.get('refId', '')}".strip(), t["expr"]))
    for v in (dashboard.get("templating") or {}).get("list") or []:
        if v.get("type") == "query":
            e = variable_expr(v.get("query") or v.get("definition"))
            if e:
                out.append((f"variable ${v['name']}", e))
    return out


def rule_exprs(rules):
    """[(where, expr)] of every rule of a Prometheus rule file."""
    out = []
    for g in rules.get("groups") or []:
        for r in g.get("rules") or []:
            name = r.get("alert") or r.get("record")
            out.append((f"rule {name}", r["expr"]))
    return out


def load_dashboard(path):
    with open(path) as f:
        return json.load(f)


def load_rules(path):
    with open(path) as f:
        return yaml.safe_load(f)


def referenced(dashboard_path=DEFAULT_DASHBOARD, rules_path=DEFAULT_RULES):
    """{metric name: [where it is read, ...]}."""
    where = {}
    exprs = []
    if dashboard_path:
        exprs += dashboard_exprs(load_dashboard(dashboard_path))
    if rules_path:
        exprs += rule_exprs(load_rules(rules_path))
    for w, e in exprs:
        for name in metric_names(e):
            where.setdefault(name, []).append(w)
    return where


def main(argv=None):
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # `| head` ends quietly
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--dashboard", default=DEFAULT_DASHBOARD, help="Grafana dashboard JSON ('' for none)")
    ap.add_argument("--rules", default=DEFAULT_RULES, help="Prometheus rule file ('' for none)")
    ap.add_argument("--prefix", default="", help="only names starting with this (e.g. limiar_)")
    ap.add_argument("--where", action="store_true", help="also print where each name is read")
    args = ap.parse_args(argv)
    try:
        found = referenced(args.dashboard or None, args.rules or None)
    except (OSError, ValueError, yaml.YAMLError) as e:
        print(f"dashboard_metrics: {e}", file=sys.stderr)
        return 1
    for name in sorted(found):
        if name.startswith(args.prefix):
            print(f"{name}\t{'; '.join(found[name])}" if args.where else name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
