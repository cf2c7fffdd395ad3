{{/*
Names and labels shared by every template, and the checks of values that JSON schema cannot
express (they mirror the operator's own cross-field rules in operator/src/config/config.ts, so a
bad combination fails at `helm install` rather than in a crash-looping pod).
*/}}

{{- define "mcpfleet.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mcpfleet.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "mcpfleet.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "mcpfleet.selectorLabels" -}}
app.kubernetes.io/name: {{ include "mcpfleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "mcpfleet.labels" -}}
helm.sh/chart: {{ include "mcpfleet.chart" . }}
{{ include "mcpfleet.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: mcpfleet
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "mcpfleet.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "mcpfleet.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- required "serviceAccount.name is required when serviceAccount.create is false (the ServiceAccount the operator runs as)" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{- define "mcpfleet.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) }}
{{- end }}
{{- end }}

{{/* The generated least-privilege rules (npm run gen writes them from operator/src/rbac.ts). */}}
{{- define "mcpfleet.rbacRules" -}}
{{- .Files.Get "generated/rbac-rules.yaml" | fromYamlArray | toYaml }}
{{- end }}

{{/* Only the rules on Leases: the Role in the release namespace when the operator watches one namespace. */}}
{{- define "mcpfleet.leaseRules" -}}
{{- $lease := list }}
{{- range (.Files.Get "generated/rbac-rules.yaml" | fromYamlArray) }}
{{- if and (has "coordination.k8s.io" .apiGroups) (has "leases" .resources) }}
{{- $lease = append $lease (dict "apiGroups" (list "coordination.k8s.io") "resources" (list "leases") "verbs" .verbs) }}
{{- end }}
{{- end }}
{{- if not $lease }}
{{- fail "charts/mcpfleet/generated/rbac-rules.yaml grants nothing on coordination.k8s.io leases; run npm run gen" }}
{{- end }}
{{- toYaml $lease }}
{{- end }}

{{/* Go duration text -> milliseconds (the operator's format: 500ms, 15s, 1m30s, 1.5h). */}}
{{- define "mcpfleet.durationMs" -}}
{{- $total := 0.0 }}
{{- range (regexFindAll "[0-9]+(\\.[0-9]+)?(ms|s|m|h)" . -1) }}
{{- $unit := regexFind "(ms|s|m|h)$" . }}
{{- $n := float64 (trimSuffix $unit .) }}
{{- $factor := get (dict "ms" 1.0 "s" 1000.0 "m" 60000.0 "h" 3600000.0) $unit }}
{{- $total = addf $total (mulf $n $factor) }}
{{- end }}
{{- $total }}
{{- end }}

{{- define "mcpfleet.validate" -}}
{{- if and (gt (int .Values.replicas) 1) (not .Values.leaderElection.enabled) }}
{{- fail (printf "replicas is %d but leaderElection.enabled is false: several operator replicas without leader election would all write to the cluster; enable leader election or set replicas to 1" (int .Values.replicas)) }}
{{- end }}
{{- if .Values.leaderElection.enabled }}
{{- $lease := include "mcpfleet.durationMs" .Values.leaderElection.leaseDuration | float64 }}
{{- $renew := include "mcpfleet.durationMs" .Values.leaderElection.renewDeadline | float64 }}
{{- $retry := include "mcpfleet.durationMs" .Values.leaderElection.retryPeriod | float64 }}
{{- if not (gt $lease $renew) }}
{{- fail (printf "leaderElection.leaseDuration (%s) must be greater than leaderElection.renewDeadline (%s)" .Values.leaderElection.leaseDuration .Values.leaderElection.renewDeadline) }}
{{- end }}
{{- if not (gt $renew (mulf $retry 1.2)) }}
{{- fail (printf "leaderElection.renewDeadline (%s) must be greater than 1.2 x leaderElection.retryPeriod (%s)" .Values.leaderElection.renewDeadline .Values.leaderElection.retryPeriod) }}
{{- end }}
{{- end }}
{{- if and .Values.metrics.serviceMonitor.enabled (not .Values.metrics.service.enabled) }}
{{- fail "metrics.serviceMonitor.enabled needs metrics.service.enabled: the ServiceMonitor scrapes the operator through its metrics Service" }}
{{- end }}
{{- end }}
