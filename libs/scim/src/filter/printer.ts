import type { AttrPath, Filter, FilterPath, Literal } from './ast';

const precedence = (f: Filter) => (f.type === 'or' ? 1 : f.type === 'and' ? 2 : 3);

export function printLiteral(v: Literal, text?: string): string {
  if (text !== undefined) return text;
  if (typeof v === 'string') return JSON.stringify(v);
  return String(v);
}

export function printPath(p: AttrPath | FilterPath): string {
  const filter = 'filter' in p && p.filter ? `[${printFilter(p.filter)}]` : '';
  return `${p.uri !== undefined ? p.uri + ':' : ''}${p.attr}${filter}${p.sub !== undefined ? '.' + p.sub : ''}`;
}

/**
 * Prints a filter in canonical form: lowercase operators, quoted strings, and parentheses exactly
 * where the tree needs them, so `parseFilter(printFilter(f))` gives back `f`.
 */
export function printFilter(f: Filter): string {
  switch (f.type) {
    case 'compare':
      return `${printPath(f.path)} ${f.op} ${printLiteral(f.value, f.text)}`;
    case 'present':
      return `${printPath(f.path)} pr`;
    case 'valuePath':
      return `${printPath(f.path)}[${printFilter(f.filter)}]`;
    case 'not':
      return `not (${printFilter(f.filter)})`;
    case 'and':
    case 'or': {
      const p = precedence(f);
      // Left-associative: a right operand of equal precedence needs parentheses to keep its shape.
      const left = precedence(f.left) < p ? `(${printFilter(f.left)})` : printFilter(f.left);
      const right = precedence(f.right) <= p ? `(${printFilter(f.right)})` : printFilter(f.right);
      return `${left} ${f.type} ${right}`;
    }
  }
}
