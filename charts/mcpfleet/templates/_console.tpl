{{/* Labels of the optional web console (its own component, so the operator's selectors never match it). */}}

{{- define "mcpfleet.consoleSelectorLabels" -}}
app.kubernetes.io/name: {{ include "mcpfleet.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/component: console
{{- end }}

{{- define "mcpfleet.consoleLabels" -}}
helm.sh/chart: {{ include "mcpfleet.chart" . }}
{{ include "mcpfleet.consoleSelectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/part-of: mcpfleet
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}
