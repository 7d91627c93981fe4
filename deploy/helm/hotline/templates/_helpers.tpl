{{/* The release's name for every object: "<release>-aliada-hotline", or the release name when it already says so. */}}
{{- define "aliada-hotline.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "aliada-hotline.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "aliada-hotline.labels" -}}
{{ include "aliada-hotline.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- end -}}

{{- define "aliada-hotline.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{/* One container's settings, the same for the server, the migrations and the purge: the values' env, then every key of the Secret. */}}
{{- define "aliada-hotline.settings" -}}
env:
  - name: WEB_CONCURRENCY
    value: {{ .Values.workers | quote }}
  {{- range $name, $value := .Values.env }}
  - name: {{ $name }}
    value: {{ $value | quote }}
  {{- end }}
envFrom:
  - secretRef:
      name: {{ required "existingSecret: the Secret holding the hotline's secrets" .Values.existingSecret }}
securityContext:
  {{- toYaml .Values.securityContext | nindent 2 }}
{{- end -}}

{{/* Writable folders under a read-only root: temporary files, the metrics of gunicorn's workers, rendered voice prompts. */}}
{{- define "aliada-hotline.volumeMounts" -}}
volumeMounts:
  - name: tmp
    mountPath: /tmp
  - name: metrics
    mountPath: /run/aliada/metrics
  - name: audio
    mountPath: /var/lib/aliada/audio
{{- end -}}

{{- define "aliada-hotline.volumes" -}}
volumes:
  - name: tmp
    emptyDir: {}
  - name: metrics
    emptyDir:
      medium: Memory
  - name: audio
    emptyDir: {}
{{- end -}}

{{- define "aliada-hotline.podSpecCommon" -}}
securityContext:
  {{- toYaml .Values.podSecurityContext | nindent 2 }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.nodeSelector }}
nodeSelector:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.tolerations }}
tolerations:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- with .Values.affinity }}
affinity:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
