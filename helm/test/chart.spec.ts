// The Helm chart: lint, render (defaults and every helm/sso/ci/*.yaml), validate against the
// Kubernetes API schemas offline, and check the contract with the apps. Fails, never skips, when
// helm cannot be had.
import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkChart, ensureHelm, lint, render, repoRoot, requiredValuesFile, valuesSets } from '../../tools/helm/helm.mjs';
import { inSync } from '../../tools/helm/sync-routes.mjs';
import { validateManifests } from '../../tools/helm/validate.mjs';
import { envBindings, loadConfig } from '../../libs/config/src/load';
import routeTable from '../../libs/config/src/routes.json';
import { routeFor } from '../../libs/config/src/routes';

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; annotations?: Record<string, string> }; [k: string]: any };

/** Env vars the chart sets that later issues will add to envBindings (docs/operations.md lists them). */
const futureEnv: string[] = [];
const apps = { 'saml-sp': 8081, 'scim-api': 8082, 'token-admin': 8083 } as const;
const internalPorts = { 'saml-sp': 9081, 'scim-api': 9082, 'token-admin': 9083 } as const;
const secretEnv = ['CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD', 'REDIS_URL', 'SCIM_CURSOR_KEY', 'MAIL_SMTP_PASSWORD'];

let helm: string;
const renders = new Map<string, K8sObject[]>();
const rendered = (name: string): K8sObject[] => renders.get(name)!;
const ofKind = (objs: K8sObject[], kind: string) => objs.filter((o) => o.kind === kind);
const podSpecs = (objs: K8sObject[]) =>
  objs.filter((o) => o.kind === 'Deployment' || o.kind === 'Job').map((o) => ({ owner: o, spec: o.spec.template.spec }));

beforeAll(() => {
  helm = ensureHelm(); // throws (fails the suite) when helm can be neither found nor built
  for (const set of valuesSets()) renders.set(set.name, render(helm, set.files));
}, 900_000);

describe('helm chart', () => {
  it('lints with --strict, renders and validates against the Kubernetes and ServiceMonitor schemas', () => {
    expect(valuesSets().map((s: { name: string }) => s.name)).toEqual(['defaults', 'production-values.yaml']);
    expect(checkChart(helm)).toEqual([]);
    expect(ofKind(rendered('production-values.yaml'), 'ServiceMonitor')).toHaveLength(3);
  });

  it('the validator catches what it should (so a green run means something)', () => {
    const deploy = structuredClone(ofKind(rendered('defaults'), 'Deployment')[0]);
    deploy.spec.template.spec.containers[0].readinessProbe.httpget = { path: '/x' };
    deploy.spec.replicas = 'two';
    const sm = structuredClone(ofKind(rendered('production-values.yaml'), 'ServiceMonitor')[0]);
    sm.spec.endpoints[0].pathh = '/i/metrics';
    const errs = validateManifests([deploy, sm, { apiVersion: 'example.com/v1', kind: 'Nope', metadata: { name: 'x' } }]);
    expect(errs.join('\n')).toMatch(/readinessProbe\/httpget: unknown field/);
    expect(errs.join('\n')).toMatch(/\/spec\/replicas: must be integer/);
    expect(errs.join('\n')).toMatch(/endpoints\/0\/pathh: unknown field/);
    expect(errs.join('\n')).toMatch(/no schema for apiVersion example.com\/v1/);
  });

  it('rejects bad values with a message naming the key', () => {
    expect(lint(helm, [], ['--set', 'apps.saml-sp.porrt=1']).output).toMatch(/porrt/);
    expect(() => render(helm, [], ['--set', 'cassandra.localDataCenter=dc9', '--set', 'cassandra.replication.datacenters.dc2=3'])).toThrow(
      /localDataCenter/,
    );
    expect(() => render(helm, [], ['--set', 'cassandra.auth.enabled=true'])).toThrow(/cassandra.auth/);
    expect(() => render(helm, [], ['--set', 'redis.mode=sentinel'])).toThrow(/sentinelMasterName/);
    expect(() => render(helm, [requiredValuesFile], ['--set', 'apps.scim-api.internalPort=8082'])).toThrow(
      /apps\.scim-api\.internalPort must differ/,
    );
  });

  it('refuses to render a production install that lacks a value it needs, naming the value (never a crash-looping pod)', () => {
    const url = ['--set', 'config.publicUrl=https://sso.example.org'];
    expect(() => render(helm)).toThrow(/config\.publicUrl is required/);
    expect(() => render(helm, [], url)).toThrow(/accessTokenKeys is required in production.*accessTokenKeys\.existingSecret/);
    expect(() => render(helm, [], [...url, '--set', 'accessTokenKeys.existingSecret=my-keys'])).toThrow(
      /scimCursorKey is required in production/,
    );
    expect(() => render(helm, [], [...url, '--set', 'accessTokenKeys.existingSecret=k', '--set', 'scimCursorKey.value=short'])).toThrow(
      /scimCursorKey/,
    );
    expect(() => render(helm, [], [...url, '--set', 'config.publicUrl=https://x.example/'])).toThrow(/publicUrl/);
    expect(
      render(helm, [], [...url, '--set', 'accessTokenKeys.existingSecret=k', '--set', 'scimCursorKey.existingSecret=c']).length,
    ).toBeGreaterThan(10);
    // Outside production the apps make ephemeral keys themselves: only the URL is needed.
    expect(render(helm, [], [...url, '--set', 'config.env=development']).length).toBeGreaterThan(10);
  });

  it('reads its routes from a copy of libs/config/src/routes.json that is in sync', () => {
    expect(inSync(), 'run: node tools/helm/sync-routes.mjs').toBe(true);
    expect(JSON.parse(fs.readFileSync(path.join(repoRoot, 'helm/sso/files/routes.json'), 'utf8'))).toEqual(routeTable);
  });
});

