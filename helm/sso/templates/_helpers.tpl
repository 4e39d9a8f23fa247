{{/* Names. Every object name stays within 63 characters (DNS label), component suffix included. */}}
{{- define "sso.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{- define "sso.fullname" -}}
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

{{/* "<fullname>-<component>", the fullname shortened so that the whole fits in 63 characters. dict: root, component */}}
{{- define "sso.componentName" -}}
{{- $max := sub 62 (len .component) | int -}}
{{- printf "%s-%s" (include "sso.fullname" .root | trunc $max | trimSuffix "-") .component -}}
{{- end -}}

{{- define "sso.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "sso.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: sso
{{- end -}}

{{/* dict: root, component */}}
{{- define "sso.selectorLabels" -}}
app.kubernetes.io/name: {{ include "sso.name" .root }}
app.kubernetes.io/instance: {{ .root.Release.Name }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* dict: root, component */}}
{{- define "sso.componentLabels" -}}
{{ include "sso.labels" .root }}
app.kubernetes.io/component: {{ .component }}
{{- end -}}

{{/* dict: root, image (an app's or the migration job's image values) */}}
{{- define "sso.image" -}}
{{- $g := .root.Values.image -}}
{{- $repo := .image.repository -}}
{{- if $g.registry }}{{ $repo = printf "%s/%s" (trimSuffix "/" $g.registry) $repo }}{{ end -}}
{{- if $g.digest -}}
{{- printf "%s@%s" $repo $g.digest -}}
{{- else -}}
{{- printf "%s:%s" $repo (default .root.Chart.AppVersion $g.tag | toString) -}}
{{- end -}}
{{- end -}}

{{- define "sso.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "sso.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/* The environment variable that carries each app's port (libs/config envBindings). */}}
{{- define "sso.portEnv" -}}
{{- get (dict "saml-sp" "SAML_SP_PORT" "scim-api" "SCIM_API_PORT" "token-admin" "TOKEN_ADMIN_PORT") . -}}
{{- end -}}
{{- define "sso.internalPortEnv" -}}
{{- get (dict "saml-sp" "SAML_SP_INTERNAL_PORT" "scim-api" "SCIM_API_INTERNAL_PORT" "token-admin" "TOKEN_ADMIN_INTERNAL_PORT") . -}}
{{- end -}}

{{/* Which mounted secrets each app needs. Least privilege: scim-api signs nothing. */}}
{{- define "sso.usesAccessTokenKeys" -}}
{{- if has . (list "saml-sp" "token-admin") }}true{{ end -}}
{{- end -}}
{{- define "sso.usesSpKeys" -}}
{{- if eq . "saml-sp" }}true{{ end -}}
{{- end -}}
{{/* Redis: rate limits (token-admin, saml-sp) and the change stamps of the SCIM user views (every app writes them, scim-api reads them); not the migrate job. */}}
{{- define "sso.usesRedis" -}}
{{- if or (eq . "token-admin") (eq . "saml-sp") (eq . "scim-api") }}true{{ end -}}
{{- end -}}

{{/* ---- Secret names: the chart's own, or the operator's existingSecret ---- */}}
{{- define "sso.cassandraAuthSecret" -}}
{{- .Values.cassandra.auth.existingSecret | default (include "sso.componentName" (dict "root" . "component" "cassandra-auth")) -}}
{{- end -}}
{{- define "sso.cassandraTlsSecret" -}}
{{- .Values.cassandra.tls.existingSecret | default (include "sso.componentName" (dict "root" . "component" "cassandra-tls")) -}}
{{- end -}}
{{- define "sso.redisSecret" -}}
{{- .Values.redis.existingSecret | default (include "sso.componentName" (dict "root" . "component" "redis")) -}}
{{- end -}}
{{- define "sso.smtpSecret" -}}
{{- .Values.mail.smtp.existingSecret | default (include "sso.componentName" (dict "root" . "component" "smtp")) -}}
{{- end -}}
{{- define "sso.scimCursorKeySecret" -}}
{{- .Values.scimCursorKey.existingSecret | default (include "sso.componentName" (dict "root" . "component" "scim-cursor-key")) -}}
{{- end -}}

{{- define "sso.accessTokenKeysSecret" -}}
{{- .Values.accessTokenKeys.existingSecret | default (include "sso.componentName" (dict "root" . "component" "access-token-keys")) -}}
{{- end -}}
{{- define "sso.spKeysSecret" -}}
{{- .Values.spKeys.existingSecret | default (include "sso.componentName" (dict "root" . "component" "sp-keys")) -}}
{{- end -}}
{{/* The migration hook runs before the release's own Secrets exist, so it gets hook copies. */}}
{{- define "sso.migrateCassandraAuthSecret" -}}
{{- .Values.cassandra.auth.existingSecret | default (include "sso.componentName" (dict "root" . "component" "migrate-cassandra-auth")) -}}
{{- end -}}
{{- define "sso.migrateCassandraTlsSecret" -}}
{{- .Values.cassandra.tls.existingSecret | default (include "sso.componentName" (dict "root" . "component" "migrate-cassandra-tls")) -}}
{{- end -}}

{{- define "sso.accessTokenKeysEnabled" -}}
{{- if or .Values.accessTokenKeys.existingSecret .Values.accessTokenKeys.keys }}true{{ end -}}
{{- end -}}
{{- define "sso.spKeysEnabled" -}}
{{- if or .Values.spKeys.existingSecret (and .Values.spKeys.key .Values.spKeys.cert) }}true{{ end -}}
{{- end -}}

{{/* NetworkTopologyStrategy replicas per datacenter, as JSON; empty datacenters: replicationFactor in the local one. */}}
{{- define "sso.datacenters" -}}
{{- $c := .Values.cassandra -}}
{{- if $c.replication.datacenters -}}
{{- $c.replication.datacenters | toJson -}}
{{- else -}}
{{- dict $c.localDataCenter ($c.replication.replicationFactor | default 3 | int64) | toJson -}}
{{- end -}}
{{- end -}}

{{/* Mount points of secret files. */}}
{{- define "sso.paths.cassandraTls" -}}/etc/sso/cassandra-tls{{- end -}}
{{- define "sso.paths.accessTokenKeys" -}}/etc/sso/access-token-keys{{- end -}}
{{- define "sso.paths.spKeys" -}}/etc/sso/sp-keys{{- end -}}
{{- define "sso.paths.samlMetadataCa" -}}/etc/sso/saml-metadata-ca{{- end -}}

{{/*
Checks that cannot be said in values.schema.json. Included by every template that needs them, so
`helm template` fails with a message naming the key.
*/}}
{{- define "sso.validate" -}}
{{- $c := .Values.cassandra -}}
{{- if eq $c.replication.class "NetworkTopologyStrategy" -}}
{{- if not (hasKey (include "sso.datacenters" . | fromJson) $c.localDataCenter) -}}
{{- fail (printf "cassandra.replication.datacenters must name cassandra.localDataCenter (%s)" $c.localDataCenter) -}}
{{- end -}}
{{- end -}}
{{- if and $c.auth.enabled (not $c.auth.existingSecret) (or (not $c.auth.username) (not $c.auth.password)) -}}
{{- fail "cassandra.auth.enabled needs cassandra.auth.username and cassandra.auth.password, or cassandra.auth.existingSecret" -}}
{{- end -}}
{{- $smtp := .Values.mail.smtp -}}
{{- if and $smtp.username (not $smtp.existingSecret) (not $smtp.password) -}}
{{- fail "mail.smtp.username needs mail.smtp.password, or mail.smtp.existingSecret" -}}
{{- end -}}
{{- if and $c.tls.clientAuth (not $c.tls.existingSecret) (or (not $c.tls.cert) (not $c.tls.key)) -}}
{{- fail "cassandra.tls.clientAuth needs cassandra.tls.cert and cassandra.tls.key, or cassandra.tls.existingSecret" -}}
{{- end -}}
{{- if and (eq .Values.redis.mode "sentinel") (or (not .Values.redis.sentinelMasterName) (not .Values.redis.nodes)) -}}
{{- fail "redis.mode sentinel needs redis.sentinelMasterName and redis.nodes" -}}
{{- end -}}
{{- if and (eq .Values.redis.mode "cluster") (not .Values.redis.nodes) -}}
{{- fail "redis.mode cluster needs redis.nodes" -}}
{{- end -}}
{{- if and (not .Values.spKeys.existingSecret) (or .Values.spKeys.key .Values.spKeys.cert) (not (and .Values.spKeys.key .Values.spKeys.cert)) -}}
{{- fail "spKeys.key and spKeys.cert go together" -}}
{{- end -}}
{{- /* What production needs and the defaults leave empty (after the checks above, which name a mistake in given values). */ -}}
{{- if not .Values.config.publicUrl -}}
{{- fail "config.publicUrl is required: the public base URL clients reach, e.g. https://sso.example.com (SAML entity ids, ACS URLs and SCIM locations derive from it)" -}}
{{- end -}}
{{- if eq .Values.config.env "production" -}}
{{- if not (include "sso.accessTokenKeysEnabled" .) -}}
{{- fail "accessTokenKeys is required in production: set accessTokenKeys.keys (a key file; `npm run --silent keys -- access-token` prints one) or accessTokenKeys.existingSecret (saml-sp and token-admin sign access tokens with it)" -}}
{{- end -}}
{{- if not (or .Values.scimCursorKey.value .Values.scimCursorKey.existingSecret) -}}
{{- fail "scimCursorKey is required in production: set scimCursorKey.value (16+ characters, e.g. `openssl rand -base64 32`) or scimCursorKey.existingSecret (every scim-api replica must sign SCIM cursors with the same key)" -}}
{{- end -}}
{{- end -}}
{{- $hosts := list -}}
{{- range .Values.saml.domains -}}
{{- if has .host $hosts -}}
{{- fail (printf "saml.domains lists host %s twice (one SP per host)" .host) -}}
{{- end -}}
{{- $hosts = append $hosts .host -}}
{{- end -}}
{{- range $app, $cfg := .Values.apps -}}
{{- if eq ($cfg.port | int) ($cfg.internalPort | int) -}}
{{- fail (printf "apps.%s.internalPort must differ from apps.%s.port (internal routes are never served on the public port)" $app $app) -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/*
Non-secret configuration shared by every app and the migration job, as a YAML map of environment
variables. The names are those of envBindings in libs/config/src/load.ts.
*/}}
{{- define "sso.configEnv" -}}
{{- $c := .Values.cassandra -}}
APP_ENV: {{ .Values.config.env | quote }}
LOG_LEVEL: {{ .Values.config.logLevel | quote }}
HTTP_HOST: "0.0.0.0"
HTTP_BODY_LIMIT: {{ .Values.config.http.bodyLimit | int64 | toString | quote }}
HTTP_SHUTDOWN_GRACE_SECONDS: {{ .Values.config.http.shutdownGraceSeconds | int64 | toString | quote }}
HTTP_DRAIN_SECONDS: {{ .Values.config.http.drainSeconds | int64 | toString | quote }}
HTTP_TRUST_PROXY: {{ .Values.config.http.trustProxy | toString | quote }}
SAML_SP_SSO_URI: {{ printf "%s/sso" .Values.config.publicUrl | quote }}
SAML_SP_APP_URI: {{ printf "%s/" .Values.config.publicUrl | quote }}
SCIM_BASE_URI: {{ printf "%s/scim/v2" .Values.config.publicUrl | quote }}
MAX_SCIM_TOKENS: {{ .Values.config.maxScimTokens | int64 | toString | quote }}
SCIM_PATCH_RESPONSE: {{ .Values.config.scimPatchResponse | quote }}
SCIM_TOKEN_CACHE_SECONDS: {{ .Values.config.scimTokens.cacheSeconds | int64 | toString | quote }}
SCIM_USER_CACHE_SECONDS: {{ .Values.config.scimUserCache.seconds | int64 | toString | quote }}
SCIM_USER_CACHE_ENTRIES: {{ .Values.config.scimUserCache.entries | int64 | toString | quote }}
SCIM_TOKEN_RATE_LIMIT: {{ .Values.config.scimTokens.rateLimit | int64 | toString | quote }}
SCIM_TOKEN_RATE_BURST: {{ .Values.config.scimTokens.rateBurst | int64 | toString | quote }}
SCIM_TOKEN_MAX_LIFETIME_DAYS: {{ .Values.config.scimTokens.maxLifetimeDays | int64 | toString | quote }}
SCIM_TOKEN_EXPIRY_WARNING_DAYS: {{ .Values.config.scimTokens.expiryWarningDays | int64 | toString | quote }}
SCIM_BULK_MAX_OPERATIONS: {{ .Values.config.scimBulk.maxOperations | int64 | toString | quote }}
SCIM_BULK_MAX_PAYLOAD_SIZE: {{ .Values.config.scimBulk.maxPayloadSize | int64 | toString | quote }}
DEFAULT_LOCALE: {{ .Values.config.defaultLocale | quote }}
DNS_SERVERS: {{ join "," .Values.config.dnsServers | quote }}
FEATURE_SSO: {{ .Values.config.features.sso | quote }}
ACTIVITY_TTL_DAYS: {{ .Values.config.activity.ttlDays | int64 | toString | quote }}
ACTIVITY_BATCH_DELAY_MS: {{ .Values.config.activity.batchDelayMs | int64 | toString | quote }}
FEATURE_VALIDATE_SAML_EMAILS: {{ .Values.config.features.validateSAMLemails | quote }}
INVITATION_TIMEOUT_SECONDS: {{ .Values.config.invitations.timeoutSeconds | int64 | toString | quote }}
ACTIVATION_TIMEOUT_SECONDS: {{ .Values.config.invitations.activationTimeoutSeconds | int64 | toString | quote }}
CASSANDRA_CONTACT_POINTS: {{ join "," $c.contactPoints | quote }}
CASSANDRA_LOCAL_DATACENTER: {{ $c.localDataCenter | quote }}
CASSANDRA_KEYSPACE_SPAR: {{ $c.keyspaces.spar | quote }}
CASSANDRA_KEYSPACE_BRIG: {{ $c.keyspaces.brig | quote }}
CASSANDRA_KEYSPACE_GALLEY: {{ $c.keyspaces.galley | quote }}
{{- if eq $c.replication.class "NetworkTopologyStrategy" }}
CASSANDRA_REPLICATION: {{ dict "class" "NetworkTopologyStrategy" "datacenters" (include "sso.datacenters" . | fromJson) | toJson | quote }}
{{- else }}
CASSANDRA_REPLICATION: {{ dict "class" "SimpleStrategy" "replicationFactor" ($c.replication.replicationFactor | int64) | toJson | quote }}
{{- end }}
CASSANDRA_CONSISTENCY: {{ $c.consistency | quote }}
CASSANDRA_SERIAL_CONSISTENCY: {{ $c.serialConsistency | quote }}
CASSANDRA_REQUEST_TIMEOUT_MS: {{ $c.requestTimeoutMs | int64 | toString | quote }}
CASSANDRA_TLS_ENABLED: {{ $c.tls.enabled | toString | quote }}
{{- if $c.tls.enabled }}
CASSANDRA_TLS_REJECT_UNAUTHORIZED: {{ $c.tls.rejectUnauthorized | toString | quote }}
{{- if or $c.tls.existingSecret $c.tls.ca }}
CASSANDRA_TLS_CA_FILE: {{ printf "%s/ca.crt" (include "sso.paths.cassandraTls" .) | quote }}
{{- end }}
{{- if $c.tls.clientAuth }}
CASSANDRA_TLS_CERT_FILE: {{ printf "%s/tls.crt" (include "sso.paths.cassandraTls" .) | quote }}
CASSANDRA_TLS_KEY_FILE: {{ printf "%s/tls.key" (include "sso.paths.cassandraTls" .) | quote }}
{{- end }}
{{- end }}
REDIS_MODE: {{ .Values.redis.mode | quote }}
{{- with .Values.redis.sentinelMasterName }}
REDIS_SENTINEL_MASTER_NAME: {{ . | quote }}
{{- end }}
{{- with .Values.redis.nodes }}
REDIS_NODES: {{ join "," . | quote }}
{{- end }}
{{- end -}}

{{/*
The hosts the Ingress has rules for: ingress.hosts, then (with saml.domains) the host of
config.publicUrl, which SCIM_BASE_URI and the other base URIs point at, then every multi-ingress
host, each once; empty = any host.
*/}}
{{- define "sso.ingressHosts" -}}
{{- $hosts := .Values.ingress.hosts | default list -}}
{{- if .Values.saml.domains -}}
{{- $publicHost := (urlParse .Values.config.publicUrl).hostname | lower -}}
{{- if and $publicHost (not (has $publicHost $hosts)) -}}
{{- $hosts = append $hosts $publicHost -}}
{{- end -}}
{{- end -}}
{{- range .Values.saml.domains -}}
{{- if not (has .host $hosts) -}}
{{- $hosts = append $hosts .host -}}
{{- end -}}
{{- end -}}
{{- toJson $hosts -}}
{{- end -}}

{{/* One app's ConfigMap data: the shared configuration, its port, and the paths of its key files. dict: root, app, cfg */}}
{{- define "sso.appConfigData" -}}
{{- $root := .root -}}
{{ include "sso.configEnv" $root }}
{{ include "sso.portEnv" .app }}: {{ .cfg.port | int64 | toString | quote }}
{{ include "sso.internalPortEnv" .app }}: {{ .cfg.internalPort | int64 | toString | quote }}
{{- if and (include "sso.usesAccessTokenKeys" .app) (include "sso.accessTokenKeysEnabled" $root) }}
ACCESS_TOKEN_KEYS_FILE: {{ printf "%s/keys" (include "sso.paths.accessTokenKeys" $root) | quote }}
{{- end }}
{{- if eq .app "saml-sp" }}
{{- $s := $root.Values.saml }}
SAML_CLOCK_SKEW_SECONDS: {{ $s.clockSkewSeconds | int64 | toString | quote }}
SAML_MAXTTL_AUTHREQ: {{ $s.maxttlAuthreq | int64 | toString | quote }}
SAML_MAXTTL_AUTHRESP: {{ $s.maxttlAuthresp | int64 | toString | quote }}
SAML_IDP_CACHE_SECONDS: {{ $s.idpCacheSeconds | int64 | toString | quote }}
SAML_ENABLE_IDP_BY_EMAIL_DISCOVERY: {{ $s.enableIdPByEmailDiscovery | toString | quote }}
SAML_METADATA_REFRESH_SECONDS: {{ $s.metadataRefreshSeconds | int64 | toString | quote }}
SAML_PUBLISH_ENCRYPTION_KEY: {{ $s.publishEncryptionKey | toString | quote }}
{{- with $s.domains }}
{{- $m := dict }}
{{- range . }}
{{- $_ := set $m .host (dict "spSsoUri" (.spSsoUri | default (printf "%s/sso" .publicUrl)) "spAppUri" (.spAppUri | default (printf "%s/" .publicUrl)) "contacts" (.contacts | default list)) }}
{{- end }}
SAML_SP_DOMAIN_CONFIGS: {{ $m | toJson | quote }}
{{- end }}
{{- if $s.metadataCa }}
SAML_METADATA_CA_FILE: {{ printf "%s/ca.pem" (include "sso.paths.samlMetadataCa" $root) | quote }}
{{- end }}
{{- end }}
{{- if eq .app "scim-api" }}
{{- /* scim-api reads a token's IdP and the team's validateSAMLemails through the same cache. */}}
SAML_IDP_CACHE_SECONDS: {{ $root.Values.saml.idpCacheSeconds | int64 | toString | quote }}
{{- end }}
{{- if eq .app "token-admin" }}
{{- $m := $root.Values.mail }}
MAIL_FROM: {{ $m.from | quote }}
MAIL_LINK_BASE_URL: {{ $m.linkBaseUrl | default $root.Values.config.publicUrl | quote }}
MAIL_RESET_LINK_TTL_SECONDS: {{ $m.passwordResetTtlSeconds | int64 | toString | quote }}
MAIL_WORKER_ENABLED: {{ ternary "true" "false" (not (empty $m.smtp.host)) | quote }}
{{- with $m.smtp.host }}
MAIL_SMTP_HOST: {{ . | quote }}
{{- end }}
MAIL_SMTP_PORT: {{ $m.smtp.port | int64 | toString | quote }}
MAIL_SMTP_TLS: {{ $m.smtp.tls | quote }}
MAIL_SMTP_REJECT_UNAUTHORIZED: {{ $m.smtp.rejectUnauthorized | toString | quote }}
MAIL_SMTP_TIMEOUT_MS: {{ $m.smtp.timeoutMs | int64 | toString | quote }}
{{- with $m.smtp.username }}
MAIL_SMTP_USERNAME: {{ . | quote }}
{{- end }}
MAIL_WORKER_INTERVAL_MS: {{ $m.worker.intervalMs | int64 | toString | quote }}
MAIL_WORKER_MAX_ATTEMPTS: {{ $m.worker.maxAttempts | int64 | toString | quote }}
MAIL_WORKER_BACKOFF_BASE_SECONDS: {{ $m.worker.backoffBaseSeconds | int64 | toString | quote }}
MAIL_WORKER_BACKOFF_MAX_SECONDS: {{ $m.worker.backoffMaxSeconds | int64 | toString | quote }}
MAIL_WORKER_LEASE_SECONDS: {{ $m.worker.leaseSeconds | int64 | toString | quote }}
{{- end }}
{{- if and (include "sso.usesSpKeys" .app) (include "sso.spKeysEnabled" $root) }}
SAML_SP_KEY_FILE: {{ printf "%s/sp.key" (include "sso.paths.spKeys" $root) | quote }}
SAML_SP_CERT_FILE: {{ printf "%s/sp.crt" (include "sso.paths.spKeys" $root) | quote }}
{{- end }}
{{- end -}}

{{/* Environment variables that come from Secrets (never from a ConfigMap). dict: root, migrate (bool) */}}
{{- define "sso.secretEnv" -}}
{{- $root := .root -}}
{{- $c := $root.Values.cassandra -}}
{{- if $c.auth.enabled }}
- name: CASSANDRA_USERNAME
  valueFrom:
    secretKeyRef:
      name: {{ ternary (include "sso.migrateCassandraAuthSecret" $root) (include "sso.cassandraAuthSecret" $root) (.migrate | default false) }}
      key: {{ $c.auth.usernameKey }}
- name: CASSANDRA_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ ternary (include "sso.migrateCassandraAuthSecret" $root) (include "sso.cassandraAuthSecret" $root) (.migrate | default false) }}
      key: {{ $c.auth.passwordKey }}
{{- end }}
{{- if and (eq (.app | default "") "scim-api") (or $root.Values.scimCursorKey.value $root.Values.scimCursorKey.existingSecret) }}
- name: SCIM_CURSOR_KEY
  valueFrom:
    secretKeyRef:
      name: {{ include "sso.scimCursorKeySecret" $root }}
      key: {{ $root.Values.scimCursorKey.secretKey }}
{{- end }}
{{- if and (eq (.app | default "") "token-admin") $root.Values.mail.smtp.username }}
- name: MAIL_SMTP_PASSWORD
  valueFrom:
    secretKeyRef:
      name: {{ include "sso.smtpSecret" $root }}
      key: {{ $root.Values.mail.smtp.passwordKey }}
{{- end }}
{{- if and (not .migrate) (include "sso.usesRedis" (.app | default "")) }}
- name: REDIS_URL
  valueFrom:
    secretKeyRef:
      name: {{ include "sso.redisSecret" $root }}
      key: {{ $root.Values.redis.urlKey }}
{{- end }}
{{- end -}}

{{/* The Cassandra TLS volume, when TLS files are mounted. dict: root, migrate (bool) */}}
{{- define "sso.cassandraTlsVolume" -}}
{{- $c := .root.Values.cassandra -}}
{{- if and $c.tls.enabled (or $c.tls.existingSecret $c.tls.ca $c.tls.clientAuth) }}
- name: cassandra-tls
  secret:
    secretName: {{ ternary (include "sso.migrateCassandraTlsSecret" .root) (include "sso.cassandraTlsSecret" .root) (.migrate | default false) }}
    defaultMode: 0440
    items:
      {{- if or $c.tls.existingSecret $c.tls.ca }}
      - key: {{ $c.tls.caKey }}
        path: ca.crt
      {{- end }}
      {{- if $c.tls.clientAuth }}
      - key: {{ $c.tls.certKey }}
        path: tls.crt
      - key: {{ $c.tls.keyKey }}
        path: tls.key
      {{- end }}
{{- end }}
{{- end -}}

{{- define "sso.cassandraTlsMount" -}}
{{- $c := .Values.cassandra -}}
{{- if and $c.tls.enabled (or $c.tls.existingSecret $c.tls.ca $c.tls.clientAuth) }}
- name: cassandra-tls
  mountPath: {{ include "sso.paths.cassandraTls" . }}
  readOnly: true
{{- end }}
{{- end -}}

{{/* Pod-level scheduling settings shared by the apps and the job. */}}
{{- define "sso.podScheduling" -}}
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
{{- with .Values.priorityClassName }}
priorityClassName: {{ . }}
{{- end }}
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
{{- end -}}
