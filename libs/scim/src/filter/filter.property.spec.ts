import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { statusOf } from '@sso/domain';
import { ScimError } from '../errors';
import type { JsonObject } from '../json';
import type { AttrPath, CompareOp, Filter, FilterPath, Literal } from './ast';
import { compareOps } from './ast';
import { evaluateFilter } from './evaluate';
import { parseFilter } from './parser';
import { printFilter } from './printer';

const name = fc.stringMatching(/^[A-Za-z$][A-Za-z0-9_$-]{0,8}$/).filter((n) => n.toLowerCase() !== 'not');
const uri = fc.constantFrom(
  'urn:ietf:params:scim:schemas:core:2.0:User',
  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  'urn:example:x-1.2',
);
const attrPath: fc.Arbitrary<AttrPath> = fc.record({ uri, attr: name, sub: name }, { requiredKeys: ['attr'] }).map((p) => p as AttrPath);
const literal: fc.Arbitrary<Literal> = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 12 }),
  fc.string({ maxLength: 6 }),
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }).filter((d) => !Object.is(d, -0)),
  fc.boolean(),
  fc.constant(null),
);
const op = fc.constantFrom<CompareOp>(...compareOps);

/** Random filters; inside a value filter, paths are relative and cannot nest another filter. */
function filters(inValue: boolean): fc.Arbitrary<Filter> {
  const { tree } = fc.letrec<{ tree: Filter; leaf: Filter }>((tie) => ({
    leaf: fc.oneof(
      fc.record({ type: fc.constant('compare' as const), op, path: inValue ? name.map((attr) => ({ attr })) : attrPath, value: literal }),
      fc.record({ type: fc.constant('present' as const), path: inValue ? name.map((attr) => ({ attr })) : attrPath }),
      ...(inValue
        ? []
        : [
            fc.record({ type: fc.constant('valuePath' as const), path: fc.record({ attr: name }), filter: filters(true) }),
            fc
              .record({ attr: name, filter: filters(true), sub: name, op, value: literal })
              .map(({ op: o, value, ...p }): Filter => ({ type: 'compare', op: o, path: p as FilterPath, value })),
          ]),
    ),
    tree: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      tie('leaf'),
      fc.record({ type: fc.constantFrom('and' as const, 'or' as const), left: tie('tree'), right: tie('tree') }),
      fc.record({ type: fc.constant('not' as const), filter: tie('tree') }),
    ),
  }));
  return tree;
}

