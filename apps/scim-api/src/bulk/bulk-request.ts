import { ScimError } from '@sso/scim';

export const BULK_REQUEST_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkRequest';
export const BULK_RESPONSE_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:BulkResponse';

export type BulkMethod = 'POST' | 'PUT' | 'PATCH' | 'DELETE';
export type BulkResource = 'Users' | 'Groups';

/** One operation as the client sent it, checked for shape; `problem` makes it fail on its own. */
export interface BulkOperation {
  index: number;
  method: string;
  bulkId?: string;
  /** `If-Match` of the operation (RFC 7644 §3.7: `version`). */
  version?: string;
  path: string;
  data?: unknown;
  /** Where the operation points, when its path parses. */
  target?: { resource: BulkResource; id: string | null };
  /** Why the operation cannot run, whatever the others do (400 invalidValue / invalidSyntax). */
  problem?: ScimError;
}

export interface BulkRequest {
  /** Stop after this many errors (RFC 7644 §3.7.3); undefined: run every operation. */
  failOnErrors?: number;
  operations: BulkOperation[];
}

export interface BulkLimits {
  maxOperations: number;
  maxPayloadSize: number;
}

const METHODS = new Set<BulkMethod>(['POST', 'PUT', 'PATCH', 'DELETE']);
const PATH = /^\/(users|groups)(?:\/([^/?#]+))?\/?$/i;
const BULK_ID = /^[\x21-\x7e]{1,256}$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A member of the request envelope, whatever its case (clients send `Operations` and `operations`). */
function member(body: Record<string, unknown>, name: string): unknown {
  const key = Object.keys(body).find((k) => k.toLowerCase() === name.toLowerCase());
  return key === undefined ? undefined : body[key];
}

/** The limit exceeded, named in the 413's detail as RFC 7644 §3.7.4 asks. */
export function checkPayloadSize(bytes: number, limits: BulkLimits): void {
  if (bytes > limits.maxPayloadSize)
    throw new ScimError(
      'payload-too-large',
      `The size of the bulk operation (${bytes} bytes) exceeds the maxPayloadSize (${limits.maxPayloadSize} bytes)`,
    );
}

function operationOf(raw: unknown, index: number): BulkOperation {
  const where = `Operations[${index}]`;
  if (!isObject(raw)) return { index, method: '', path: '', problem: new ScimError('invalidSyntax', `${where} must be an object`) };
  const method = typeof raw['method'] === 'string' ? raw['method'].toUpperCase() : '';
  const path = typeof raw['path'] === 'string' ? raw['path'] : '';
  const op: BulkOperation = { index, method, path };
  const fail = (detail: string, code: 'invalidSyntax' | 'invalidValue' = 'invalidValue') => ({
    ...op,
    problem: new ScimError(code, `${where}: ${detail}`),
  });
  if (raw['bulkId'] !== undefined) {
    if (typeof raw['bulkId'] !== 'string' || !BULK_ID.test(raw['bulkId'])) return fail('bulkId must be 1-256 printable characters');
    op.bulkId = raw['bulkId'];
  }
  if (raw['version'] !== undefined) {
    if (typeof raw['version'] !== 'string') return fail('version must be a string (an ETag)');
    op.version = raw['version'];
  }
  if (!METHODS.has(method as BulkMethod))
    return fail(`method must be POST, PUT, PATCH or DELETE, not ${JSON.stringify(raw['method'] ?? null)}`);
  const m = PATH.exec(path);
  if (!m) return fail(`path must be /Users, /Groups, /Users/{id} or /Groups/{id}, not ${JSON.stringify(raw['path'] ?? null)}`);
  const resource: BulkResource = m[1].toLowerCase() === 'users' ? 'Users' : 'Groups';
  let id: string | null = null;
  try {
    id = m[2] === undefined ? null : decodeURIComponent(m[2]);
  } catch {
    return fail('the resource id in path is not valid percent-encoding');
  }
  op.target = { resource, id };
  if (method === 'POST') {
    if (id !== null) return fail('POST goes to a resource type (/Users or /Groups), not to a resource');
    if (op.bulkId === undefined) return fail('a POST needs a bulkId (RFC 7644 §3.7)');
  } else if (id === null) return fail(`${method} needs a resource path (/${resource}/{id})`);
  if (method === 'DELETE') {
    if (raw['data'] !== undefined) return fail('DELETE takes no data');
  } else {
    if (!isObject(raw['data'])) return fail(`${method} needs data: the resource or the PatchOp`, 'invalidSyntax');
    op.data = raw['data'];
  }
  return op;
}

/**
 * The BulkRequest envelope (RFC 7644 §3.7): a problem of the whole request is thrown (400, or 413
 * above `maxOperations`); a problem of one operation is kept on it, so the others still run.
 */
export function parseBulkRequest(body: unknown, limits: BulkLimits): BulkRequest {
  if (!isObject(body)) throw new ScimError('invalidSyntax', 'A BulkRequest is a JSON object');
  const schemas = member(body, 'schemas');
  if (schemas !== undefined && !(Array.isArray(schemas) && schemas.includes(BULK_REQUEST_SCHEMA)))
    throw new ScimError('invalidSyntax', `schemas must contain ${BULK_REQUEST_SCHEMA}`);
  const ops = member(body, 'Operations');
  if (!Array.isArray(ops)) throw new ScimError('invalidSyntax', 'A BulkRequest needs an Operations array');
  if (ops.length === 0) throw new ScimError('invalidValue', 'Operations is empty');
  if (ops.length > limits.maxOperations)
    throw new ScimError(
      'payload-too-large',
      `The number of operations (${ops.length}) exceeds the maxOperations (${limits.maxOperations})`,
    );
  const fail = member(body, 'failOnErrors');
  if (fail !== undefined && fail !== null && !(typeof fail === 'number' && Number.isInteger(fail) && fail >= 1))
    throw new ScimError('invalidValue', 'failOnErrors must be a positive integer');
  const operations = ops.map(operationOf);
  const seen = new Set<string>();
  for (const op of operations) {
    if (op.bulkId === undefined) continue;
    if (seen.has(op.bulkId)) throw new ScimError('invalidValue', `bulkId ${JSON.stringify(op.bulkId)} is used by more than one operation`);
    seen.add(op.bulkId);
  }
  return { failOnErrors: typeof fail === 'number' ? fail : undefined, operations };
}

const REFERENCE = /^bulkId:(.+)$/;

/** The bulkIds an operation refers to, in its path and anywhere in its data (`"bulkId:<id>"` values). */
export function referencesOf(op: BulkOperation): Set<string> {
  const refs = new Set<string>();
  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      const m = REFERENCE.exec(v);
      if (m) refs.add(m[1]);
    } else if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) Object.values(v).forEach(walk);
  };
  walk(op.target?.id ?? undefined);
  walk(op.data);
  return refs;
}

/** The value with every `"bulkId:<id>"` string replaced by the id that operation created. */
export function resolveReferences<T>(value: T, created: ReadonlyMap<string, string>): T {
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const m = REFERENCE.exec(v);
      return m && created.has(m[1]) ? created.get(m[1]) : v;
    }
    if (Array.isArray(v)) return v.map(walk);
    if (isObject(v)) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