describe.each(['defaults', 'production-values.yaml'])('chart contract (%s)', (set) => {
  const objs = () => rendered(set);
  const serviceFor = (app: string) => ofKind(objs(), 'Service').find((s) => s.metadata.name.endsWith(`-${app}`))!;

  it('has a Deployment, Service, ConfigMap and PodDisruptionBudget per app', () => {
    for (const [app, port] of Object.entries(apps)) {
      for (const kind of ['Deployment', 'Service', 'ConfigMap', 'PodDisruptionBudget'])
        expect(
          ofKind(objs(), kind).map((o) => o.metadata.name),
          `${kind} ${app}`,
        ).toContain(`sso-${app}`);
      // The public Service carries the public port only; the internal one only the internal port.
      expect(serviceFor(app).spec.ports).toEqual([expect.objectContaining({ name: 'http', port, targetPort: 'http' })]);
      const internal = ofKind(objs(), 'Service').find((s) => s.metadata.name === `sso-${app}-internal`)!;
      expect(internal.spec.ports).toEqual([
        expect.objectContaining({ name: 'internal', port: internalPorts[app as keyof typeof apps], targetPort: 'internal' }),
      ]);
      expect(internal.spec.type).toBe('ClusterIP');
      const deploy = ofKind(objs(), 'Deployment').find((d) => d.metadata.name === `sso-${app}`)!;
      expect(deploy.spec.template.spec.containers[0].ports).toEqual([
        expect.objectContaining({ name: 'http', containerPort: port }),
        expect.objectContaining({ name: 'internal', containerPort: internalPorts[app as keyof typeof apps] }),
      ]);
    }
  });

  it('renders a NetworkPolicy per app: the public port from the ingress controller, the internal port only from labelled pods, Prometheus and probes', () => {
    const policies = ofKind(objs(), 'NetworkPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toEqual(
      Object.keys(apps)
        .map((a) => `sso-${a}`)
        .sort(),
    );
    for (const p of policies) {
      expect(p.spec.policyTypes).toContain('Ingress');
      const rules = p.spec.ingress as Array<{ from: unknown[]; ports: Array<{ port: string }> }>;
      expect(rules.map((r) => r.ports.map((x) => x.port))).toEqual([['http'], ['internal']]);
      for (const r of rules) expect(r.from.length, 'an empty from admits everyone').toBeGreaterThan(0);
      const [pub, internal] = rules;
      expect(pub.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } });
      expect(internal.from).toContainEqual({ podSelector: { matchLabels: { 'sso.wire.com/internal-client': 'true' } } });
      expect(internal.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } });
      expect(internal.from).not.toContainEqual(
        expect.objectContaining({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }),
      );
    }
  });

  it('the ingress routes exactly the public prefixes, each also under /v0../v16, and never /i/', () => {
    const [ingress] = ofKind(objs(), 'Ingress');
    const paths = ingress.spec.rules.flatMap((r: any) => r.http.paths);
    const regex = paths[0].pathType === 'ImplementationSpecific';
    if (regex) expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/use-regex']).toBe('true');
    // Which backend serves a request path, as ingress-nginx would decide (regex: ^-anchored, case-insensitive).
    const routeOf = (p: string): string | undefined => {
      const hit = paths
        .filter((x: any) => (regex ? new RegExp(`^${x.path}`, 'i').test(p) : p === x.path || p.startsWith(`${x.path}/`)))
        .sort((a: any, b: any) => b.path.length - a.path.length)[0];
      return hit?.backend.service.name.replace(/^sso-/, '');
    };
    const expected = routeTable.routes;
    if (!regex) {
      const want = expected.flatMap((r) => [r.prefix, ...Array.from({ length: 17 }, (_, v) => `/v${v}${r.prefix}`)]);
      expect(new Set(paths.map((p: any) => p.path))).toEqual(new Set(want));
      expect(paths.every((p: any) => p.pathType === 'Prefix')).toBe(true);
    } else {
      expect(paths).toHaveLength(expected.length * ingress.spec.rules.length);
    }
    for (const r of expected) {
      for (const p of [r.prefix, `${r.prefix}/x`, `/v0${r.prefix}`, `/v7${r.prefix}/a/b`, `/v16${r.prefix}`])
        expect(routeOf(p), p).toBe(r.app);
      // Not this route; a route it is nested in (/api-docs/saml-spx: /api-docs) as the gateway decides.
      expect(routeOf(`${r.prefix}x`), `${r.prefix}x`).toBe(routeFor(`${r.prefix}x`));
      expect(routeOf(`/v17${r.prefix}`), `/v17${r.prefix}`).toBeUndefined();
    }
    // Nested prefixes: the longest wins, as in the gateway's table (first match).
    for (const [p, app] of [
      ['/api-docs', 'token-admin'],
      ['/api-docs/', 'token-admin'],
      ['/v7/api-docs', 'token-admin'],
      ['/api-docs/saml-sp', 'saml-sp'],
      ['/api-docs/saml-sp/assets/swagger-ui.css', 'saml-sp'],
      ['/api-docs/scim-api/openapi.json', 'scim-api'],
      ['/api-docs/token-admin', 'token-admin'],
    ])
      expect(routeOf(p), p).toBe(app);
    for (const p of [
      '/i/status',
      '/i/metrics',
      '/i/teams/00000000-0000-0000-0000-000000000001',
      '/i/identity-providers/00000000-0000-0000-0000-000000000001',
      '/i/scim/userinfo/00000000-0000-0000-0000-000000000001',
      '/v7/i/status',
      '/',
      '/unknown',
    ])
      expect(routeOf(p), p).toBeUndefined();
    for (const p of paths) {
      expect(p.backend.service.port).toEqual({ name: 'http' });
      expect(p.backend.service.name).not.toMatch(/-internal$/);
      expect(p.path).not.toMatch(/^\/i(\/|$)/);
    }
  });

  it('every app has startup/readiness probes on /i/status, a liveness probe, resources and a locked-down security context', () => {
    for (const { owner, spec } of podSpecs(objs())) {
      expect(spec.securityContext, owner.metadata.name).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
      expect(spec.automountServiceAccountToken).toBe(false);
      for (const c of spec.containers) {
        expect(c.securityContext, c.name).toMatchObject({
          runAsNonRoot: true,
          allowPrivilegeEscalation: false,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        });
        expect(c.resources?.requests?.cpu && c.resources?.requests?.memory, c.name).toBeTruthy();
        expect(c.volumeMounts).toContainEqual(expect.objectContaining({ name: 'tmp', mountPath: '/tmp' }));
        if (owner.kind === 'Job') continue;
        expect(c.startupProbe?.httpGet, c.name).toMatchObject({ path: '/i/status', port: 'internal' });
        expect(c.readinessProbe?.httpGet, c.name).toMatchObject({ path: '/i/status', port: 'internal' });
        expect(c.livenessProbe, c.name).toBeTruthy();
      }
    }
  });

  it('pods roll when configuration changes', () => {
    for (const d of ofKind(objs(), 'Deployment'))
      expect(Object.keys(d.spec.template.metadata.annotations)).toEqual(expect.arrayContaining(['checksum/config', 'checksum/secrets']));
  });

  it('runs the migrations as a pre-install/pre-upgrade hook Job', () => {
    const [job] = ofKind(objs(), 'Job');
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
    expect(job.spec.template.spec.restartPolicy).toBe('Never');
    // Hook Secrets the Job reads must be hooks too, created before it (the release's own do not exist yet).
    const jobSecrets = job.spec.template.spec.containers[0].env.flatMap((e: any) => e.valueFrom?.secretKeyRef?.name ?? []);
    for (const name of jobSecrets) {
      const s = ofKind(objs(), 'Secret').find((x) => x.metadata.name === name);
      if (s) expect(Number(s.metadata.annotations?.['helm.sh/hook-weight'])).toBeLessThan(0);
    }
  });

  it('never puts secrets in ConfigMaps or plain env values', () => {
    const secretValues = ofKind(objs(), 'Secret')
      .flatMap((s) => Object.values<string>(s.data ?? {}).map((v) => Buffer.from(v, 'base64').toString().trim()))
      .filter((v) => v.length >= 4);
    const plain = [
      ...ofKind(objs(), 'ConfigMap').flatMap((c) => Object.entries<string>(c.data ?? {})),
      ...podSpecs(objs()).flatMap(({ spec }) =>
        spec.containers.flatMap((c: any) => (c.env ?? []).filter((e: any) => 'value' in e).map((e: any) => [e.name, e.value])),
      ),
    ];
    for (const [key, value] of plain) {
      expect(secretEnv, key).not.toContain(key);
      expect(key).not.toMatch(/PASSWORD|SECRET|PRIVATE/);
      for (const s of secretValues) expect(value.includes(s), key).toBe(false);
    }
  });

  it('sets only environment variables the apps know (envBindings) or the documented future keys', () => {
    const known = new Set([...envBindings.map((b) => b.env), ...futureEnv]);
    // The ConfigMaps the pods take their environment from (others are mounted as files).
    const envMaps = new Set(
      podSpecs(objs()).flatMap(({ spec }) => spec.containers.flatMap((c: any) => (c.envFrom ?? []).map((e: any) => e.configMapRef?.name))),
    );
    const names = [
      ...ofKind(objs(), 'ConfigMap')
        .filter((c) => envMaps.has(c.metadata.name))
        .flatMap((c) => Object.keys(c.data ?? {})),
      ...podSpecs(objs()).flatMap(({ spec }) => spec.containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.name))),
    ];
    expect(names.filter((n) => !known.has(n))).toEqual([]);
    for (const n of futureEnv)
      expect(
        envBindings.map((b) => b.env),
        `${n} is in envBindings now: drop it from futureEnv`,
      ).not.toContain(n);
  });
});

