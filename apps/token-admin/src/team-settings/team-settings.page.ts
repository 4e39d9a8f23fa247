import { activityKinds } from '@sso/domain';
import { type PageSpec, type SafeHtml, html } from '@sso/platform';

/**
 * The page's static shell: every section, form and label, rendered on the server with the page
 * kit. Nothing in it depends on the caller: what is the caller's (their IdPs, tokens, activity)
 * is filled in by the script, which builds DOM nodes and sets text, never markup
 * (team-settings.client.ts). Links are relative, so the page works under any public base URL.
 */

/** An input with its visible label; `hint` is tied to it with aria-describedby. */
function field(id: string, label: string, input: SafeHtml, hint?: string): SafeHtml {
  return html`<label for="${id}">${label}</label>
${hint ? html`<p id="${id}-hint" class="muted">${hint}</p>` : ''}${input}`;
}

/** Where an error about a form goes: right under its fields, announced when it changes. */
const errorSlot = (id: string) => html`<p id="${id}" class="error" role="alert" hidden></p>`;

const signIn = html`<section id="signin" aria-labelledby="signin-heading" hidden>
<h2 id="signin-heading">Sign in</h2>
<p>Sign in with the email address and password of a team owner or admin.</p>
<form id="signin-form" novalidate>
${field('signin-email', 'Email', html`<input id="signin-email" name="email" type="email" autocomplete="username" required>`)}
${field('signin-password', 'Password', html`<input id="signin-password" name="password" type="password" autocomplete="current-password" required>`)}
${errorSlot('signin-error')}
<button type="submit">Sign in</button>
</form>
</section>`;

/** The metadata inputs shared by "add" (prefix `idp-add`); "replace" builds the same in the script. */
const metadataInputs = (prefix: string) => html`<fieldset>
<legend>IdP metadata</legend>
<p class="muted">Paste the metadata XML your identity provider gives you, upload it as a file, or give the URL it is published at (https; it is then refreshed every hour).</p>
${field(`${prefix}-xml`, 'Metadata XML', html`<textarea id="${prefix}-xml" name="xml" spellcheck="false"></textarea>`)}
${field(`${prefix}-file`, 'Or upload a metadata file', html`<input id="${prefix}-file" name="file" type="file" accept=".xml,application/xml,text/xml,application/samlmetadata+xml">`)}
${field(`${prefix}-url`, 'Or metadata URL', html`<input id="${prefix}-url" name="url" type="url" inputmode="url" placeholder="https://">`)}
</fieldset>`;

const sso = html`<section id="sso" aria-labelledby="sso-heading">
<h2 id="sso-heading">Single sign-on</h2>
<p>Give your identity provider (IdP) this SP metadata URL; it holds everything the IdP needs to know about this service:</p>
<p><code id="sp-metadata-url"></code> <button type="button" class="secondary" data-copy="sp-metadata-url" aria-label="Copy SP metadata URL">Copy</button></p>
<p class="muted">Employees log in with a connection's SSO code (they type it into "Enterprise login") or by opening its login URL.</p>
<div id="idp-list" aria-live="polite"></div>
${errorSlot('idp-list-error')}
<h3 id="idp-add-heading">Add a connection</h3>
<form id="idp-add-form" aria-labelledby="idp-add-heading" novalidate>
${metadataInputs('idp-add')}
${field('idp-add-name', 'Connection name (optional)', html`<input id="idp-add-name" name="handle" maxlength="32" autocomplete="off">`, 'Up to 32 characters, e.g. "Entra ID". Default: "IdP 1", "IdP 2", …')}
${errorSlot('idp-add-error')}
<button type="submit">Add connection</button>
</form>
</section>`;

