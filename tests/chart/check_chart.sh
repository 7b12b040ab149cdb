#!/usr/bin/env bash
# Every check of the Helm chart (charts/limiar), from the repository root:
#
#   tests/chart/check_chart.sh HELM        # HELM: a Helm 3 binary (scripts/fetch-helm.sh DIR)
#
#   1. helm lint --strict of every values profile;
#   2. helm template of every profile (default/standalone, sidecar, sweep, full with every
#      optional object and --api-versions monitoring.coreos.com/v1, cluster-wide, webhook),
#      kept in $CHART_CHECK_OUT (default build/chart-check);
#   3. yamllint on the chart's static YAML and on the rendered output;
#   4. every rendered object against the Kubernetes API schema (validate_objects.py, with
#      Debian's python3-kubernetes models), and the validator's own table of refusals;
#   5. the rendered objects against each other and serve's config (chart_test.py), the
#      dashboard's PromQL and metric names;
#   6. the RBAC against the API calls derived from src/ (rbac_rules_test.py);
#   7. bad values refused with their messages (schema_test.py);
#   8. promtool check rules and promtool test rules on the alerting rules.
# Every step runs even when an earlier one failed; each prints what failed. Ends with
# `check_chart: N passed, M failed` and exits 1 if any step failed.
#
# Needs: python3 with python3-kubernetes and python3-yaml (Debian's /usr/bin/python3),
# yamllint, promtool (Debian's prometheus package).
set -uo pipefail
cd "$(dirname "$0")/../.."

if [[ $# -ne 1 ]]; then
  echo "usage: $0 HELM   (a Helm 3 binary; scripts/fetch-helm.sh DIR installs DIR/helm)" >&2
  exit 2
fi
helm=$1
[[ "$helm" == */* ]] && helm=$(cd "$(dirname "$helm")" && pwd)/$(basename "$helm")
python=/usr/bin/python3
out=${CHART_CHECK_OUT:-build/chart-check}
chart=charts/limiar
ns=shop

for tool in "$helm" yamllint promtool "$python"; do
  command -v "$tool" >/dev/null || { echo "check_chart: $tool is missing" >&2; exit 2; }
done
"$python" -c 'import kubernetes, yaml' 2>/dev/null ||
  { echo "check_chart: $python lacks python3-kubernetes or python3-yaml" >&2; exit 2; }

passed=0
failed=0
failures=()
step() {  # step NAME COMMAND...: runs it, times it, counts it
  local name=$1
  shift
  local start=$SECONDS
  local log
  log=$(mktemp)
  if "$@" >"$log" 2>&1; then
    passed=$((passed + 1))
    printf 'ok    %-52s %3ds\n' "$name" $((SECONDS - start))
  else
    failed=$((failed + 1))
    failures+=("$name")
    printf 'FAIL  %-52s %3ds\n' "$name" $((SECONDS - start))
    sed 's/^/      /' "$log"
  fi
  rm -f "$log"
}

# name | helm arguments
profiles=(
  "default|"
  "sidecar|-f $chart/profiles/sidecar.yaml"
  "sweep|-f $chart/profiles/sweep.yaml"
  "full|-f tests/chart/values/full.yaml --api-versions monitoring.coreos.com/v1"
  "cluster-wide|-f tests/chart/values/cluster-wide.yaml"
  "webhook|-f tests/chart/values/webhook.yaml"
)

echo "check_chart: $("$helm" version --short), chart $chart, output in $out"
rm -rf "$out"
mkdir -p "$out"

for p in "${profiles[@]}"; do
  name=${p%%|*}
  args=${p#*|}
  # helm lint knows no --api-versions: lint without it.
  lint_args=${args/--api-versions monitoring.coreos.com\/v1/}
  # shellcheck disable=SC2086
  step "helm lint --strict ($name)" "$helm" lint --strict "$chart" -n "$ns" $lint_args
  # shellcheck disable=SC2086
  step "helm template ($name)" bash -c '"$0" template limiar "$1" -n "$2" ${@:4} > "$3"' \
    "$helm" "$chart" "$ns" "$out/$name.yaml" $args
done

step "yamllint (chart's static YAML, tests' YAML)" yamllint -s -c .yamllint \
  "$chart/Chart.yaml" "$chart/values.yaml" "$chart/profiles" "$chart/files/rules.yaml" \
  "$chart/sidecar-snippet.yaml" tests/chart .yamllint
step "yamllint (rendered output)" yamllint -s -c tests/chart/yamllint-rendered.yaml "$out"
step "values.schema.json is JSON" "$python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$chart/values.schema.json"
step "dashboard.json is JSON" "$python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$chart/files/dashboard.json"
step "validate_objects_test (the validator refuses)" "$python" tests/chart/validate_objects_test.py
step "validate_objects (Kubernetes API schema)" "$python" tests/chart/validate_objects.py "$out"/*.yaml
step "chart_test (objects, config, dashboard)" "$python" tests/chart/chart_test.py "$helm"
step "rbac_rules_test (RBAC = the code's API calls)" "$python" tests/chart/rbac_rules_test.py "$helm"
step "schema_test (bad values refused)" "$python" tests/chart/schema_test.py "$helm"
step "promtool check rules" promtool check rules "$chart/files/rules.yaml"
step "promtool test rules" promtool test rules tests/chart/rules_test.yaml
step "dashboard_metrics.py lists the metrics read" bash -c \
  '"$0" tests/chart/dashboard_metrics.py --prefix limiar_ | grep -qx limiar_tick_duration_seconds_bucket' "$python"

if ((failed > 0)); then
  echo "check_chart: failed: ${failures[*]}"
fi
echo "check_chart: $passed passed, $failed failed"
((failed == 0))