describe.each(['defaults', 'production-values.yaml'])('internal port and least privilege (%s)', (set) => {
  const objs = () => rendered(set);
  it('scrapes /i/metrics on the internal port through the internal Service only', () => {
    const monitors = ofKind(rendered('production-values.yaml'), 'ServiceMonitor');
    for (const m of monitors) {
      expect(m.spec.endpoints).toEqual([expect.objectContaining({ port: 'internal', path: '/i/metrics' })]);
      const services = ofKind(rendered('production-values.yaml'), 'Service').filter((s) =>
        Object.entries<string>(m.spec.selector.matchLabels).every(([k, v]) => s.metadata.labels?.[k] === v),
      );
      expect(services.map((s) => s.metadata.name)).toEqual([`${m.metadata.name}-internal`]);
    }
  });

  it('gives the access-token keys to saml-sp and token-admin only, and each app its internal port variable', () => {
    for (const app of Object.keys(apps)) {
      const deploy = ofKind(objs(), 'Deployment').find((d) => d.metadata.name === `sso-${app}`)!;
      const cm = ofKind(objs(), 'ConfigMap').find((c) => c.metadata.name === `sso-${app}`)!.data;
      const mounts = deploy.spec.template.spec.containers[0].volumeMounts.map((m: any) => m.name);
      const signs = app !== 'scim-api';
      expect(mounts.includes('access-token-keys'), app).toBe(signs);
      expect('ACCESS_TOKEN_KEYS_FILE' in cm, app).toBe(signs);
      const internalVar = {
        'saml-sp': 'SAML_SP_INTERNAL_PORT',
        'scim-api': 'SCIM_API_INTERNAL_PORT',
        'token-admin': 'TOKEN_ADMIN_INTERNAL_PORT',
      }[app]!;
      expect(cm[internalVar]).toBe(String(internalPorts[app as keyof typeof apps]));
    }
  });
});