const scim = html`<section id="scim" aria-labelledby="scim-heading">
<h2 id="scim-heading">Automated user management (SCIM)</h2>
<p>Your provisioning tool (Entra ID, Okta, …) needs the SCIM base URL and a token.</p>
<p>SCIM base URL: <code id="scim-base-url"></code> <button type="button" class="secondary" data-copy="scim-base-url" aria-label="Copy SCIM base URL">Copy</button></p>
<div id="token-list" aria-live="polite"></div>
${errorSlot('token-list-error')}
<div id="token-created" class="notice warning" role="region" aria-labelledby="token-created-heading" tabindex="-1" hidden>
<h3 id="token-created-heading">Your new token</h3>
<p><strong>Store it now:</strong> copy it into your provisioning tool or a password manager. It is shown only this once; if you lose it, delete it and create a new one.</p>
<p><code id="token-secret"></code></p>
<button type="button" data-copy="token-secret" aria-label="Copy token">Copy token</button>
<button type="button" class="secondary" id="token-created-done">I have stored it</button>
</div>
<h3 id="token-create-heading">Create a token</h3>
<p id="token-limit-reached" data-label="token-limit-reached" class="notice warning" hidden>Your team has reached the maximum number of SCIM tokens. Delete a token you no longer use before creating a new one.</p>
<form id="token-create-form" aria-labelledby="token-create-heading" novalidate>
${field('token-description', 'Description', html`<input id="token-description" name="description" maxlength="1024" required autocomplete="off">`, 'What it is for, e.g. "Entra ID provisioning".')}
${field('token-name', 'Token name (optional)', html`<input id="token-name" name="name" maxlength="256" autocomplete="off">`)}
${field('token-idp', 'Connection (IdP)', html`<select id="token-idp" name="idp" aria-describedby="token-idp-hint"></select>`, 'Users provisioned with a token bound to a connection log in through it; users of an unbound token cannot log in with single sign-on.')}
${field('token-password', 'Your password', html`<input id="token-password" name="password" type="password" autocomplete="current-password" aria-describedby="token-password-hint">`, 'Creating a token needs your password again.')}
${errorSlot('token-create-error')}
<button type="submit">Create token</button>
</form>
</section>`;

/** The activity kinds an admin asks about together, then each kind (the API takes a comma list). */
const KIND_GROUPS: Array<[string, string]> = [
  ['All single sign-on logins', 'sso.login.'],
  ['SCIM changes to users', 'scim.user.'],
  ['SCIM changes to groups', 'scim.group.'],
  ['SCIM token changes', 'token.'],
  ['Connection (IdP) changes', 'idp.'],
];
const kindOptions = html`<option value="">Any</option>
<optgroup label="Groups">${KIND_GROUPS.map(
  ([label, prefix]) => html`<option value="${activityKinds.filter((k) => k.startsWith(prefix)).join(',')}">${label}</option>`,
)}</optgroup>
<optgroup label="One kind">${activityKinds.map((k) => html`<option value="${k}">${k}</option>`)}</optgroup>`;

const activity = html`<section id="activity" aria-labelledby="activity-heading">
<h2 id="activity-heading">Activity</h2>
<p class="muted">What happened in your team, newest first: SCIM changes, single sign-on logins and their failures, token and connection changes.</p>
<form id="activity-filter" aria-label="Filter activity" novalidate>
${field('activity-kind', 'Kind', html`<select id="activity-kind" name="kind">${kindOptions}</select>`)}
${field('activity-outcome', 'Outcome', html`<select id="activity-outcome" name="outcome"><option value="">Any</option><option value="ok">Succeeded</option><option value="failed">Failed</option></select>`)}
${field('activity-subject', 'Subject', html`<input id="activity-subject" name="subject" autocomplete="off" placeholder="a user, token or connection">`)}
${errorSlot('activity-error')}
<button type="submit">Show activity</button>
</form>
<p id="activity-unavailable" class="notice" hidden>Activity is unavailable on this installation.</p>
<div id="activity-list" aria-live="polite"></div>
<button type="button" id="activity-more" class="secondary" hidden>More</button>
</section>`;

const main = html`<noscript><p class="notice error">This page needs JavaScript. The same settings are available through the API: see the walkthrough in the documentation.</p></noscript>
<p id="page-status" role="status" aria-live="polite"></p>
${signIn}
<div id="signed-in" hidden>
<p>Signed in as <strong id="me-name"></strong> <span id="me-email" class="muted"></span>
<button type="button" id="signout" class="secondary">Sign out</button></p>
<section id="not-admin" class="notice warning" aria-labelledby="not-admin-heading" hidden>
<h2 id="not-admin-heading">Only team owners and admins can change these settings</h2>
<p id="not-admin-text">Your account is a member of the team without admin rights. Ask a team owner or admin to make you an admin, or to do what you need for you.</p>
</section>
<div id="admin" hidden>
<nav aria-label="Sections"><a href="#sso">Single sign-on</a> · <a href="#scim">SCIM</a> · <a href="#activity">Activity</a></nav>
${sso}
${scim}
${activity}
</div>
</div>`;

/** The page; `team-settings/app.js` is relative to `/team-settings`, so it follows any path prefix. */
export function teamSettingsPage(): PageSpec {
  return { title: 'Team settings', main, scripts: ['team-settings/app.js'] };
}
