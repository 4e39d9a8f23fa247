import type { AttrPath, CompareOp, Filter, FilterPath, Literal } from './ast';
import { compareOps } from './ast';
import { filterError, tokenize, type Token } from './lexer';

export interface FilterLimits {
  /** Longest filter accepted, in UTF-16 code units; checked before any work is done. */
  readonly maxLength: number;
  /** Deepest nesting of parentheses, `not` and value filters: bounds the parser's recursion. */
  readonly maxDepth: number;
  /** Most attribute expressions: bounds the size of the tree and the evaluator's work. */
  readonly maxTerms: number;
}

export const defaultFilterLimits: FilterLimits = { maxLength: 10_000, maxDepth: 32, maxTerms: 200 };

const ATTR = '[A-Za-z$][A-Za-z0-9_$-]*';
const plainPath = new RegExp(`^(${ATTR})(?:\\.(${ATTR}))?$`);
const urnPath = new RegExp(`^(urn:[A-Za-z0-9._:-]+):(${ATTR})(?:\\.(${ATTR}))?$`, 'i');
const subAttr = new RegExp(`^\\.(${ATTR})$`);
const jsonNumber = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const compareOpSet: ReadonlySet<string> = new Set(compareOps);

/** Parses `attr`, `attr.sub`, `urn:...:attr.sub`; undefined when `word` is none of those. */
function parseAttrPathWord(word: string): AttrPath | undefined {
  const u = urnPath.exec(word);
  if (u) return withOptional({ uri: u[1] as string, attr: u[2] as string }, u[3]);
  const p = plainPath.exec(word);
  if (p) return withOptional({ attr: p[1] as string }, p[2]);
  return undefined;
}

function withOptional(path: { uri?: string; attr: string }, sub: string | undefined): AttrPath {
  return sub === undefined ? path : { ...path, sub };
}

class Parser {
  private i = 0;
  private depth = 0;
  private terms = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly limits: FilterLimits,
    private readonly end: number,
  ) {}

  private peek(): Token | undefined {
    return this.tokens[this.i];
  }

  private describe(t: Token | undefined): string {
    if (!t) return 'end of filter';
    if (t.kind === 'word') return `'${t.value.length > 40 ? t.value.slice(0, 40) + '…' : t.value}'`;
    if (t.kind === 'string') return 'a string';
    return `'${t.kind}'`;
  }

  private fail(why: string, t: Token | undefined = this.peek()): never {
    throw filterError(t ? t.pos : this.end, `${why}, found ${this.describe(t)}`);
  }

  private isKeyword(t: Token | undefined, kw: string): boolean {
    return t?.kind === 'word' && t.value.toLowerCase() === kw;
  }

  private enter(t: Token | undefined): void {
    if (++this.depth > this.limits.maxDepth) throw filterError(t ? t.pos : this.end, `nested deeper than ${this.limits.maxDepth} levels`);
  }

  parseAll(): Filter {
    const f = this.parseOr(false);
    if (this.i < this.tokens.length) this.fail("expected 'and', 'or' or the end of the filter");
    return f;
  }

  private parseOr(inValue: boolean): Filter {
    let left = this.parseAnd(inValue);
    while (this.isKeyword(this.peek(), 'or')) {
      this.i++;
      left = { type: 'or', left, right: this.parseAnd(inValue) };
    }
    return left;
  }

  private parseAnd(inValue: boolean): Filter {
    let left = this.parseUnary(inValue);
    while (this.isKeyword(this.peek(), 'and')) {
      this.i++;
      left = { type: 'and', left, right: this.parseUnary(inValue) };
    }
    return left;
  }

  /** `not` binds tighter than `and`; RFC 7644 wants `not (...)`, the bare `not x eq y` is accepted too. */
  private parseUnary(inValue: boolean): Filter {
    const t = this.peek();
    if (this.isKeyword(t, 'not')) {
      this.i++;
      this.enter(t);
      const filter = this.parseUnary(inValue);
      this.depth--;
      return { type: 'not', filter };
    }
    if (t?.kind === '(') {
      this.i++;
      this.enter(t);
      const f = this.parseOr(inValue);
      if (this.peek()?.kind !== ')') this.fail("expected ')' to close the '(' at position " + (t.pos + 1));
      this.i++;
      this.depth--;
      return f;
    }
    return this.parseAttrExp(inValue);
  }

  private parseAttrExp(inValue: boolean): Filter {
    const t = this.peek();
    if (t?.kind !== 'word') this.fail('expected an attribute name');
    const path = parseAttrPathWord(t.value);
    if (!path) this.fail('expected an attribute name such as userName, name.givenName or urn:…:User:userName', t);
    if (++this.terms > this.limits.maxTerms) throw filterError(t.pos, `more than ${this.limits.maxTerms} attribute expressions`);
    this.i++;
    let fpath: FilterPath = path;
    if (this.peek()?.kind === '[') {
      const open = this.peek();
      if (inValue) this.fail('value filters cannot be nested', open);
      if (path.sub !== undefined) this.fail('a value filter applies to a multi-valued attribute, not a sub-attribute', open);
      this.i++;
      this.enter(open);
      const inner = this.parseOr(true);
      if (this.peek()?.kind !== ']') this.fail("expected ']' to close the value filter");
      this.i++;
      this.depth--;
      const next = this.peek();
      const sub = next?.kind === 'word' && !next.spaceBefore ? subAttr.exec(next.value) : null;
      if (!sub) return { type: 'valuePath', path, filter: inner };
      this.i++;
      fpath = { ...path, filter: inner, sub: sub[1] as string };
    }
    const opTok = this.peek();
    const op = opTok?.kind === 'word' ? opTok.value.toLowerCase() : '';
    if (op === 'pr') {
      this.i++;
      return { type: 'present', path: fpath };
    }
    if (!compareOpSet.has(op)) this.fail('expected an operator (eq, ne, co, sw, ew, gt, ge, lt, le, pr)', opTok);
    this.i++;
    const v = this.peek();
    if (v?.kind === 'string') {
      this.i++;
      return { type: 'compare', op: op as CompareOp, path: fpath, value: v.value };
    }
    if (v?.kind !== 'word') this.fail(`expected a value after '${op}'`, v);
    this.i++;
    return { type: 'compare', op: op as CompareOp, path: fpath, ...literalOf(v.value) };
  }
}

