{{/*
Chart name, truncated to 63 characters (DNS label limit).
*/}}
{{- define "keyport.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Fully qualified app name; the release name alone when it already contains the chart name.
*/}}
{{- define "keyport.fullname" -}}
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

{{- define "keyport.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Common labels (recommended app.kubernetes.io set).
*/}}
{{- define "keyport.labels" -}}
helm.sh/chart: {{ include "keyport.chart" . }}
{{ include "keyport.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | trunc 63 | trimSuffix "-" | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: keyport
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end }}

{{/*
Selector labels: immutable on a Deployment, so nothing that changes between releases.
*/}}
{{- define "keyport.selectorLabels" -}}
app.kubernetes.io/name: {{ include "keyport.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "keyport.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "keyport.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/*
Image reference: a digest wins over a tag (immutable deployments).
*/}}
{{- define "keyport.image" -}}
{{- if .Values.image.digest }}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion) }}
{{- end }}
{{- end }}

{{/*
Name of the existing Secret with the database credentials (never created by this chart).
*/}}
{{- define "keyport.databaseSecretName" -}}
{{- .Values.database.existingSecret | default (printf "%s-database" (include "keyport.fullname" .)) }}
{{- end }}

{{/*
Label that lets extra clients through the NetworkPolicy (and marks the chart's own test pod).
*/}}
{{- define "keyport.clientLabel" -}}
{{ include "keyport.fullname" . }}-client: "true"
{{- end }}