describe('NetworkPolicy without internal peers', () => {
  it('leaves the internal rule out rather than admitting everyone', () => {
    const objs = render(
      helm,
      [requiredValuesFile],
      ['--set', 'networkPolicy.internalFrom=null', '--set', 'networkPolicy.metricsFrom=null'],
    );
    for (const p of ofKind(objs, 'NetworkPolicy')) expect(p.spec.ingress.map((r: any) => r.ports[0].port)).toEqual(['http']);
  });
});

describe('chart contract (production settings)', () => {
  const objs = () => rendered('production-values.yaml');
  it('configures Cassandra for production: contact points, local DC, NetworkTopologyStrategy, TLS, auth; Redis sentinel', () => {
    const cm = ofKind(objs(), 'ConfigMap').find((c) => c.metadata.name === 'sso-scim-api')!.data;
    expect(cm.CASSANDRA_CONTACT_POINTS.split(',')).toHaveLength(3);
    expect(cm.CASSANDRA_LOCAL_DATACENTER).toBe('dc1');
    expect(JSON.parse(cm.CASSANDRA_REPLICATION)).toEqual({ class: 'NetworkTopologyStrategy', datacenters: { dc1: 3, dc2: 3 } });
    expect(cm).toMatchObject({ CASSANDRA_TLS_ENABLED: 'true', CASSANDRA_TLS_CA_FILE: expect.any(String), REDIS_MODE: 'sentinel' });
    const envOf = (app: string) =>
      ofKind(objs(), 'Deployment')
        .find((d) => d.metadata.name === `sso-${app}`)!
        .spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(envOf('scim-api')).toEqual(expect.arrayContaining(['CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD', 'SCIM_CURSOR_KEY']));
    // token-admin rate-limits logins and discovery, saml-sp discovery on /sso/login; every app stamps
    // the SCIM user views it writes and scim-api validates its user cache (docs/decisions.md, "Validated SCIM user cache").
    expect(envOf('scim-api')).toContain('REDIS_URL');
    expect(envOf('saml-sp')).toContain('REDIS_URL');
    expect(envOf('token-admin')).toEqual(expect.arrayContaining(['CASSANDRA_USERNAME', 'CASSANDRA_PASSWORD', 'REDIS_URL']));
    // existingSecret alternatives: no chart Secret for what the operator provides.
    const secrets = ofKind(objs(), 'Secret').map((s) => s.metadata.name);
    expect(secrets).not.toContain('sso-redis');
    expect(secrets).not.toContain('sso-access-token-keys');
    expect(secrets).toContain('sso-sp-keys');
    const saml = ofKind(objs(), 'Deployment').find((d) => d.metadata.name === 'sso-saml-sp')!;
    const vols = saml.spec.template.spec.volumes.map((v: any) => v.secret?.secretName).filter(Boolean);
    expect(vols).toEqual(expect.arrayContaining(['cassandra-client-tls', 'sso-access-token-keys', 'sso-sp-keys']));
  });
  it('passes the saml values (and the sso feature default) to saml-sp only (the IdP cache also to scim-api), and mounts the metadata CA from its own ConfigMap', () => {
    const objs = rendered('production-values.yaml');
    const cm = (name: string) => ofKind(objs, 'ConfigMap').find((c) => c.metadata.name === name)?.data ?? {};
    expect(cm('sso-saml-sp')).toMatchObject({
      SAML_CLOCK_SKEW_SECONDS: '120',
      SAML_IDP_CACHE_SECONDS: '10',
      SAML_METADATA_REFRESH_SECONDS: '1800',
      SAML_ENABLE_IDP_BY_EMAIL_DISCOVERY: 'true',
      SAML_METADATA_CA_FILE: '/etc/sso/saml-metadata-ca/ca.pem',
      FEATURE_SSO: 'disabled-by-default',
      SAML_PUBLISH_ENCRYPTION_KEY: 'false',
    });
    expect(
      Object.keys(cm('sso-scim-api')).filter((k) => k.startsWith('SAML_') && k !== 'SAML_SP_SSO_URI' && k !== 'SAML_SP_APP_URI'),
    ).toEqual(['SAML_IDP_CACHE_SECONDS']);
    expect(cm('sso-scim-api')['SAML_IDP_CACHE_SECONDS']).toBe('10');
    expect(cm('sso-saml-sp-metadata-ca')['ca.pem']).toContain('BEGIN CERTIFICATE');
    const saml = ofKind(objs, 'Deployment').find((d) => d.metadata.name === 'sso-saml-sp')!;
    expect(saml.spec.template.spec.volumes).toContainEqual(
      expect.objectContaining({ name: 'saml-metadata-ca', configMap: expect.objectContaining({ name: 'sso-saml-sp-metadata-ca' }) }),
    );
    expect(saml.spec.template.spec.containers[0].volumeMounts).toContainEqual(
      expect.objectContaining({ name: 'saml-metadata-ca', mountPath: '/etc/sso/saml-metadata-ca' }),
    );
    expect(saml.spec.template.metadata.annotations['checksum/metadata-ca']).toMatch(/^[0-9a-f]{64}$/);
    const defaults = ofKind(rendered('defaults'), 'ConfigMap');
    expect(defaults.map((c) => c.metadata.name)).not.toContain('sso-saml-sp-metadata-ca');
    expect(defaults.find((c) => c.metadata.name === 'sso-saml-sp')!.data).toMatchObject({
      SAML_CLOCK_SKEW_SECONDS: '60',
      SAML_IDP_CACHE_SECONDS: '5',
      SCIM_PATCH_RESPONSE: 'resource',
    });
  });
  it('derives the public URLs from config.publicUrl and gives the SCIM cursor key to scim-api only, from a Secret', () => {
    const objs = rendered('production-values.yaml');
    const cm = (app: string) => objs.find((o) => o.kind === 'ConfigMap' && o.metadata.name.endsWith(app))?.data ?? {};
    expect(cm('saml-sp')).toMatchObject({
      SAML_SP_SSO_URI: 'https://sso.messenger.example/sso',
      SCIM_BASE_URI: 'https://sso.messenger.example/scim/v2',
      MAX_SCIM_TOKENS: '16',
      SCIM_PATCH_RESPONSE: 'minimal',
    });
    expect(cm('scim-api')).toMatchObject({ DEFAULT_LOCALE: 'de-CH' });
    expect(ofKind(rendered('defaults'), 'ConfigMap').find((c) => c.metadata.name === 'sso-scim-api')!.data).toMatchObject({
      DEFAULT_LOCALE: 'en',
    });
    const env = (app: string) =>
      objs.find((o) => o.kind === 'Deployment' && o.metadata.name.endsWith(app))!.spec.template.spec.containers[0].env ?? [];
    const cursor = (app: string) => env(app).find((e: { name: string }) => e.name === 'SCIM_CURSOR_KEY');
    expect(cursor('scim-api')).toEqual({
      name: 'SCIM_CURSOR_KEY',
      valueFrom: { secretKeyRef: { name: 'sso-scim-cursor-key', key: 'cursor-key' } },
    });
    expect(cursor('saml-sp')).toBeUndefined();
    expect(cursor('token-admin')).toBeUndefined();
  });
});

