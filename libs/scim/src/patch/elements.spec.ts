import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deepEqual, findKey, isObject, type JsonObject, type JsonValue } from '../json';
import { findSubAttribute } from '../schema/resolve';
import { groupSchema } from '../schema/group';
import { userSchema } from '../schema/user';
import type { AttributeDefinition } from '../schema/types';
import { mergeElements, removeMatching, sameElement } from './elements';

const emails = userSchema.attributes.find((a) => a.name === 'emails')!;
const addresses = userSchema.attributes.find((a) => a.name === 'addresses')!;
const members = groupSchema.attributes.find((a) => a.name === 'members')!;

/** Elements whose every property read is counted: the work a merge or removal does, without a clock. */
function counted(n: number, make: (i: number) => JsonObject): { list: JsonValue[]; reads: () => number } {
  let reads = 0;
  const handler: ProxyHandler<JsonObject> = {
    get(t, k, r) {
      reads++;
      return Reflect.get(t, k, r);
    },
  };
  return { list: Array.from({ length: n }, (_, i) => new Proxy(make(i), handler)), reads: () => reads };
}

function mergeReads(n: number): number {
  const current = counted(n, (i) => ({ value: `old${i}@example.com`, type: 'work' }));
  const added = counted(n, (i) => ({ value: `new${i}@example.com`, type: 'work' }));
  const out = mergeElements(emails, current.list, added.list);
  expect(out).toHaveLength(2 * n);
  return current.reads() + added.reads();
}

function removeReads(n: number): number {
  const list = counted(n, (i) => ({ value: `u${i}`, display: `U ${i}` }));
  const drop = counted(n, (i) => ({ value: `u${2 * i}` }));
  expect(removeMatching(members, list.list, drop.list)).toHaveLength(n / 2);
  return list.reads() + drop.reads();
}

describe('merging and removing values is linear', () => {
  // A quadratic merge reads each element about n times: 2,000 elements give millions of reads.
  it('mergeElements reads each element a bounded number of times', () => {
    const [a, b] = [mergeReads(2000), mergeReads(4000)];
    expect(a).toBeLessThan(10 * 4000);
    expect(b / a).toBeLessThan(2.2);
  });

  it('removeMatching reads each element a bounded number of times', () => {
    const [a, b] = [removeReads(2000), removeReads(4000)];
    expect(a).toBeLessThan(10 * 4000);
    expect(b / a).toBeLessThan(2.2);
  });

  it('keeps the reads bounded when every added value is a duplicate', () => {
    const current = counted(1, () => ({ value: 'same@example.com', type: 'work' }));
    const added = counted(4000, () => ({ value: 'SAME@example.com', type: 'work' }));
    expect(mergeElements(emails, current.list, added.list)).toHaveLength(1);
    expect(current.reads() + added.reads()).toBeLessThan(20 * 4000);
  });
});

// The scans these functions replaced, kept as the reference they must agree with.
function mergeByScan(def: AttributeDefinition, current: JsonValue[], added: JsonValue[]): JsonValue[] {
  const out = [...current];
  for (const e of added) {
    const i = out.findIndex((x) => sameElement(def, x, e));
    if (i < 0) out.push(e);
    else {
      const prev = out[i] as JsonValue;
      out[i] = isObject(prev) && isObject(e) ? { ...prev, ...e } : e;
    }
  }
  return out;
}

function removeByScan(def: AttributeDefinition, list: JsonValue[], drop: JsonValue[]): JsonValue[] {
  const valueDef = findSubAttribute(def, 'value');
  const same = (d: AttributeDefinition | undefined, a: JsonValue, b: JsonValue) =>
    typeof a === 'string' && typeof b === 'string' && !(d?.caseExact ?? false) ? a.toLowerCase() === b.toLowerCase() : deepEqual(a, b);
  const hit = (e: JsonValue, d: JsonValue): boolean => {
    if (isObject(e) && isObject(d)) {
      if (d['value'] !== undefined && d['value'] !== null)
        return e['value'] !== undefined && same(valueDef, e['value'] as JsonValue, d['value']);
      return Object.entries(d).every(([k, v]) => {
        const ek = findKey(e, k);
        return ek !== undefined && same(findSubAttribute(def, k), e[ek] as JsonValue, v);
      });
    }
    return same(def, e, d);
  };
  return list.filter((e) => !drop.some((d) => hit(e, d)));
}

// Few distinct strings in mixed case, so that entries collide often.
const text = fc.constantFrom('a', 'A', 'b', 'B', 'work', 'Work', 'home');
const element = fc.oneof(
  fc.record(
    { value: fc.oneof(text, fc.constant(null), fc.integer({ min: 0, max: 2 })), type: text, primary: fc.boolean() },
    { requiredKeys: [] },
  ),
  fc.record({ display: text, type: text }, { requiredKeys: [] }),
  text,
) as fc.Arbitrary<JsonValue>;
const list = fc.array(element, { maxLength: 12 });

describe('the keyed merge and removal agree with a scan', () => {
  for (const def of [emails, addresses, members]) {
    it(`mergeElements on ${def.name}`, () => {
      fc.assert(
        fc.property(list, list, (current, added) => {
          expect(mergeElements(def, current, added)).toEqual(mergeByScan(def, current, added));
        }),
        { numRuns: 500 },
      );
    });
    it(`removeMatching on ${def.name}`, () => {
      fc.assert(
        fc.property(list, list, (l, drop) => {
          expect(removeMatching(def, l, drop)).toEqual(removeByScan(def, l, drop));
        }),
        { numRuns: 500 },
      );
    });
  }
});
