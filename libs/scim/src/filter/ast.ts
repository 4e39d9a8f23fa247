/** RFC 7644 §3.4.2.2 filter AST. Binary `and`/`or` nodes, left-associative as parsed. */
export const compareOps = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'ge', 'lt', 'le'] as const;
export type CompareOp = (typeof compareOps)[number];
export type Literal = string | number | boolean | null;

/** `urn:...:User:name.givenName` as written: URN, attribute, sub-attribute. */
export interface AttrPath {
  readonly uri?: string;
  readonly attr: string;
  readonly sub?: string;
}

/**
 * A path inside a comparison may carry a value filter before its sub-attribute:
 * `emails[type eq "work"].value eq "x"`. RFC 7644's filter grammar lacks this form (it is the PATCH
 * path grammar), but Entra sends it to check uniqueness, so it is part of the language here.
 */
export interface FilterPath extends AttrPath {
  readonly filter?: Filter;
}

export interface CompareNode {
  readonly type: 'compare';
  readonly op: CompareOp;
  readonly path: FilterPath;
  readonly value: Literal;
  /** Source text of an unquoted number whose JS form differs (`1.50`), so string attributes compare right. */
  readonly text?: string;
}
export interface PresentNode {
  readonly type: 'present';
  readonly path: FilterPath;
}
export interface LogicalNode {
  readonly type: 'and' | 'or';
  readonly left: Filter;
  readonly right: Filter;
}
export interface NotNode {
  readonly type: 'not';
  readonly filter: Filter;
}
/** `emails[type eq "work" and primary eq true]`: some element of `emails` matches the inner filter. */
export interface ValuePathNode {
  readonly type: 'valuePath';
  readonly path: AttrPath;
  readonly filter: Filter;
}

export type Filter = CompareNode | PresentNode | LogicalNode | NotNode | ValuePathNode;
