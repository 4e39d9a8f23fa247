/**
 * The tag structure of a document, checked on the raw text. xmldom 0.8 (the parser node-saml and
 * xml-crypto build on) reports errors inside the root element but drops what stands outside it
 * without a word: text or a stray end tag after the root, text before it, a CDATA section after it
 * (which even throws a DOMException instead of reporting), and a mismatched end tag inside. A
 * document that is not well-formed is refused here, so the one DOM parse that follows sees only
 * the document it would be signed and audited as.
 *
 * XML 1.0 §2.1: document ::= prolog element Misc*; prolog ::= XMLDecl? Misc*; Misc ::= Comment |
 * PI | S. Whitespace, comments and processing instructions before and after the root are legal;
 * anything else outside it is not. Characters outside XML's Char production (§2.2: C0 controls,
 * lone surrogates, U+FFFE/U+FFFF), raw or as character references, are refused too: xmldom keeps
 * them. Returns why the document is refused, or null.
 */
export function documentShapeProblem(xml: string): string | null {
  const chars = charProblem(xml);
  if (chars) return chars;
  // A byte order mark is the encoding's, not the document's.
  let i = xml.startsWith('\uFEFF') ? 1 : 0;
  const decl = /^<\?xml[ \t\r\n][^?]*\?>/.exec(xml.slice(i, i + 200));
  if (decl) i += decl[0].length;
  const stack: string[] = [];
  let rootClosed = false;
  let rootSeen = false;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const textEnd = lt === -1 ? xml.length : lt;
    if (textEnd > i) {
      const text = xml.slice(i, textEnd);
      if (stack.length === 0) {
        if (!/^[ \t\r\n]*$/.test(text)) return rootClosed ? 'text after the root element' : 'text before the root element';
      } else if (text.includes(']]>')) return "']]>' in character data";
      i = textEnd;
      continue;
    }
    if (xml.startsWith('<!--', i)) {
      const end = xml.indexOf('-->', i + 4);
      if (end === -1) return 'unterminated comment';
      const body = xml.slice(i + 4, end);
      if (body.includes('--') || body.endsWith('-')) return "'--' inside a comment";
      i = end + 3;
      continue;
    }
    if (xml.startsWith('<?', i)) {
      const end = xml.indexOf('?>', i + 2);
      if (end === -1) return 'unterminated processing instruction';
      const target = /^[^\s?]+/.exec(xml.slice(i + 2, end))?.[0] ?? '';
      if (target === '' || target.toLowerCase() === 'xml') return 'misplaced XML declaration or processing instruction without a target';
      i = end + 2;
      continue;
    }
    if (xml.startsWith('<![CDATA[', i)) {
      if (stack.length === 0) return 'CDATA outside the root element';
      const end = xml.indexOf(']]>', i + 9);
      if (end === -1) return 'unterminated CDATA section';
      i = end + 3;
      continue;
    }
    if (xml.startsWith('</', i)) {
      END_TAG.lastIndex = i;
      const m = END_TAG.exec(xml);
      if (!m) return 'malformed end tag';
      const open = stack.pop();
      if (open === undefined) return 'end tag without a start tag';
      if (open !== m[1]) return `end tag </${m[1]}> does not match <${open}>`;
      i = END_TAG.lastIndex;
      if (stack.length === 0) rootClosed = true;
      continue;
    }
    START_TAG.lastIndex = i;
    const m = START_TAG.exec(xml);
    if (!m) return 'malformed markup';
    if (stack.length === 0 && rootSeen) return 'a second element after the root element';
    rootSeen = true;
    i = START_TAG.lastIndex;
    if (m[2] !== '/') stack.push(m[1]);
    else if (stack.length === 0) rootClosed = true;
  }
  if (!rootSeen) return 'no root element';
  if (stack.length > 0) return `unclosed element <${stack[stack.length - 1]}>`;
  return null;
}

const NAME = '[^\\s<>/=!?"\']+';
const START_TAG = new RegExp(`<(${NAME})(?:[ \\t\\r\\n]+${NAME}[ \\t\\r\\n]*=[ \\t\\r\\n]*(?:"[^"<]*"|'[^'<]*'))*[ \\t\\r\\n]*(/?)>`, 'y');
const END_TAG = new RegExp(`</(${NAME})[ \\t\\r\\n]*>`, 'y');

const NOT_CHAR = /[^\t\n\r\x20-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const isChar = (c: number) =>
  c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);

function charProblem(xml: string): string | null {
  const raw = NOT_CHAR.exec(xml);
  if (raw) return `character U+${(raw[0].codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')} is not allowed in XML`;
  for (const m of xml.matchAll(/&#(?:x([0-9a-fA-F]{1,8})|([0-9]{1,10}));/g)) {
    const c = m[1] !== undefined ? Number.parseInt(m[1], 16) : Number(m[2]);
    if (!isChar(c)) return `character reference ${m[0]} is not allowed in XML`;
  }
  return null;
}
