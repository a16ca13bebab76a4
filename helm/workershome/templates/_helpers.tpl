{{- define "workershome.name" -}}
{{- .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "workershome.fullname" -}}
{{- if contains .Chart.Name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}

{{- define "workershome.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
app.kubernetes.io/name: {{ include "workershome.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end -}}

{{- define "workershome.selector" -}}
app.kubernetes.io/name: {{ include "workershome.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{- define "workershome.image" -}}
{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}
{{- end -}}

{{- define "workershome.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "workershome.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{- define "workershome.mediaClaim" -}}
{{- default (printf "%s-media" (include "workershome.fullname" .)) .Values.media.persistence.existingClaim -}}
{{- end -}}

{{/* Environment of every pod: plain values inline (the migration hook runs before any
     ConfigMap of the release would exist), secrets by reference. */}}
{{- define "workershome.env" -}}
- name: DJANGO_SETTINGS_MODULE
  value: workershome.settings.production
- name: BASE_DOMAIN
  value: {{ .Values.baseDomain | quote }}
- name: SITE_SCHEME
  value: https
{{- range $name, $value := .Values.env }}
- name: {{ $name }}
  value: {{ $value | quote }}
{{- end }}
{{- end -}}

{{- define "workershome.envFrom" -}}
- secretRef:
    name: {{ .Values.existingSecret }}
{{- end -}}

{{- define "workershome.volumes" -}}
- name: tmp
  emptyDir: {}
- name: media
{{- if .Values.media.persistence.enabled }}
  persistentVolumeClaim:
    claimName: {{ include "workershome.mediaClaim" . }}
{{- else }}
  emptyDir: {}
{{- end }}
{{- end -}}

{{- define "workershome.volumeMounts" -}}
- name: tmp
  mountPath: /tmp
- name: media
  mountPath: /data/media
{{- end -}}

{{- define "workershome.podCommon" -}}
serviceAccountName: {{ include "workershome.serviceAccountName" . }}
automountServiceAccountToken: false
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
volumes:
  {{- include "workershome.volumes" . | nindent 2 }}
{{- end -}}