/**
 * An unquoted value: true/false/null in any case (Entra and the Microsoft suite send `True`), a
 * JSON number, or else a string (`userName eq bjensen`, `meta.created gt 2015-10-10T14:38:21Z`).
 */
function literalOf(word: string): { value: Literal; text?: string } {
  const lower = word.toLowerCase();
  if (lower === 'true') return { value: true };
  if (lower === 'false') return { value: false };
  if (lower === 'null') return { value: null };
  if (jsonNumber.test(word)) {
    const n = Number(word);
    if (Number.isFinite(n)) return String(n) === word ? { value: n } : { value: n, text: word };
  }
  return { value: word };
}

/** Parses a filter (RFC 7644 §3.4.2.2, plus the lenient forms). Throws only `ScimError('invalidFilter')`. */
export function parseFilter(input: string, limits: Partial<FilterLimits> = {}): Filter {
  const l = { ...defaultFilterLimits, ...limits };
  if (typeof input !== 'string') throw filterError(0, 'the filter must be a string');
  if (input.length > l.maxLength) throw filterError(l.maxLength, `longer than ${l.maxLength} characters`);
  const tokens = tokenize(input);
  if (tokens.length === 0) throw filterError(0, 'the filter is empty');
  return new Parser(tokens, l, input.length).parseAll();
}

/** A PATCH path (RFC 7644 §3.5.2): `attrPath` or `valuePath [subAttr]`, e.g. `emails[type eq "work"].value`. */
export function parsePatchPath(input: string, limits: Partial<FilterLimits> = {}): FilterPath {
  const l = { ...defaultFilterLimits, ...limits };
  if (input.length > l.maxLength) throw filterError(l.maxLength, `longer than ${l.maxLength} characters`);
  const trimmed = input.trim();
  const open = trimmed.indexOf('[');
  if (open < 0) {
    const p = parseAttrPathWord(trimmed);
    if (!p) throw filterError(0, `'${trimmed}' is not an attribute path`);
    return p;
  }
  // Parse `path[filter]` as a filter (it is a valuePath node), then take what follows ']'.
  const close = trimmed.lastIndexOf(']');
  if (close < open) throw filterError(open, "expected ']' to close the value filter");
  const head = parseFilter(trimmed.slice(0, close + 1), l);
  if (head.type !== 'valuePath') throw filterError(0, `'${trimmed}' is not an attribute path`);
  const tail = trimmed.slice(close + 1);
  if (tail === '') return { ...head.path, filter: head.filter };
  const sub = subAttr.exec(tail);
  if (!sub) throw filterError(close + 1, `expected '.subAttribute' after ']', found '${tail}'`);
  return { ...head.path, filter: head.filter, sub: sub[1] as string };
}
