import { resolvePath } from '../schema/resolve';
import type { ResourceSchema } from '../schema/types';
import type { Filter } from './ast';

/** What a keyed lookup needs: which attribute, which value, and how to fold case. */
export interface IndexableEquality {
  /** Canonical attribute: `userName`, `externalId`, `id`, `emails.value`, `members.value`, `displayName`. */
  readonly attribute: string;
  /** The value as a string (an unquoted `externalId eq 123` is "123"). */
  readonly value: string;
  /** False: the store must look up a case-folded key (userName, emails.value). */
  readonly caseExact: boolean;
  /**
   * What the caller must still evaluate on the candidates the lookup returns, or undefined when
   * the lookup alone is exact. The conjunct used for the lookup is dropped when it says nothing
   * more than the lookup; a filtered form (`emails[type eq "work"].value eq "x"`) stays in.
   */
  readonly residual: Filter | undefined;
}

export const defaultIndexedAttributes = ['id', 'externalId', 'userName', 'emails.value', 'members.value', 'displayName'] as const;

function conjuncts(f: Filter): Filter[] {
  return f.type === 'and' ? [...conjuncts(f.left), ...conjuncts(f.right)] : [f];
}

function rebuild(parts: Filter[]): Filter | undefined {
  return parts.reduce<Filter | undefined>((acc, p) => (acc ? { type: 'and', left: acc, right: p } : p), undefined);
}

interface Candidate {
  attribute: string;
  value: string;
  caseExact: boolean;
  exact: boolean;
}

function candidateOf(f: Filter, rs: ResourceSchema): Candidate | undefined {
  if (f.type === 'compare' && f.op === 'eq' && f.value !== null && typeof f.value !== 'boolean') {
    const r = resolvePath(rs, { uri: f.path.uri, attr: f.path.attr, sub: f.path.sub });
    if (!r) return undefined;
    let leaf = r.subAttribute ?? r.attribute;
    let attribute = r.canonical;
    // `members eq "id"` compares `members.value`.
    if (!r.subAttribute && r.attribute.type === 'complex') {
      const v = r.attribute.subAttributes?.find((a) => a.name === 'value');
      if (!v) return undefined;
      leaf = v;
      attribute = `${r.canonical}.value`;
    }
    if (leaf.type !== 'string' && leaf.type !== 'reference') return undefined;
    return { attribute, value: f.text ?? String(f.value), caseExact: leaf.caseExact, exact: !f.path.filter };
  }
  if (f.type === 'valuePath') {
    // `emails[value eq "x" and type eq "work"]`: look up emails.value, keep the whole node.
    const inner = conjuncts(f.filter).find(
      (c) => c.type === 'compare' && c.op === 'eq' && c.path.attr.toLowerCase() === 'value' && !c.path.sub,
    );
    if (!inner || inner.type !== 'compare') return undefined;
    const c = candidateOf(
      { ...inner, path: { ...(f.path.uri !== undefined ? { uri: f.path.uri } : {}), attr: f.path.attr, sub: 'value' } },
      rs,
    );
    return c && { ...c, exact: false };
  }
  return undefined;
}

/**
 * Finds an equality the store can answer with a keyed lookup: the filter itself, or one conjunct
 * of a top-level `and`. `indexed` lists the attributes the store has keys for, best first.
 * Returns undefined when there is none (then the store must scan, or refuse).
 */
export function indexableEquality(
  filter: Filter,
  rs: ResourceSchema,
  indexed: readonly string[] = defaultIndexedAttributes,
): IndexableEquality | undefined {
  const parts = conjuncts(filter);
  let best: { c: Candidate; i: number; rank: number } | undefined;
  parts.forEach((p, i) => {
    const c = candidateOf(p, rs);
    if (!c) return;
    const rank = indexed.findIndex((a) => a.toLowerCase() === c.attribute.toLowerCase());
    if (rank >= 0 && (!best || rank < best.rank)) best = { c, i, rank };
  });
  if (!best) return undefined;
  const { c, i } = best;
  const rest = c.exact ? parts.filter((_, j) => j !== i) : parts;
  return { attribute: c.attribute, value: c.value, caseExact: c.caseExact, residual: rebuild(rest) };
}
