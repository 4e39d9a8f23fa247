import { type ErrorCode, statusOf } from '@sso/domain';
import { type JsonObject, ScimError, scimErrorBody } from '@sso/scim';
import { type BulkMethod, type BulkOperation, type BulkRequest, type BulkResource, referencesOf, resolveReferences } from './bulk-request';

/** One operation, references resolved, as its single-request form would run it. */
export interface ResolvedOperation {
  method: BulkMethod;
  resource: BulkResource;
  /** Null for a POST. */
  id: string | null;
  data: unknown;
  /** The operation's `version`, its If-Match. */
  ifMatch?: string;
}

/** What a write did: the resource's id and ETag (none after DELETE) and the status its own route answers. */
export interface Written {
  id: string;
  version: string | null;
  status: number;
}

export interface BulkPorts {
  run(op: ResolvedOperation): Promise<Written>;
  /** The `location` of a resource. */
  locate(resource: BulkResource, id: string): string;
  /** A thrown error as a code and message (the app's classify); unexpected ones are logged there. */
  classify(e: unknown): { code: ErrorCode; message: string };
  /** Each operation that ran or failed, as its own request would be recorded (the activity log). */
  done?(op: BulkOperation, outcome: { status: number; code?: ErrorCode; id: string | null; data: unknown }): void;
}

/** One entry of the BulkResponse's Operations (RFC 7644 §3.7.3): `status` is a string, as in the RFC. */
export interface BulkResult extends JsonObject {
  method: string;
  status: string;
}

/**
 * Runs a BulkRequest. Operations run one at a time, each through the code of its single-request
 * form (same validation, uniqueness claims, ETags and all-or-nothing PATCH). An operation that
 * refers to another's `bulkId` waits for it; otherwise request order is kept. A reference to a
 * bulkId no operation defines is 400, to one whose operation failed or to a cycle 409 (RFC 7644
 * §3.7.2 lets a service refuse circular references). After `failOnErrors` errors the rest is
 * not run and not reported (§3.7.3). Results come back in request order.
 */
export async function runBulk(request: BulkRequest, ports: BulkPorts): Promise<BulkResult[]> {
  const ops = request.operations;
  const defines = new Map<string, number>();
  for (const op of ops) if (op.bulkId !== undefined && op.method === 'POST' && !op.problem) defines.set(op.bulkId, op.index);
  const refs = ops.map(referencesOf);
  const created = new Map<string, string>();
  const failedIds = new Set<string>();
  const results = new Map<number, BulkResult>();
  const pending = ops.map((op) => op.index);
  let errors = 0;

  const ready = (i: number) => [...refs[i]].every((r) => created.has(r) || failedIds.has(r) || defines.get(r) === undefined);

  while (pending.length > 0 && (request.failOnErrors === undefined || errors < request.failOnErrors)) {
    // The first operation whose references are settled; none means a cycle: the first one breaks it.
    const at = Math.max(0, pending.findIndex(ready));
    const i = pending.splice(at, 1)[0];
    const op = ops[i];
    const result = await runOne(op, refs[i], { defines, created, failedIds }, ports);
    if (Number(result.status) >= 400) {
      errors++;
      if (op.bulkId !== undefined) failedIds.add(op.bulkId);
    }
    results.set(i, result);
  }
  return ops.filter((op) => results.has(op.index)).map((op) => results.get(op.index) as BulkResult);
}

interface Resolution {
  defines: ReadonlyMap<string, number>;
  created: Map<string, string>;
  failedIds: ReadonlySet<string>;
}

async function runOne(op: BulkOperation, refs: Set<string>, r: Resolution, ports: BulkPorts): Promise<BulkResult> {
  const head: BulkResult = { method: op.method, status: '' };
  if (op.bulkId !== undefined) head['bulkId'] = op.bulkId;
  const failure = (e: { code: ErrorCode; message: string }): BulkResult => {
    const response = scimErrorBody(e);
    return { ...head, status: response.status, response };
  };
  try {
    if (op.problem) throw op.problem;
    for (const ref of refs) {
      if (r.created.has(ref)) continue;
      if (r.defines.get(ref) === undefined)
        throw new ScimError('invalidValue', `bulkId ${JSON.stringify(ref)} is not defined by a POST of this request`);
      if (r.failedIds.has(ref)) throw new ScimError('conflict', `bulkId ${JSON.stringify(ref)} was not created: its operation failed`);
      throw new ScimError('conflict', `bulkId ${JSON.stringify(ref)} is part of a circular reference, which is not resolved`);
    }
    const target = op.target as NonNullable<BulkOperation['target']>;
    const written = await ports.run({
      method: op.method as BulkMethod,
      resource: target.resource,
      id: target.id === null ? null : resolveReferences(target.id, r.created),
      data: resolveReferences(op.data, r.created),
      ...(op.version !== undefined ? { ifMatch: op.version } : {}),
    });
    if (op.method === 'POST' && op.bulkId !== undefined) r.created.set(op.bulkId, written.id);
    ports.done?.(op, { status: written.status, id: written.id, data: resolveReferences(op.data, r.created) });
    const ok: BulkResult = { ...head, status: String(written.status) };
    if (op.method !== 'DELETE') ok['location'] = ports.locate(target.resource, written.id);
    if (written.version !== null) ok['version'] = written.version;
    return ok;
  } catch (e) {
    const c = ports.classify(e);
    if (op.target) ports.done?.(op, { status: statusOf(c.code), code: c.code, id: op.target.id, data: op.data });
    return failure(c);
  }
}