describe('chart contract (multi-ingress: saml.domains)', () => {
  const values = path.join(repoRoot, 'helm/test/multi-ingress-values.yaml');
  let objs: K8sObject[];
  beforeAll(() => {
    objs = render(helm, [requiredValuesFile, values]);
  });
  const cm = (app: string) => ofKind(objs, 'ConfigMap').find((c) => c.metadata.name === `sso-${app}`)!.data as Record<string, string>;

  it("gives saml-sp one SP per host, as spar's spDomainConfigs, in a form the app's config accepts", () => {
    const domains = JSON.parse(cm('saml-sp').SAML_SP_DOMAIN_CONFIGS);
    expect(domains).toEqual({
      'wire.example.com': {
        spSsoUri: 'https://wire.example.com/sso',
        spAppUri: 'https://wire.example.com/',
        contacts: [{ type: 'ContactSupport', email: 'email:support@example.com' }],
      },
      'wire.example.org': { spSsoUri: 'https://sso.example.org/sso', spAppUri: 'https://wire.example.org/base/', contacts: [] },
    });
    const config = loadConfig({ env: cm('saml-sp'), app: 'saml-sp', overrides: { 'auth.keysFile': '/dev/null' } });
    expect(config.saml.spDomainConfigs).toEqual(domains);
    for (const app of ['scim-api', 'token-admin']) expect(cm(app).SAML_SP_DOMAIN_CONFIGS, app).toBeUndefined();
    expect(cm('saml-sp').SAML_SP_DOMAIN_CONFIGS).toBeDefined();
    expect(ofKind(rendered('defaults'), 'ConfigMap').some((c) => 'SAML_SP_DOMAIN_CONFIGS' in (c.data ?? {}))).toBe(false);
  });

  it('routes every configured host (and ingress.hosts once each), and sets Z-Host to the request host', () => {
    const [ingress] = ofKind(objs, 'Ingress');
    expect(ingress.spec.rules.map((r: any) => r.host)).toEqual(['sso.example.com', 'wire.example.org', 'wire.example.com']);
    const paths = (r: any) => r.http.paths.map((p: any) => `${p.path} ${p.backend.service.name}`);
    for (const r of ingress.spec.rules) expect(paths(r)).toEqual(paths(ingress.spec.rules[0]));
    expect(ingress.metadata.annotations['nginx.ingress.kubernetes.io/configuration-snippet']).toBe('proxy_set_header Z-Host $host;\n');
    expect(validateManifests([ingress])).toEqual([]);
  });

  it('leaves Z-Host to the controller with ingress.zHost=none, and single-ingress installs without any snippet', () => {
    const [none] = ofKind(render(helm, [requiredValuesFile, values], ['--set', 'ingress.zHost=none']), 'Ingress');
    expect(none.metadata.annotations?.['nginx.ingress.kubernetes.io/configuration-snippet']).toBeUndefined();
    for (const set of ['defaults', 'production-values.yaml']) {
      const [ingress] = ofKind(rendered(set), 'Ingress');
      expect(ingress.metadata.annotations?.['nginx.ingress.kubernetes.io/configuration-snippet'], set).toBeUndefined();
    }
  });

  it('routes the host of config.publicUrl too (SCIM_BASE_URI, token-admin), every prefix, and leaves single-ingress alone', () => {
    // Without ingress.hosts there is no catch-all rule, so the publicUrl host needs a rule of its own.
    const [only] = ofKind(render(helm, [requiredValuesFile, values], ['--set', 'ingress.hosts=null']), 'Ingress');
    const publicHost = new URL(cm('scim-api').SCIM_BASE_URI).hostname;
    expect(publicHost).toBe('sso.example.com');
    expect(only.spec.rules.map((r: any) => r.host)).toEqual([publicHost, 'wire.example.com', 'wire.example.org']);
    const want = routeTable.routes.flatMap((r) =>
      [r.prefix, ...Array.from({ length: 17 }, (_, v) => `/v${v}${r.prefix}`)].map((p) => `${p} sso-${r.app}`),
    );
    const paths = (r: any) => r.http.paths.map((p: any) => `${p.path} ${p.backend.service.name}`);
    for (const r of only.spec.rules) expect(new Set(paths(r)), r.host).toEqual(new Set(want));
    expect(validateManifests([only])).toEqual([]);
    // The Ingress host is the URL's hostname (lowercase, no port), once even when saml.domains or ingress.hosts lists it.
    const hosts = (...args: string[]) =>
      ofKind(render(helm, [requiredValuesFile, values], args), 'Ingress')[0].spec.rules.map((r: any) => r.host);
    expect(hosts('--set', 'ingress.hosts=null', '--set', 'config.publicUrl=https://SSO.Example.net:8443')).toEqual([
      'sso.example.net',
      'wire.example.com',
      'wire.example.org',
    ]);
    expect(hosts('--set', 'config.publicUrl=https://wire.example.com')).toEqual([
      'sso.example.com',
      'wire.example.org',
      'wire.example.com',
    ]);
    // Without saml.domains nothing changes: one catch-all rule by default, exactly ingress.hosts otherwise.
    const hostsOf = (objs: K8sObject[]) => ofKind(objs, 'Ingress')[0].spec.rules.map((r: any) => r.host);
    expect(hostsOf(rendered('defaults'))).toEqual([undefined]);
    expect(hostsOf(rendered('production-values.yaml'))).toEqual(['sso.example.com', 'scim.example.com']);
    const single = (...args: string[]) => ofKind(render(helm, [requiredValuesFile], args), 'Ingress')[0].spec.rules.map((r: any) => r.host);
    expect(single()).toEqual([undefined]);
    expect(single('--set', 'ingress.hosts={wire.example.com}')).toEqual(['wire.example.com']);
  });

  it('refuses bad domains, naming the key', () => {
    const bad =
      (...args: string[]) =>
      () =>
        render(helm, [requiredValuesFile, values], args);
    expect(bad('--set', 'saml.domains[0].host=Wire.example.com')).toThrow(/host/);
    expect(bad('--set', 'saml.domains[0].host=wire.example.com:443')).toThrow(/host/);
    expect(bad('--set', 'saml.domains[0].publicUrl=https://wire.example.com/')).toThrow(/publicUrl/);
    expect(bad('--set', 'saml.domains[1].host=wire.example.com')).toThrow(/saml\.domains lists host wire\.example\.com twice/);
    expect(bad('--set', 'saml.domains[0].contacts[0].type=Boss')).toThrow(/type/);
    expect(bad('--set', 'ingress.zHost=header')).toThrow(/zHost/);
    expect(
      bad('--set-string', 'ingress.annotations.nginx\\.ingress\\.kubernetes\\.io/configuration-snippet=more_set_headers "X: y";'),
    ).toThrow(/ingress\.zHost=snippet needs/);
  });
});
