import { createHash } from 'node:crypto';
import { canonicalJson, type JsonObject } from '../json';

/**
 * A weak ETag for `meta.version`: the SHA-256 of the resource's canonical JSON (sorted keys)
 * without `meta`, so it changes exactly when the content does and not with key order, location or
 * timestamps. Weak, as RFC 7644 §3.14 shows, since representations vary with `attributes`.
 */
export function computeETag(resource: JsonObject): string {
  const content: JsonObject = {};
  for (const [k, v] of Object.entries(resource)) if (k.toLowerCase() !== 'meta') content[k] = v;
  return `W/"${createHash('sha256').update(canonicalJson(content)).digest('hex')}"`;
}

export interface EntityTag {
  readonly weak: boolean;
  readonly tag: string;
}

/**
 * Parses an If-Match / If-None-Match value (RFC 9110 §13.1): `*` or a comma-separated list of
 * `"tag"` / `W/"tag"`. Unquoted tags are accepted as written, since some clients drop the quotes.
 * Returns undefined for an empty or unparseable header, which callers treat as absent.
 */
export function parseETagHeader(header: string | undefined): '*' | EntityTag[] | undefined {
  if (header === undefined) return undefined;
  const h = header.trim();
  if (h === '') return undefined;
  if (h === '*') return '*';
  const tags: EntityTag[] = [];
  let i = 0;
  while (i < h.length) {
    while (i < h.length && (h[i] === ' ' || h[i] === '\t' || h[i] === ',')) i++;
    if (i >= h.length) break;
    let weak = false;
    if ((h[i] === 'W' || h[i] === 'w') && h[i + 1] === '/') {
      weak = true;
      i += 2;
    }
    if (h[i] === '"') {
      const end = h.indexOf('"', i + 1);
      if (end < 0) return undefined;
      tags.push({ weak, tag: h.slice(i + 1, end) });
      i = end + 1;
    } else {
      let end = i;
      while (end < h.length && h[end] !== ',' && h[end] !== ' ' && h[end] !== '\t') end++;
      const tag = h.slice(i, end);
      if (tag === '*' || tag.includes('"')) return undefined;
      tags.push({ weak, tag });
      i = end;
    }
  }
  return tags.length > 0 ? tags : undefined;
}

function tagOf(etag: string): EntityTag | undefined {
  const parsed = parseETagHeader(etag);
  return Array.isArray(parsed) && parsed.length === 1 ? parsed[0] : undefined;
}

/** Weak comparison (RFC 9110 §8.8.3.2): the opaque tags match, W/ aside. SCIM's ETags are weak. */
function anyMatches(list: '*' | EntityTag[], current: string | undefined): boolean {
  if (current === undefined) return false;
  if (list === '*') return true;
  const cur = tagOf(current);
  return cur !== undefined && list.some((t) => t.tag === cur.tag);
}

/**
 * Whether a write may go ahead under `If-Match`: no header, or `*` and the resource exists, or one
 * listed tag equals the current version. False means 412 Precondition Failed.
 */
export function ifMatchPasses(header: string | undefined, current: string | undefined): boolean {
  const list = parseETagHeader(header);
  if (list === undefined) return true;
  return anyMatches(list, current);
}

/**
 * Whether a request may go ahead under `If-None-Match`: no header, or no listed tag equals the
 * current version (`*`: the resource does not exist). False means 304 for GET, 412 otherwise.
 */
export function ifNoneMatchPasses(header: string | undefined, current: string | undefined): boolean {
  const list = parseETagHeader(header);
  if (list === undefined) return true;
  return !anyMatches(list, current);
}
