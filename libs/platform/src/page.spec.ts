import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PAGE_CSS, escapeHtml, html, pageCspOf, renderPage, trustedHtml } from './page';

describe('page kit', () => {
  it('escapes every interpolated value unless it is SafeHtml', () => {
    const evil = `<img src=x onerror="alert('x')">&`;
    expect(html`<p>${evil}</p>`.value).toBe(`<p>${escapeHtml(evil)}</p>`);
    expect(html`<p>${evil}</p>`.value).not.toContain('<img');
    expect(html`<p>${trustedHtml('<b>ok</b>')}</p>`.value).toBe('<p><b>ok</b></p>');
    expect(html`<ul>${['a<', 'b'].map((x) => html`<li>${x}</li>`)}</ul>`.value).toBe('<ul><li>a&lt;</li><li>b</li></ul>');
    expect(html`${null}${undefined}${false}${0}`.value).toBe('0');
  });

  it('renders the layout with the title escaped, the language and the shared stylesheet', () => {
    const doc = renderPage({ title: 'A & B', lang: 'de', main: html`<p>hi</p>` });
    expect(doc).toContain('<html lang="de">');
    expect(doc).toContain('<title>A &amp; B</title>');
    expect(doc).toContain('<h1>A &amp; B</h1>');
    expect(doc).toContain(`<style>${PAGE_CSS}</style>`);
  });

  it('allows exactly the page stylesheet and scripts in its CSP', () => {
    const inline = 'document.body.dataset.ok = "1"';
    const csp = pageCspOf({ title: 't', main: html``, inlineScript: inline, scripts: ['/x.js'] });
    const hash = (s: string) => createHash('sha256').update(s).digest('base64');
    expect(csp).toContain(`script-src 'self' 'sha256-${hash(inline)}'`);
    expect(csp).toContain(`style-src 'sha256-${hash(PAGE_CSS)}'`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(pageCspOf({ title: 't', main: html`` })).toContain("script-src 'none'");
  });
});
