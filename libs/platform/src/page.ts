import { createHash } from 'node:crypto';
import type { FastifyReply } from 'fastify';

/**
 * The kit every web page of the service set is built with (team settings, enterprise login, the
 * invitation and password pages, the API reference). One layout, one stylesheet, one escaping
 * rule and one Content-Security-Policy, so the pages look alike and none can load anything from
 * elsewhere. Pages are rendered on the server; a page that needs script ships it as a file served
 * from its own app (`script-src 'self'`) or as one inline block allowed by its hash.
 */

/** Markup that is already safe: produced by `html` or deliberately trusted with `trustedHtml`. */
export class SafeHtml {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

/** Markup the caller vouches for (a constant, never user input). */
export const trustedHtml = (markup: string): SafeHtml => new SafeHtml(markup);

function interpolate(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.value;
  if (Array.isArray(value)) return value.map(interpolate).join('');
  return escapeHtml(String(value));
}

/**
 * A template tag that escapes every interpolated value unless it is `SafeHtml`; arrays are joined,
 * and `null`, `undefined` and `false` render nothing (so `${cond && html`...`}` works).
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += interpolate(values[i]) + strings[i + 1];
  return new SafeHtml(out);
}

/** The shared stylesheet: plain, readable, high contrast, visible focus, no external fonts. */
export const PAGE_CSS = `
:root{color-scheme:light dark;--fg:#1b1d21;--bg:#fff;--muted:#5b6270;--line:#d6d9de;--accent:#0667c8;--bad:#b3261e;--warn:#8a5a00;--ok:#1e7b34}
@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--bg:#16181c;--muted:#a3a9b3;--line:#3a3f47;--accent:#6cb2ff;--bad:#ff8a80;--warn:#ffcc66;--ok:#7bd88f}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,main,footer{max-width:60rem;margin:0 auto;padding:1rem 1.25rem}
header{border-bottom:1px solid var(--line)}
h1{font-size:1.5rem;margin:.5rem 0}h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
a{color:var(--accent)}
label{display:block;font-weight:600;margin:.75rem 0 .25rem}
input,select,textarea,button{font:inherit;color:inherit}
input,select,textarea{width:100%;max-width:36rem;padding:.45rem .6rem;border:1px solid var(--line);border-radius:4px;background:var(--bg)}
textarea{min-height:8rem;font-family:ui-monospace,monospace;font-size:.85rem}
button{margin-top:.75rem;padding:.45rem 1rem;border:1px solid var(--accent);border-radius:4px;background:var(--accent);color:#fff;cursor:pointer}
button.secondary{background:transparent;color:var(--accent)}
button.danger{border-color:var(--bad);background:transparent;color:var(--bad)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid var(--line);vertical-align:top}
code,.code{font-family:ui-monospace,monospace;font-size:.9rem;word-break:break-all}
.muted{color:var(--muted)}.error{color:var(--bad)}.warning{color:var(--warn)}.ok{color:var(--ok)}
.notice{border:1px solid var(--line);border-left:4px solid var(--accent);padding:.75rem 1rem;margin:1rem 0}
.notice.error{border-left-color:var(--bad)}.notice.warning{border-left-color:var(--warn)}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

export interface PageSpec {
  /** The page title, also its first heading unless `heading` is given. */
  title: string;
  heading?: string;
  /** BCP 47 language of the page; English by default. */
  lang?: string;
  main: SafeHtml;
  /** Script files served by the same app, loaded as modules. */
  scripts?: string[];
  /** One inline script, allowed by its hash. */
  inlineScript?: string;
  /** Where the page's forms may post: a source expression; `'self'` by default. */
  formAction?: string;
  /** Extra CSP `connect-src` sources for the page's script (`'self'` is always allowed). */
  connectSrc?: string[];
}

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
const CSS_HASH = sha256(PAGE_CSS);

/** The page's Content-Security-Policy: nothing from elsewhere, its own scripts and styles only, never framed. */
export function pageCspOf(spec: PageSpec): string {
  const scriptSources = [spec.scripts?.length ? "'self'" : '', spec.inlineScript ? sha256(spec.inlineScript) : ''].filter(Boolean);
  return [
    "default-src 'none'",
    `script-src ${scriptSources.length ? scriptSources.join(' ') : "'none'"}`,
    `style-src ${CSS_HASH}`,
    "img-src 'self' data:",
    `connect-src ${["'self'", ...(spec.connectSrc ?? [])].join(' ')}`,
    "base-uri 'none'",
    `form-action ${spec.formAction ?? "'self'"}`,
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The whole document of a page. */
export function renderPage(spec: PageSpec): string {
  const scripts = (spec.scripts ?? []).map((src) => html`<script type="module" src="${src}"></script>\n`);
  const inline = spec.inlineScript ? html`<script>${trustedHtml(spec.inlineScript)}</script>\n` : '';
  const doc = html`<!doctype html>
<html lang="${spec.lang ?? 'en'}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${spec.title}</title>
<style>${trustedHtml(PAGE_CSS)}</style>
${scripts}${inline}</head>
<body>
<header><h1>${spec.heading ?? spec.title}</h1></header>
<main id="main">
${spec.main}
</main>
</body>
</html>
`;
  return doc.value;
}

/**
 * An HTML page answer in an OpenAPI document (`@ApiResponse`): the page kit's markup, abbreviated
 * to its title and what it says.
 */
export function pageResponseDoc(status: number, description: string, title: string, says = description) {
  const example = `<!doctype html><html lang="en"><head><title>${title}</title>…</head><body>…${says}…</body></html>`;
  return { status, description, content: { 'text/html': { schema: { type: 'string' }, example } } };
}

/** Sends a page with its CSP and `no-store` (pages may show tokens and personal data). */
export function sendPage(reply: FastifyReply, spec: PageSpec, status = 200): FastifyReply {
  return reply
    .status(status)
    .header('content-type', 'text/html; charset=utf-8')
    .header('content-security-policy', pageCspOf(spec))
    .header('cache-control', 'no-store')
    .send(renderPage(spec));
}
