{{/* Secret manifests used twice: by the release, and as hook copies for the migration Job. dict: root, name, hook */}}
{{- define "sso.hookAnnotations" -}}
{{- if .hook }}
annotations:
  helm.sh/hook: pre-install,pre-upgrade
  helm.sh/hook-weight: "-10"
  helm.sh/hook-delete-policy: before-hook-creation,hook-succeeded
{{- end }}
{{- end -}}

{{- define "sso.cassandraAuthSecretManifest" -}}
{{- $a := .root.Values.cassandra.auth -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .name }}
  labels:
    {{- include "sso.componentLabels" (dict "root" .root "component" (ternary "migrate" "cassandra" .hook)) | nindent 4 }}
  {{- include "sso.hookAnnotations" . | nindent 2 }}
type: Opaque
data:
  {{ $a.usernameKey }}: {{ $a.username | b64enc | quote }}
  {{ $a.passwordKey }}: {{ $a.password | b64enc | quote }}
{{- end -}}

{{- define "sso.cassandraTlsSecretManifest" -}}
{{- $t := .root.Values.cassandra.tls -}}
apiVersion: v1
kind: Secret
metadata:
  name: {{ .name }}
  labels:
    {{- include "sso.componentLabels" (dict "root" .root "component" (ternary "migrate" "cassandra" .hook)) | nindent 4 }}
  {{- include "sso.hookAnnotations" . | nindent 2 }}
type: Opaque
data:
  {{- with $t.ca }}
  {{ $t.caKey }}: {{ . | b64enc | quote }}
  {{- end }}
  {{- if $t.clientAuth }}
  {{ $t.certKey }}: {{ $t.cert | b64enc | quote }}
  {{ $t.keyKey }}: {{ $t.key | b64enc | quote }}
  {{- end }}
{{- end -}}
