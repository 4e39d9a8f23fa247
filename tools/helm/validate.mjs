// Offline validation of rendered Kubernetes manifests.
//
// kubeconform fetches its schemas at run time, which this project cannot rely on. The
// kubernetes-models packages ship the Kubernetes OpenAPI schemas compiled into validators (types,
// required fields, enums, formats) and, in their .d.ts files, every field of every kind. We use
// both: the validators, and a strict unknown-field check that walks each object along its
// TypeScript type (what `kubeconform -strict` and the API server's strict field validation do).
import { createRequire } from 'node:module';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { parseAllDocuments } from 'yaml';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(path.join(repoRoot, 'package.json'));

/** Packages holding models, by API group. Core and built-in groups come from kubernetes-models. */
const crdPackages = {
  'monitoring.coreos.com': '@kubernetes-models/prometheus-operator',
};

/** The module that exports the model of `apiVersion` (e.g. "apps/v1" -> kubernetes-models/apps/v1). */
function modelModule(apiVersion) {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const pkg = crdPackages[group] ?? 'kubernetes-models';
  return `${pkg}/${apiVersion}`;
}

/** Splits a multi-document YAML stream into objects; YAML errors are thrown. */
export function parseManifests(text) {
  const docs = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`invalid YAML: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value !== null && value !== undefined) docs.push(value);
  }
  return docs;
}

const describeObj = (o) => `${o?.kind ?? '?'}/${o?.metadata?.name ?? '?'}`;

function schemaErrors(obj) {
  let mod;
  try {
    mod = require(modelModule(obj.apiVersion));
  } catch {
    return [`no schema for apiVersion ${obj.apiVersion}`];
  }
  const Model = mod[obj.kind];
  if (typeof Model !== 'function' || Model.apiVersion !== obj.apiVersion) return [`no schema for ${obj.apiVersion} ${obj.kind}`];
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    const errs = e.errors ?? [{ instancePath: '', message: e.message }];
    return errs.map(
      (x) => `${x.instancePath || '/'}: ${x.message}${x.params?.allowedValues ? ` (${x.params.allowedValues.join(', ')})` : ''}`,
    );
  }
}

/** A type checker that knows the interface of every kind we are asked about. */
class FieldChecker {
  constructor(kinds) {
    const dir = path.join(repoRoot, '.cache', 'helm');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `kinds-${process.pid}.ts`);
    const keys = [...kinds];
    const lines = keys.map((k, i) => {
      const [apiVersion, kind] = k.split(' ');
      return `import type { I${kind} as T${i} } from ${JSON.stringify(`${modelModule(apiVersion)}/${kind}`)};\nexport declare const v${i}: T${i};`;
    });
    fs.writeFileSync(file, lines.join('\n'));
    try {
      const program = ts.createProgram([file], {
        noEmit: true,
        skipLibCheck: true,
        strict: true,
        module: ts.ModuleKind.CommonJS,
        moduleResolution: ts.ModuleResolutionKind.Node10,
        types: [],
      });
      const diags = ts.getPreEmitDiagnostics(program).filter((d) => d.file?.fileName === file);
      if (diags.length > 0) throw new Error(ts.flattenDiagnosticMessageText(diags[0].messageText, '\n'));
      this.checker = program.getTypeChecker();
      const source = program.getSourceFile(file);
      this.types = new Map();
      const decls = source.statements.filter(ts.isVariableStatement).flatMap((s) => s.declarationList.declarations);
      keys.forEach((k, i) => this.types.set(k, this.checker.getTypeAtLocation(decls[i])));
      this.source = source;
    } finally {
      fs.rmSync(file, { force: true });
    }
  }

  unknownFields(obj) {
    const type = this.types.get(`${obj.apiVersion} ${obj.kind}`);
    if (!type) return [];
    const out = [];
    this.walk(obj, type, '', out);
    return out;
  }

  /** The object-like part of a type: strips undefined/null, and picks the object member of a union. */
  objectType(type) {
    const t = this.checker.getNonNullableType(type);
    if (t.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) return undefined;
    if (t.isUnion()) {
      const objs = t.types.filter((m) => m.flags & ts.TypeFlags.Object);
      return objs.length === 1 ? objs[0] : undefined;
    }
    return t.flags & ts.TypeFlags.Object ? t : undefined;
  }

  walk(value, type, at, out) {
    const t = this.objectType(type);
    if (!t || value === null || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      const elem = this.checker.getIndexTypeOfType(t, ts.IndexKind.Number);
      if (elem) value.forEach((v, i) => this.walk(v, elem, `${at}/${i}`, out));
      return;
    }
    const index = this.checker.getIndexTypeOfType(t, ts.IndexKind.String);
    for (const [key, v] of Object.entries(value)) {
      const prop = t.getProperty(key);
      if (prop) this.walk(v, this.checker.getTypeOfSymbolAtLocation(prop, this.source), `${at}/${key}`, out);
      else if (index) this.walk(v, index, `${at}/${key}`, out);
      else out.push(`${at}/${key}: unknown field`);
    }
  }
}

const dns1123Label = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function metadataErrors(obj) {
  const name = obj.metadata?.name;
  if (typeof name !== 'string' || name === '') return ['/metadata/name: required'];
  const errs = [];
  // Services (and anything used as a DNS label) need a DNS-1123 label; the rest a subdomain.
  const asLabel = obj.kind === 'Service';
  if (asLabel ? name.length > 63 || !dns1123Label.test(name) : name.length > 253 || !dns1123Subdomain.test(name))
    errs.push(`/metadata/name: "${name}" is not a valid DNS-1123 ${asLabel ? 'label' : 'subdomain'}`);
  for (const [k, v] of Object.entries(obj.metadata.labels ?? {})) {
    if (typeof v !== 'string' || v.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(v))
      errs.push(`/metadata/labels/${k}: invalid label value ${JSON.stringify(v)}`);
  }
  return errs;
}

/**
 * Validates each object against the Kubernetes API schemas (and the CRDs' we know). Returns a list
 * of "Kind/name: /path: problem" strings; empty when all is well. Unknown kinds are errors.
 */
export function validateManifests(objects) {
  const errors = [];
  const kinds = new Set();
  for (const o of objects) {
    if (!o || typeof o !== 'object' || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') {
      errors.push(`${describeObj(o)}: not a Kubernetes object (apiVersion and kind are required)`);
      continue;
    }
    kinds.add(`${o.apiVersion} ${o.kind}`);
  }
  const known = [...kinds].filter((k) => {
    const [apiVersion, kind] = k.split(' ');
    try {
      return typeof require(modelModule(apiVersion))[kind] === 'function';
    } catch {
      return false;
    }
  });
  const fields = new FieldChecker(known);
  for (const o of objects) {
    if (!o || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') continue;
    const problems = [...schemaErrors(o), ...metadataErrors(o), ...fields.unknownFields(o)];
    for (const p of problems) errors.push(`${describeObj(o)}: ${p}`);
  }
  return errors;
}
