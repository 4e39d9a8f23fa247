import { DomainError, type ErrorCode, labelOf, statusOf } from '@sso/domain';
import { pageCsp } from './page-csp';
import { escapeXml } from './xml';

/**
 * How the ACS answers a login: spar's two formats (the web popup page, the mobile redirects), and
 * ours, `page`, for logins started at the enterprise-login page `/sso/login`.
 */
export type VerdictFormat = { kind: 'web' } | { kind: 'mobile'; successRedirect: string; errorRedirect: string } | { kind: 'page' };

const MAX_REDIRECT_BYTES = 140;

function checkRedirect(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new DomainError('invalid-schema', 'Redirect URL does not parse');
  }
  if (!url.protocol.startsWith('wire')) throw new DomainError('invalid-schema', 'Redirect URL scheme must start with "wire"');
  if (Buffer.byteLength(raw, 'utf8') > MAX_REDIRECT_BYTES)
    throw new DomainError('url-too-long', `Redirect URL longer than ${MAX_REDIRECT_BYTES} bytes`);
  return raw;
}

/** spar's initiate-login query rules: none = web, both = mobile, one = `need-both-redirect-urls`. */
export function verdictFormatOf(query: { success_redirect?: string; error_redirect?: string }): VerdictFormat {
  const s = query.success_redirect;
  const e = query.error_redirect;
  if (s === undefined && e === undefined) return { kind: 'web' };
  if (s === undefined || e === undefined)
    throw new DomainError('need-both-redirect-urls', 'Both success_redirect and error_redirect are required');
  return { kind: 'mobile', successRedirect: checkRedirect(s), errorRedirect: checkRedirect(e) };
}

export interface RenderedOutcome {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const HTML = 'text/html;charset=utf-8';

function page(title: string, script: string, extra = ''): string {
  return (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.1//EN" "http://www.w3.org/TR/xhtml11/DTD/xhtml11.dtd">' +
    `<html xml:lang="en" xmlns="http://www.w3.org/1999/xhtml"><head><title>${escapeXml(title)}</title>` +
    `<script type="text/javascript">${script}</script></head><body>${extra}</body></html>`
  );
}

/** The headers of a verdict page: its CSP allows exactly its own script. */
const pageHeaders = (script: string) => ({ 'content-type': HTML, 'content-security-policy': pageCsp(script) });

/** JSON inside a script element: `<` escaped so no `</script>` can close it. */
const scriptJson = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');

/** Web success: the page the client's popup reads (spar's exact title and message). */
export function renderWebSuccess(): RenderedOutcome {
  const script = "window.opener.postMessage({type: 'AUTH_SUCCESS'}, '*')";
  return { status: 200, headers: pageHeaders(script), body: page('wire:sso:success', script, '<p>wire:sso:success</p>') };
}

function webFailure(status: number, label: string, messages: string[]): RenderedOutcome {
  const payload = { type: 'AUTH_ERROR', payload: { label, errors: messages } };
  const script = `window.opener.postMessage(${scriptJson(payload)}, '*')`;
  return {
    status,
    headers: pageHeaders(script),
    body: page(`wire:sso:error:${label}`, script, `<p>wire:sso:error:${escapeXml(label)}</p>`),
  };
}

/**
 * The HTML verdict renderer for errors: the page of a code, with the status and the real label
 * of libs/domain's table (spar always sends "forbidden" in the payload).
 */
export function renderWebError(e: { code: ErrorCode; message: string }): RenderedOutcome {
  return webFailure(statusOf(e.code), labelOf(e.code), [e.message]);
}

/** A judged denial (`forbidden`, or why the user may not log in): the same page, answered 200 as spar does. */
export function renderWebDenial(label: string, reasons: string[]): RenderedOutcome {
  return webFailure(200, label, reasons);
}

/** Mobile success: 303 to the success URL with `$cookie` (rendered Set-Cookie) and `$userid`. */
export function renderMobileSuccess(successRedirect: string, setCookie: string, userId: string): RenderedOutcome {
  const location = successRedirect.replace(/\$cookie|%24cookie/g, setCookie).replace(/\$userid|%24userid/g, userId);
  try {
    new URL(location);
  } catch {
    throw new DomainError('bad-success-redirect', 'The substituted success redirect does not parse');
  }
  return { status: 303, headers: { location, 'content-type': HTML }, body: '' };
}

/** Mobile denial: 303 to the error URL with `$label`; body = the reasons as JSON. */
export function renderMobileError(errorRedirect: string, label: string, messages: string[]): RenderedOutcome {
  const location = errorRedirect.replace(/\$label|%24label/g, label);
  try {
    new URL(location);
  } catch {
    throw new DomainError('bad-failure-redirect', 'The substituted error redirect does not parse');
  }
  return { status: 303, headers: { location, 'content-type': 'application/json' }, body: JSON.stringify(messages) };
}

/**
 * The RelayState of a login started at `/sso/login`, echoed by the IdP to the ACS. It only says
 * how to show an error found before the login's verdict can be read (an unverifiable response
 * names no request we can trust): the result page instead of spar's popup page. Anyone can post
 * it; all it changes is that presentation.
 */
export const LOGIN_PAGE_RELAY_STATE = 'sso-login';

/** Where a login started at `/sso/login` ends: the page that says who is logged in, or why not. */
export const LOGIN_RESULT_PATH = '/sso/login/result';

/**
 * Enterprise-login page success: 303 to the result page (the session cookie is set with it, and
 * the result page reads it). A redirect rather than a page, so reloading the result does not post
 * the SAML response again.
 */
export function renderLoginPageSuccess(): RenderedOutcome {
  return { status: 303, headers: { location: LOGIN_RESULT_PATH, 'content-type': HTML }, body: '' };
}

/** Enterprise-login page refusal: 303 to the result page with the label (one of our labels, never input). */
export function renderLoginPageRefusal(label: string): RenderedOutcome {
  const location = `${LOGIN_RESULT_PATH}?label=${encodeURIComponent(label)}`;
  return { status: 303, headers: { location, 'content-type': HTML }, body: '' };
}