describe('filter properties', () => {
  it('printing a filter and parsing it back gives the same tree', () => {
    fc.assert(
      fc.property(filters(false), (f) => {
        expect(parseFilter(printFilter(f), { maxDepth: 1000, maxTerms: 10_000, maxLength: 1_000_000 })).toEqual(f);
      }),
      { numRuns: 500 },
    );
  });

  it('printing is a fixed point: print(parse(print(f))) = print(f)', () => {
    fc.assert(
      fc.property(filters(false), (f) => {
        const s = printFilter(f);
        expect(printFilter(parseFilter(s, { maxDepth: 1000, maxTerms: 10_000, maxLength: 1_000_000 }))).toBe(s);
      }),
      { numRuns: 200 },
    );
  });

  const isTyped = (e: unknown) => e instanceof ScimError && e.scimType === 'invalidFilter' && statusOf(e.code) === 400;

  it('never throws anything but invalidFilter on random strings', () => {
    const alphabet = fc.constantFrom(
      ...'ab eq or and not pr ( ) [ ] " \\ . : urn 1 - e T Z , \u0000 é'.split(' '),
      ' ',
      '"',
      '\\',
      '(',
      ')',
    );
    const soup = fc.array(alphabet, { maxLength: 40 }).map((a) => a.join(''));
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }), soup), (s) => {
        try {
          const f = parseFilter(s);
          // Whatever parses must print to something that parses to the same tree.
          expect(parseFilter(printFilter(f))).toEqual(f);
        } catch (e) {
          if (!isTyped(e)) throw e;
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('never throws anything but invalidFilter on mutated valid filters', () => {
    fc.assert(
      fc.property(filters(false), fc.nat(), fc.string({ maxLength: 3 }), (f, at, ins) => {
        const s = printFilter(f);
        const i = at % (s.length + 1);
        try {
          parseFilter(s.slice(0, i) + ins + s.slice(i + 1));
        } catch (e) {
          if (!isTyped(e)) throw e;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('evaluator against a naive reference', () => {
  // Resources with a case-insensitive string `title`, a number `n` and a multi-valued `tags`.
  const word = fc.constantFrom('a', 'A', 'ab', 'AB', 'b', 'ba', 'abc', '');
  const resource = fc.record(
    { title: word, n: fc.integer({ min: -3, max: 3 }), tags: fc.array(fc.record({ value: word }), { maxLength: 3 }) },
    { requiredKeys: [] },
  );

  const ref = (o: CompareOp, a: string | number, b: string | number): boolean => {
    if (typeof a === 'string' && typeof b === 'string') {
      a = a.toLowerCase();
      b = b.toLowerCase();
    }
    switch (o) {
      case 'eq':
        return a === b;
      case 'ne':
        return a !== b;
      case 'co':
        return typeof a === 'string' && typeof b === 'string' && a.includes(b);
      case 'sw':
        return typeof a === 'string' && typeof b === 'string' && a.startsWith(b);
      case 'ew':
        return typeof a === 'string' && typeof b === 'string' && a.endsWith(b);
      case 'gt':
        return a > b;
      case 'ge':
        return a >= b;
      case 'lt':
        return a < b;
      case 'le':
        return a <= b;
    }
  };

  it('single-valued strings and numbers', () => {
    fc.assert(
      fc.property(resource, op, word, fc.integer({ min: -3, max: 3 }), (r, o, w, k) => {
        const res = r as JsonObject;
        const titleRef = r.title === undefined ? o === 'ne' : ref(o, r.title, w);
        expect(evaluateFilter({ type: 'compare', op: o, path: { attr: 'TITLE' }, value: w }, res)).toBe(titleRef);
        if (o === 'co' || o === 'sw' || o === 'ew') return;
        const nRef = r.n === undefined ? o === 'ne' : ref(o, r.n, k);
        expect(evaluateFilter({ type: 'compare', op: o, path: { attr: 'n' }, value: k }, res)).toBe(nRef);
      }),
      { numRuns: 1000 },
    );
  });

  it('multi-valued: any value matches; ne means no value equals', () => {
    fc.assert(
      fc.property(resource, op, word, (r, o, w) => {
        const values = (r.tags ?? []).map((t) => t.value);
        const expected = o === 'ne' ? !values.some((v) => ref('eq', v, w)) : values.some((v) => ref(o, v, w));
        expect(evaluateFilter({ type: 'compare', op: o, path: { attr: 'tags', sub: 'value' }, value: w }, r as JsonObject)).toBe(expected);
        expect(evaluateFilter({ type: 'present', path: { attr: 'tags' } }, r as JsonObject)).toBe(values.some((v) => v !== ''));
      }),
      { numRuns: 1000 },
    );
  });

  it('and, or, not agree with the boolean operators', () => {
    fc.assert(
      fc.property(resource, word, word, (r, w1, w2) => {
        const a: Filter = { type: 'compare', op: 'eq', path: { attr: 'title' }, value: w1 };
        const b: Filter = { type: 'compare', op: 'sw', path: { attr: 'tags', sub: 'value' }, value: w2 };
        const ea = evaluateFilter(a, r as JsonObject);
        const eb = evaluateFilter(b, r as JsonObject);
        expect(evaluateFilter({ type: 'and', left: a, right: b }, r as JsonObject)).toBe(ea && eb);
        expect(evaluateFilter({ type: 'or', left: a, right: b }, r as JsonObject)).toBe(ea || eb);
        expect(evaluateFilter({ type: 'not', filter: a }, r as JsonObject)).toBe(!ea);
      }),
      { numRuns: 500 },
    );
  });
});
