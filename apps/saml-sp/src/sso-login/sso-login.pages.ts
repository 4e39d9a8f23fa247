import { type ErrorCode, type User, errorCodes, labelOf } from '@sso/domain';
import { type PageSpec, type SafeHtml, html } from '@sso/platform';
import { LOGIN_PATH } from './paths';

/** The enterprise-login pages: the code form and the result. Plain server-rendered HTML, no script. */

export interface CodeError {
  label: string;
  message: string;
}

const TITLE = 'Enterprise login';

/** The form: one field for the SSO code; an error, when there is one, sits right under it. */
export function loginFormPage(opts: { value?: string; error?: CodeError } = {}): PageSpec {
  const error = opts.error;
  const describedBy = error ? 'code-help code-error' : 'code-help';
  const main = html`<p>Log in with your company account: type your work email address, or the SSO code your team admin gave you (it starts with <code>wire-</code>).</p>
<form method="get" action="${LOGIN_PATH}">
  <label for="code">SSO code or work email</label>
  <input id="code" name="code" type="text" value="${opts.value ?? ''}" required autofocus autocomplete="off" autocapitalize="none" spellcheck="false" aria-describedby="${describedBy}"${error ? html` aria-invalid="true"` : ''}>
  <p id="code-help" class="muted">For example <code>wire-3f6c2a51-8e0b-4c1d-9a7e-5b2d1c0f9e88</code> or <code>alice@example.com</code>. Pasting it with spaces around is fine.</p>
  ${error && html`<p id="code-error" class="error" role="alert">${error.message} <span class="muted">(${error.label})</span></p>`}
  <button type="submit">Continue to your company login</button>
</form>`;
  return { title: error ? `${TITLE}: check your SSO code` : TITLE, heading: TITLE, main };
}

/** What the form says about a code that is not one, and about a code no connection has. */
export const MALFORMED_CODE: CodeError = {
  label: labelOf('not-found'),
  message: 'This is not an SSO code. A code is wire- followed by 36 letters, digits and dashes: copy it from your team admin.',
};
/** The one answer for an email whose domain has no company login: the same whether or not a team verified it. */
export const NO_COMPANY_LOGIN: CodeError = {
  label: labelOf('not-found'),
  message:
    'No company login was found for this email address. Use the SSO code from your team admin, or sign in with your email and password.',
};
export const TOO_MANY_LOOKUPS: CodeError = {
  label: labelOf('too-many-requests'),
  message: 'Too many lookups from your network. Wait a minute and try again, or use your SSO code.',
};
export const UNKNOWN_CODE: CodeError = {
  label: labelOf('not-found'),
  message: 'No company login has this SSO code. Check it with your team admin: the connection may have been replaced or removed.',
};

function unreadable(): string {
  return "Your identity provider's answer could not be read. Try again; if it keeps happening, ask your team admin to check the connection.";
}

/** Why a login was refused, in words an employee can act on; keyed by the API's label. */
const REFUSALS: Record<string, string> = {
  forbidden:
    "Your company's identity provider answered, but the answer could not be accepted (it was for another service, expired, or not signed as expected). Try again; if it keeps happening, ask your team admin to check the connection.",
  'bad-team': 'Your account belongs to another team than this SSO code. Use the code of your own team.',
  suspended: 'Your account is suspended. Ask your team admin to reactivate it.',
  'not-found':
    'Your account is not set up for single sign-on yet (your team creates its accounts from its directory), or the connection you logged in through no longer exists. Ask your team admin.',
  'bad-response-signature':
    "Your identity provider's answer was not signed with a certificate this connection knows: the provider may have a new certificate. Ask your team admin to update the connection's metadata.",
  'bad-response-saml': unreadable(),
  'bad-response-xml': unreadable(),
  'bad-response-encoding': unreadable(),
  'ttl-error': 'The login took too long, or its answer had expired. Try again.',
  'cannont-provision-on-replaced-idp':
    'This SSO code belongs to a connection your team has replaced, so no new account can be made with it. Ask your team admin for the current code.',
  'bad-username': 'Your identity provider sent a user name this service cannot use (empty or longer than 128 characters).',
  'server-error': 'Something went wrong on our side. Try again in a moment.',
};

/** Every label the API can answer with (the result page shows only these, never other text from the URL). */
const KNOWN_LABELS = new Set<string>(['forbidden', ...errorCodes.map((c: ErrorCode) => labelOf(c))]);

export const isKnownLabel = (label: string): boolean => KNOWN_LABELS.has(label);

export function refusalText(label: string): string {
  return REFUSALS[label] ?? 'The login was refused.';
}

const again = (text: string): SafeHtml => html`<p><a href="${LOGIN_PATH}">${text}</a></p>`;

export function refusedPage(label: string): PageSpec {
  const main = html`<div class="notice error" role="alert">
  <p><strong>You are not logged in.</strong> ${refusalText(label)}</p>
  <p class="muted">Reason: <code>${label}</code></p>
</div>
${again('Try again')}`;
  return { title: `${TITLE}: login refused`, heading: TITLE, main };
}

export function loggedInPage(user: User, teamName: string | null): PageSpec {
  const rows: Array<[string, string | null]> = [
    ['Name', user.name],
    ['Handle', user.handle === null ? null : `@${user.handle}`],
    ['Email', user.email],
    ['Team', teamName],
  ];
  const main = html`<div class="notice" role="status">
  <p class="ok"><strong>You are logged in as ${user.name}.</strong></p>
</div>
<table>
  <caption class="visually-hidden">Your account</caption>
  <tbody>
${rows.filter(([, v]) => v !== null).map(([k, v]) => html`    <tr><th scope="row">${k}</th><td>${v}</td></tr>\n`)}  </tbody>
</table>
<p>You can close this page and go back to the app.</p>
${again('Log in with another SSO code')}`;
  return { title: `${TITLE}: logged in`, heading: TITLE, main };
}

export function notLoggedInPage(): PageSpec {
  const main = html`<p>You are not logged in: no login has finished in this browser, or its session has ended.</p>
${again('Log in with your SSO code')}`;
  return { title: `${TITLE}: not logged in`, heading: TITLE, main };
}

export function unknownResultPage(): PageSpec {
  const main = html`<p class="error" role="alert">This address does not name a login result.</p>
${again('Log in with your SSO code')}`;
  return { title: `${TITLE}: unknown result`, heading: TITLE, main };
}
