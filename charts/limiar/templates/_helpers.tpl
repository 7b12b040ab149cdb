{{/*
Names, labels and the pieces every template shares. The serve configuration and the RBAC
rules are computed here once, from the values, so that the ConfigMap and the Roles always
agree: the Roles grant what the rendered configuration makes the binary call.
*/}}

{{- define "limiar.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "limiar.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{- define "limiar.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "limiar.selectorLabels" -}}
app.kubernetes.io/name: {{ include "limiar.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "limiar.labels" -}}
helm.sh/chart: {{ include "limiar.chart" . }}
{{ include "limiar.selectorLabels" . }}
app.kubernetes.io/version: {{ include "limiar.imageTag" . | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: limiar
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "limiar.imageTag" -}}
{{- default .Chart.AppVersion .Values.image.tag -}}
{{- end -}}

{{- define "limiar.image" -}}
{{- printf "%s:%s" .Values.image.repository (include "limiar.imageTag" .) -}}
{{- end -}}

{{- define "limiar.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "limiar.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "limiar.configMapName" -}}
{{- printf "%s-config" (include "limiar.fullname" .) -}}
{{- end -}}

{{/* The Lease, its namespace and the state ConfigMap, as serve will use them. */}}
{{- define "limiar.leaseName" -}}
{{- default (include "limiar.fullname" .) .Values.leaderElection.leaseName -}}
{{- end -}}

{{- define "limiar.leaseNamespace" -}}
{{- default .Release.Namespace .Values.leaderElection.namespace -}}
{{- end -}}

{{- define "limiar.stateConfigMap" -}}
{{- default (printf "%s-state" (include "limiar.leaseName" .)) .Values.leaderElection.stateConfigMap -}}
{{- end -}}

{{/*
The namespaces Limiar reads and scales in, as JSON: {"clusterWide": bool, "namespaces": [...]}.
*/}}
{{- define "limiar.watched" -}}
{{- $w := .Values.watchNamespace -}}
{{- if eq .Values.mode "sidecar" -}}
{{- dict "clusterWide" false "namespaces" (list .Release.Namespace) | toJson -}}
{{- else if kindIs "slice" $w -}}
{{- dict "clusterWide" false "namespaces" $w | toJson -}}
{{- else if eq (toString $w) "*" -}}
{{- dict "clusterWide" true "namespaces" (list) | toJson -}}
{{- else if $w -}}
{{- dict "clusterWide" false "namespaces" (list $w) | toJson -}}
{{- else -}}
{{- dict "clusterWide" false "namespaces" (list .Release.Namespace) | toJson -}}
{{- end -}}
{{- end -}}

{{/* The namespace the kubernetes actuator scales in. */}}
{{- define "limiar.actuatorNamespace" -}}
{{- $k := .Values.actuator.kubernetes | default dict -}}
{{- $watched := include "limiar.watched" . | fromJson -}}
{{- if eq .Values.mode "sidecar" -}}
{{- .Release.Namespace -}}
{{- else if $k.namespace -}}
{{- $k.namespace -}}
{{- else if and (not $watched.clusterWide) (kindIs "slice" .Values.watchNamespace) -}}
{{- first $watched.namespaces -}}
{{- else if and (not $watched.clusterWide) .Values.watchNamespace -}}
{{- .Values.watchNamespace -}}
{{- else -}}
{{- .Release.Namespace -}}
{{- end -}}
{{- end -}}

{{- define "limiar.blueprintConfigMapName" -}}
{{- default (include "limiar.configMapName" .) .Values.blueprint.existingConfigMap -}}
{{- end -}}

{{- define "limiar.blueprintKey" -}}
{{- if .Values.blueprint.existingConfigMap -}}{{ .Values.blueprint.key }}{{- else -}}blueprint.json{{- end -}}
{{- end -}}

{{/*
serve's configuration (--config), as JSON. Built from the values, then serve.extraConfig
merged over it. Listens on every address inside the pod.
*/}}
{{- define "limiar.serveConfig" -}}
{{- $v := .Values -}}
{{- $c := dict
  "grpc_listen" (printf "0.0.0.0:%d" (int $v.service.grpcPort))
  "http_listen" (printf "0.0.0.0:%d" (int $v.service.httpPort))
  "tick_interval_s" $v.serve.tickIntervalSeconds
  "fast_path_threshold_pct" $v.serve.fastPathThresholdPct -}}
{{- if and $v.serve.stateFile.enabled (eq $v.mode "standalone") -}}
{{- $_ := set $c "state_file" "/var/lib/limiar/state.json" -}}
{{- end -}}
{{- if and (eq $v.mode "sidecar") (or $v.auth.adminToken.existingSecret $v.auth.ingestToken.existingSecret $v.tls.existingSecret) -}}
{{- fail "sidecar mode: sidecar-snippet.yaml mounts no token or TLS Secret; add their volumes to the application's pods yourself and name the files in serve.extraConfig" -}}
{{- end -}}
{{- if $v.auth.adminToken.existingSecret -}}
{{- $_ := set $c "admin_token_file" (printf "/etc/limiar/admin-token/%s" $v.auth.adminToken.key) -}}
{{- end -}}
{{- if $v.auth.ingestToken.existingSecret -}}
{{- $_ := set $c "ingest_token_file" (printf "/etc/limiar/ingest-token/%s" $v.auth.ingestToken.key) -}}
{{- end -}}
{{- if $v.tls.existingSecret -}}
{{- $tls := dict "cert_file" (printf "/etc/limiar/tls/%s" $v.tls.certKey) "key_file" (printf "/etc/limiar/tls/%s" $v.tls.keyKey) -}}
{{- if $v.tls.clientCA.existingSecret -}}
{{- $_ := set $tls "client_ca_file" (printf "/etc/limiar/client-ca/%s" $v.tls.clientCA.key) -}}
{{- end -}}
{{- $_ := set $c "tls" $tls -}}
{{- else if $v.tls.clientCA.existingSecret -}}
{{- fail "tls.clientCA.existingSecret needs tls.existingSecret: client certificates are checked only over TLS" -}}
{{- end -}}
{{- range $section := list "grpc" "http" "ingest" "store" -}}
{{- with index $v.serve $section -}}
{{- $_ := set $c $section (deepCopy .) -}}
{{- end -}}
{{- end -}}
{{- $actuator := deepCopy $v.actuator -}}
{{- $actuatorNs := include "limiar.actuatorNamespace" . -}}
{{- if eq $v.mode "sidecar" -}}
{{- $target := required "sidecar.target: name the blueprint target that the application's Deployment is" $v.sidecar.target -}}
{{- $k := deepCopy ($actuator.kubernetes | default dict) -}}
{{- $_ := set $k "sidecar_target" $target -}}
{{- $_ := set $k "namespace" $actuatorNs -}}
{{- $actuator = dict "kind" "kubernetes" "kubernetes" $k -}}
{{- with $v.actuator.retry -}}
{{- $_ := set $actuator "retry" (deepCopy .) -}}
{{- end -}}
{{- else if eq $actuator.kind "kubernetes" -}}
{{- $k := deepCopy ($actuator.kubernetes | default dict) -}}
{{- $_ := set $k "namespace" $actuatorNs -}}
{{- $_ := set $actuator "kubernetes" $k -}}
{{- else if not $actuator.kubernetes -}}
{{- /* values.yaml's empty default section: serve refuses a section of another kind */ -}}
{{- $_ := unset $actuator "kubernetes" -}}
{{- end -}}
{{- $_ := set $c "actuator" $actuator -}}
{{- if $v.sources -}}
{{- $sources := dict -}}
{{- range $target, $spec := $v.sources -}}
{{- $s := deepCopy $spec -}}
{{- if and (hasKey $s "kubernetes") (not (hasKey $s.kubernetes "namespace")) -}}
{{- $_ := set $s.kubernetes "namespace" $actuatorNs -}}
{{- end -}}
{{- $_ := set $sources $target $s -}}
{{- end -}}
{{- $_ := set $c "sources" $sources -}}
{{- end -}}
{{- if $v.leaderElection.enabled -}}
{{- $lease := float64 $v.leaderElection.leaseDurationSeconds -}}
{{- $renew := float64 $v.leaderElection.renewDeadlineSeconds -}}
{{- $retry := float64 $v.leaderElection.retryPeriodSeconds -}}
{{- if not (gt $renew (mulf $retry 1.2)) -}}
{{- fail (printf "leaderElection.renewDeadlineSeconds (%v) must be more than 1.2 x retryPeriodSeconds (%v), so that a renewal can be retried before the deadline" $renew $retry) -}}
{{- end -}}
{{- if not (gt $lease $renew) -}}
{{- fail (printf "leaderElection.leaseDurationSeconds (%v) must be longer than renewDeadlineSeconds (%v), or a leader could still act after its Lease expired" $lease $renew) -}}
{{- end -}}
{{- $le := dict
  "lease_name" (include "limiar.leaseName" .)
  "namespace" (include "limiar.leaseNamespace" .)
  "state_configmap" (include "limiar.stateConfigMap" .)
  "lease_duration_s" $v.leaderElection.leaseDurationSeconds
  "renew_deadline_s" $v.leaderElection.renewDeadlineSeconds
  "retry_period_s" $v.leaderElection.retryPeriodSeconds -}}
{{- $_ := set $c "leader_election" $le -}}
{{- end -}}
{{- $c = mergeOverwrite $c (deepCopy $v.serve.extraConfig) -}}
{{- toJson $c -}}
{{- end -}}

{{/*
The RBAC rules one watched namespace needs, derived from the rendered serve configuration
(the same calls tests/chart/rbac_rules_test.py derives from the code), as JSON
{"rules": [{"apiGroups": [...], "resources": [...], "verbs": [...]}, ...]}. Called with
(dict "root" $ "namespace" NS); NS "*" for a ClusterRole (every namespace's needs).
  kubernetes actuator (its namespace): deployments/scale get, patch; deployments get,
      list, watch; events.k8s.io events create, patch (the Events on what it scales);
      with sidecar_target also pods get, replicasets get (the pod's owners)
  kubernetes source (its namespace): RESOURCE/scale get (the selector), pods list, watch;
      metrics.k8s.io pods list with pod_metrics_cpu
*/}}
{{- define "limiar.targetRules" -}}
{{- $cfg := include "limiar.serveConfig" .root | fromJson -}}
{{- $ns := .namespace -}}
{{- $want := dict -}}
{{- $actuator := $cfg.actuator | default dict -}}
{{- $k := $actuator.kubernetes | default dict -}}
{{- if and (eq (toString $actuator.kind) "kubernetes") (or (eq $ns "*") (eq (toString $k.namespace) $ns)) -}}
{{- $_ := set $want "apps|deployments/scale|get" true -}}
{{- $_ := set $want "apps|deployments/scale|patch" true -}}
{{- $_ := set $want "apps|deployments|get" true -}}
{{- $_ := set $want "apps|deployments|list" true -}}
{{- $_ := set $want "apps|deployments|watch" true -}}
{{- $_ := set $want "events.k8s.io|events|create" true -}}
{{- $_ := set $want "events.k8s.io|events|patch" true -}}
{{- if $k.sidecar_target -}}
{{- $_ := set $want "|pods|get" true -}}
{{- $_ := set $want "apps|replicasets|get" true -}}
{{- end -}}
{{- end -}}
{{- range $target, $spec := ($cfg.sources | default dict) -}}
{{- with $spec.kubernetes -}}
{{- if or (eq $ns "*") (eq (toString .namespace) $ns) -}}
{{- $group := "apps" -}}
{{- $resource := "" -}}
{{- if eq (toString .kind) "Deployment" -}}
{{- $resource = "deployments" -}}
{{- else if eq (toString .kind) "StatefulSet" -}}
{{- $resource = "statefulsets" -}}
{{- else -}}
{{- $group = toString (.group | default "") -}}
{{- $resource = toString .resource -}}
{{- end -}}
{{- $_ := set $want (printf "%s|%s/scale|get" $group $resource) true -}}
{{- $_ := set $want "|pods|list" true -}}
{{- $_ := set $want "|pods|watch" true -}}
{{- if eq (toString .metric) "pod_metrics_cpu" -}}
{{- $_ := set $want "metrics.k8s.io|pods|list" true -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- end -}}
{{- /* group|resource -> verbs */ -}}
{{- $byResource := dict -}}
{{- range $key := keys $want | sortAlpha -}}
{{- $parts := splitList "|" $key -}}
{{- $gr := printf "%s|%s" (index $parts 0) (index $parts 1) -}}
{{- $_ := set $byResource $gr (append (get $byResource $gr | default list) (index $parts 2)) -}}
{{- end -}}
{{- $rules := list -}}
{{- range $gr := keys $byResource | sortAlpha -}}
{{- $parts := splitList "|" $gr -}}
{{- $rules = append $rules (dict "apiGroups" (list (index $parts 0)) "resources" (list (index $parts 1)) "verbs" (get $byResource $gr | sortAlpha)) -}}
{{- end -}}
{{- dict "rules" $rules | toJson -}}
{{- end -}}

{{/* The pod's volumes for the serve container. */}}
{{- define "limiar.serveVolumes" -}}
- name: config
  configMap:
    name: {{ include "limiar.configMapName" . }}
    items:
      - key: config.json
        path: config.json
- name: blueprint
  configMap:
    name: {{ include "limiar.blueprintConfigMapName" . }}
    items:
      - key: {{ include "limiar.blueprintKey" . }}
        path: blueprint.json
- name: tmp
  emptyDir: {}
{{- if and .Values.serve.stateFile.enabled (eq .Values.mode "standalone") }}
- name: state
  emptyDir: {}
{{- end }}
{{- with .Values.auth.adminToken.existingSecret }}
- name: admin-token
  secret:
    secretName: {{ . }}
    defaultMode: 288  # 0440: owner and fsGroup read
    items:
      - key: {{ $.Values.auth.adminToken.key }}
        path: {{ $.Values.auth.adminToken.key }}
{{- end }}
{{- with .Values.auth.ingestToken.existingSecret }}
- name: ingest-token
  secret:
    secretName: {{ . }}
    defaultMode: 288  # 0440: owner and fsGroup read
    items:
      - key: {{ $.Values.auth.ingestToken.key }}
        path: {{ $.Values.auth.ingestToken.key }}
{{- end }}
{{- with .Values.tls.existingSecret }}
- name: tls
  secret:
    secretName: {{ . }}
    defaultMode: 288  # 0440: owner and fsGroup read
    items:
      - key: {{ $.Values.tls.certKey }}
        path: {{ $.Values.tls.certKey }}
      - key: {{ $.Values.tls.keyKey }}
        path: {{ $.Values.tls.keyKey }}
{{- end }}
{{- with .Values.tls.clientCA.existingSecret }}
- name: client-ca
  secret:
    secretName: {{ . }}
    defaultMode: 288  # 0440: owner and fsGroup read
    items:
      - key: {{ $.Values.tls.clientCA.key }}
        path: {{ $.Values.tls.clientCA.key }}
{{- end }}
{{- end -}}

{{/* The serve container's volume mounts. */}}
{{- define "limiar.serveVolumeMounts" -}}
- name: config
  mountPath: /etc/limiar/config
  readOnly: true
- name: blueprint
  mountPath: /etc/limiar/blueprint
  readOnly: true
- name: tmp
  mountPath: /tmp
{{- if and .Values.serve.stateFile.enabled (eq .Values.mode "standalone") }}
- name: state
  mountPath: /var/lib/limiar
{{- end }}
{{- if .Values.auth.adminToken.existingSecret }}
- name: admin-token
  mountPath: /etc/limiar/admin-token
  readOnly: true
{{- end }}
{{- if .Values.auth.ingestToken.existingSecret }}
- name: ingest-token
  mountPath: /etc/limiar/ingest-token
  readOnly: true
{{- end }}
{{- if .Values.tls.existingSecret }}
- name: tls
  mountPath: /etc/limiar/tls
  readOnly: true
{{- end }}
{{- if .Values.tls.clientCA.existingSecret }}
- name: client-ca
  mountPath: /etc/limiar/client-ca
  readOnly: true
{{- end }}
{{- end -}}

{{/* Probes on the http port. */}}
{{- define "limiar.probes" -}}
{{- with .Values.livenessProbe }}
{{- if .enabled }}
livenessProbe:
  httpGet:
    path: /healthz
    port: http
  initialDelaySeconds: {{ .initialDelaySeconds }}
  periodSeconds: {{ .periodSeconds }}
  timeoutSeconds: {{ .timeoutSeconds }}
  failureThreshold: {{ .failureThreshold }}
{{- end }}
{{- end }}
{{- with .Values.readinessProbe }}
{{- if .enabled }}
readinessProbe:
  httpGet:
    path: /readyz
    port: http
  initialDelaySeconds: {{ .initialDelaySeconds }}
  periodSeconds: {{ .periodSeconds }}
  timeoutSeconds: {{ .timeoutSeconds }}
  failureThreshold: {{ .failureThreshold }}
{{- end }}
{{- end }}
{{- end -}}
