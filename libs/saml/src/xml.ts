import { DOMParser } from '@xmldom/xmldom';
import { documentShapeProblem } from './xml-shape';

export const NS = {
  protocol: 'urn:oasis:names:tc:SAML:2.0:protocol',
  assertion: 'urn:oasis:names:tc:SAML:2.0:assertion',
  metadata: 'urn:oasis:names:tc:SAML:2.0:metadata',
  dsig: 'http://www.w3.org/2000/09/xmldsig#',
} as const;

/** Why untrusted XML was refused before any further processing. */
export class XmlRejected extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'XmlRejected';
  }
}

export interface XmlLimits {
  maxBytes: number;
  maxDepth: number;
  maxElements: number;
}

/**
 * Parses untrusted XML strictly: size cap, no DOCTYPE or entity declarations (no XXE, no entity
 * expansion), a well-formed tag structure with nothing but whitespace, comments and processing
 * instructions around the one root element (xml-shape.ts), every parser warning or error fatal,
 * bounded depth and size.
 */
export function parseUntrustedXml(xml: string, limits: XmlLimits): Document {
  if (Buffer.byteLength(xml, 'utf8') > limits.maxBytes) throw new XmlRejected(`document larger than ${limits.maxBytes} bytes`);
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw new XmlRejected('DOCTYPE and entity declarations are not allowed');
  const shape = documentShapeProblem(xml);
  if (shape) throw new XmlRejected(`malformed XML (${shape})`);
  const problems: string[] = [];
  let doc: Document;
  try {
    doc = new DOMParser({
      errorHandler: (level: string, msg: unknown) => {
        problems.push(`${level}: ${String(msg)}`);
      },
    }).parseFromString(xml, 'text/xml');
  } catch (e) {
    // xmldom throws (rather than reports) on some structures it cannot build a DOM of.
    throw new XmlRejected(`malformed XML (${e instanceof Error ? e.message : String(e)})`);
  }
  if (problems.length > 0) throw new XmlRejected(`malformed XML (${problems[0]})`);
  const roots = children(doc);
  if (roots.length !== 1 || !doc.documentElement) throw new XmlRejected('exactly one root element is required');
  let count = 0;
  const walk = (el: Element, depth: number) => {
    if (depth > limits.maxDepth) throw new XmlRejected(`nesting deeper than ${limits.maxDepth}`);
    if (++count > limits.maxElements) throw new XmlRejected(`more than ${limits.maxElements} elements`);
    for (const c of children(el)) walk(c, depth + 1);
  };
  walk(doc.documentElement, 1);
  return doc;
}

/** Element children of a node. */
export function children(node: Node, ns?: string, localName?: string): Element[] {
  const out: Element[] = [];
  for (let c = node.firstChild; c; c = c.nextSibling) {
    if (c.nodeType !== 1) continue;
    const el = c as Element;
    if (ns !== undefined && el.namespaceURI !== ns) continue;
    if (localName !== undefined && el.localName !== localName) continue;
    out.push(el);
  }
  return out;
}

export function child(node: Node, ns: string, localName: string): Element | null {
  return children(node, ns, localName)[0] ?? null;
}

/** Every descendant element (document order) with that namespace and local name. */
export function descendants(node: Node, ns: string, localName: string): Element[] {
  const out: Element[] = [];
  const walk = (n: Node) => {
    for (const c of children(n)) {
      if (c.namespaceURI === ns && c.localName === localName) out.push(c);
      walk(c);
    }
  };
  walk(node);
  return out;
}

/**
 * The element's text: only text and CDATA children, and only when there is nothing else (a
 * comment or element inside means a truncation trick, so the whole value is refused as null).
 */
export function strictText(el: Element): string | null {
  let s = '';
  for (let c = el.firstChild; c; c = c.nextSibling) {
    if (c.nodeType === 3 || c.nodeType === 4) s += c.nodeValue ?? '';
    else return null;
  }
  return s;
}

export function attr(el: Element, name: string): string | null {
  return el.hasAttribute(name) ? el.getAttribute(name) : null;
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}
