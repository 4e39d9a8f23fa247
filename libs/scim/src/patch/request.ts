import { ScimError } from '../errors';
import { findKey, isObject, type JsonValue } from '../json';
import { scimLimits } from '../limits';

export const PATCH_OP_SCHEMA = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';

export type PatchOpName = 'add' | 'replace' | 'remove';

export interface PatchOperation {
  readonly op: PatchOpName;
  /** Absent (or blank) means the resource itself. */
  readonly path?: string;
  readonly value?: JsonValue;
}

const syntax = (why: string) => new ScimError('invalidSyntax', why);

/**
 * Reads an RFC 7644 §3.5.2 PatchOp body. Keys and `op` values are case-insensitive: Entra without
 * `aadOptscim062020` sends `"op": "Replace"`, and spar matches JSON keys without case. Extra members
 * (the Microsoft suite sends `id` and an operation `name`) are ignored.
 */
export function parsePatchRequest(body: unknown, opts: { maxOperations?: number } = {}): PatchOperation[] {
  if (!isObject(body)) throw syntax('A PATCH body must be a JSON object');
  const sk = findKey(body, 'schemas');
  const schemas = sk === undefined ? undefined : body[sk];
  if (!Array.isArray(schemas) || !schemas.some((s) => typeof s === 'string' && s.toLowerCase() === PATCH_OP_SCHEMA.toLowerCase())) {
    throw syntax(`'schemas' must contain '${PATCH_OP_SCHEMA}'`);
  }
  const ok = findKey(body, 'Operations');
  const ops = ok === undefined ? undefined : body[ok];
  if (!Array.isArray(ops)) throw syntax("'Operations' must be an array of operations");
  // RFC 7644 has no error for this; tooMany is its "more than the server is willing to process".
  const max = opts.maxOperations ?? scimLimits.operationsPerPatch;
  if (ops.length > max)
    throw new ScimError('tooMany', `A PATCH request carries at most ${max} operations, got ${ops.length}: split it into several requests`);
  return ops.map((o, i) => {
    if (!isObject(o)) throw syntax(`Operations[${i}] must be an object`);
    const opKey = findKey(o, 'op');
    const op = opKey === undefined ? undefined : o[opKey];
    const name = typeof op === 'string' ? op.trim().toLowerCase() : undefined;
    if (name !== 'add' && name !== 'replace' && name !== 'remove') {
      throw syntax(`Operations[${i}].op must be 'add', 'replace' or 'remove', got ${JSON.stringify(op ?? null)}`);
    }
    const pathKey = findKey(o, 'path');
    const path = pathKey === undefined ? undefined : o[pathKey];
    if (path !== undefined && path !== null && typeof path !== 'string') throw syntax(`Operations[${i}].path must be a string`);
    const valueKey = findKey(o, 'value');
    const out: { op: PatchOpName; path?: string; value?: JsonValue } = { op: name };
    if (typeof path === 'string' && path.trim() !== '') out.path = path.trim();
    if (valueKey !== undefined) out.value = o[valueKey] as JsonValue;
    return out;
  });
}
