/**
 * The team-settings page's script, served as `/team-settings/app.js` (an ES module, allowed by
 * the page's `script-src 'self'`). Plain browser JavaScript kept as a string so that it ships in
 * the app's build as is (no bundler): write it without template literals.
 *
 * Rules it keeps (tested in team-settings.client.spec.ts):
 * - it builds DOM nodes and sets text only (createElement, createTextNode, setAttribute): no
 *   innerHTML or similar, so an issuer or a token description holding markup shows as text;
 * - every state-changing call carries the access token in the Authorization header, held in
 *   memory only; the `zuid` cookie is used for nothing but minting access tokens (POST /access),
 *   whose answer another site cannot read: that is what makes the page CSRF-safe;
 * - URLs are relative to the script (`<public base>/team-settings/app.js`), so the page works
 *   under any public base URL and path prefix.
 */
export const TEAM_SETTINGS_SCRIPT = String.raw`// Team settings: see docs/team-settings.md. Builds DOM from text, never from markup.
const ROOT = new URL('../', import.meta.url);
// spar's APIs are called at API version 8: a token without a connection stays unbound, and a
// second connection may be added while the team has SCIM tokens.
const API = 'v8/';
const PAGE_SIZE = 25;
const TOKEN_EXPIRY_WARNING_DAYS = 14;
const DAY_MS = 86400000;

/** API error labels in the words of a team admin. */
export const WORDS = {
  'invalid-credentials': 'The email address or password is not correct.',
  'suspended': 'This account is suspended. Ask a team owner to reactivate it.',
  'too-many-requests': 'Too many attempts. Wait a few minutes, then try again.',
  'insufficient-permissions': 'Only team owners and admins can do this.',
  'no-team-member': 'Your account does not belong to a team.',
  'access-denied': 'The password is not correct. Enter the password you sign in with.',
  'token-limit-reached': 'Your team has reached the maximum number of SCIM tokens. Delete a token you no longer use first.',
  'more-than-one-idp': 'The team has more than one connection: choose the connection this token is for.',
  'invalid-metadata': 'The IdP metadata could not be used.',
  'idp-already-in-use': 'A connection for this identity provider (the same issuer) already exists.',
  'idp-issuer-in-use': 'Another connection already uses the issuer in this metadata.',
  'idp-must-be-https': 'The login address in the metadata must start with https://.',
  'idp-has-bound-users': 'Users are still bound to this connection. Tick the box to delete them too, or keep the connection.',
  'cannot-delete-own-idp': 'You sign in through this connection yourself, so you cannot delete it.',
  'cannot-mix-idp-api-verions': 'This identity provider is already connected in an older way on this installation.',
  'idp-duplicate-domain-for-team': 'Your team already has a connection for this domain.',
  'sso-disabled': 'Single sign-on is not enabled for your team. Ask customer support to enable it.',
  'not-found': 'It no longer exists. The list has been refreshed.',
  'payload-too-large': 'That is too large to upload.',
  'server-error': 'Something went wrong on the server. Try again in a moment.',
  'service-unavailable': 'The service is busy or unavailable. Try again in a moment.',
  'bad-upstream': 'The service is busy or unavailable. Try again in a moment.',
  'network': 'The server could not be reached. Check your connection and try again.',
  'session-ended': 'Your session has ended. Sign in again.',
};

/** Labels whose server message adds what the words cannot know (which check failed). */
const WITH_MESSAGE = new Set(['invalid-metadata', 'bad-request', 'client-error']);

export class ApiError extends Error {
  constructor(status, label, message) {
    super(message || label);
    this.status = status;
    this.label = label;
  }
}

/** What to tell the admin about a failed call. */
export function describeError(err) {
  if (!(err instanceof ApiError)) return WORDS['server-error'];
  const words = WORDS[err.label];
  if (words && WITH_MESSAGE.has(err.label) && err.message) return words + ' ' + err.message;
  if (words) return words;
  if (err.message && err.status >= 400 && err.status < 500) return err.message;
  return WORDS['server-error'];
}

// ---- DOM helpers: text only ----

/** An element with attributes and children; strings become text nodes. */
export function h(tag, attrs) {
  const el = document.createElement(tag);
  for (const key of Object.keys(attrs || {})) {
    const v = attrs[key];
    if (v === null || v === undefined || v === false) continue;
    if (key.slice(0, 2) === 'on') el.addEventListener(key.slice(2), v);
    else el.setAttribute(key, v === true ? '' : String(v));
  }
  for (let i = 2; i < arguments.length; i++) append(el, arguments[i]);
  return el;
}

function append(el, child) {
  if (child === null || child === undefined || child === false) return;
  if (Array.isArray(child)) {
    for (const c of child) append(el, c);
    return;
  }
  el.appendChild(typeof child === 'string' || typeof child === 'number' ? document.createTextNode(String(child)) : child);
}

const pad = (n) => (n < 10 ? '0' : '') + n;

/** "2026-12-04 15:40 UTC" in a <time> element; the same everywhere, whatever the browser's locale. */
export function timeEl(iso) {
  const d = new Date(iso);
  if (!iso || Number.isNaN(d.getTime())) return document.createTextNode('unknown');
  const text = d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' +
    pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()) + ' UTC';
  return h('time', { datetime: d.toISOString() }, text);
}

const daysUntil = (iso, now) => Math.floor((new Date(iso).getTime() - now.getTime()) / DAY_MS);
const plural = (n, one, many) => n + ' ' + (n === 1 ? one : many);

// ---- rendering (pure: data in, nodes out) ----

/** The certificate line of a connection, with the warning when it expires soon or has. */
export function certificateNodes(details, now) {
  if (!details) return ['unknown'];
  if (details.cert_status === 'unreadable' && !details.cert_expiry) return [h('span', { class: 'warning' }, 'The certificate could not be read.')];
  if (!details.cert_expiry) return ['unknown'];
  const days = daysUntil(details.cert_expiry, now);
  if (details.cert_status === 'expired' || days < 0) {
    return [h('strong', { class: 'error' }, 'Expired'), ' on ', timeEl(details.cert_expiry),
      h('span', { class: 'error' }, '. Logins through this connection fail until you replace its metadata with the new certificate.')];
  }
  if (details.cert_status === 'expiring') {
    return [timeEl(details.cert_expiry), ' ', h('strong', { class: 'warning' }, 'Expires in ' + plural(days, 'day', 'days')),
      h('span', { class: 'warning' }, ': replace the metadata with the new certificate before then.')];
  }
  return [timeEl(details.cert_expiry)];
}

export function sourceNodes(details, spar) {
  const src = details ? details.metadata_source : null;
  if (!src) return [spar && spar.extraInfo && spar.extraInfo.metadataSource ? 'From a URL' : 'unknown'];
  if (src.kind !== 'url') return ['Uploaded XML (not refreshed automatically)'];
  const nodes = ['From ', h('code', null, src.url), '; last refreshed ', src.checked_at ? timeEl(src.checked_at) : 'never'];
  if (src.last_error) nodes.push(h('span', { class: 'warning' }, '. The last refresh failed: ' + src.last_error));
  return nodes;
}

function copyButton(targetId, what) {
  return h('button', { type: 'button', class: 'secondary', 'data-copy': targetId, 'aria-label': 'Copy ' + what }, 'Copy');
}

/** The fields of a metadata form; 'prefix' makes the ids unique. */
export function metadataFields(prefix, words) {
  return [
    h('label', { for: prefix + '-xml' }, words.xml),
    h('textarea', { id: prefix + '-xml', name: 'xml', spellcheck: 'false' }),
    h('label', { for: prefix + '-file' }, words.file),
    h('input', { id: prefix + '-file', name: 'file', type: 'file', accept: '.xml,application/xml,text/xml,application/samlmetadata+xml' }),
    h('label', { for: prefix + '-url' }, words.url),
    h('input', { id: prefix + '-url', name: 'url', type: 'url', inputmode: 'url', placeholder: 'https://' }),
  ];
}

/**
 * One connection: spar's IdP JSON ('spar') and our details ('details', null when they could not
 * be loaded). 'actions.replace(form, idp)' and 'actions.remove(form, idp)' handle the forms.
 */
export function renderIdp(spar, details, now, actions) {
  const id = spar.id;
  const name = spar.extraInfo.handle;
  const code = 'wire-' + id;
  const loginUrl = details ? details.login_url : new URL('sso/login?code=' + code, ROOT).href;
  const p = 'idp-' + id;
  const bound = details ? details.bound_users : null;
  const boundText = bound === null ? 'unknown number of' : String(bound);
  const row = (label, value) => [h('dt', null, label), h('dd', null, value)];
  return h('article', { id: p, class: 'idp', 'aria-labelledby': p + '-heading' },
    h('h3', { id: p + '-heading' }, name),
    h('dl', null,
      row('SSO code', [h('code', { id: p + '-code' }, code), ' ', copyButton(p + '-code', 'SSO code of ' + name)]),
      row('Login URL', [h('code', { id: p + '-login-url' }, loginUrl), ' ', copyButton(p + '-login-url', 'login URL of ' + name)]),
      row('Issuer', h('code', null, spar.metadata.issuer)),
      row('Certificate expiry', certificateNodes(details, now)),
      row('Metadata', sourceNodes(details, spar)),
      row('Bound users', bound === null ? 'unknown' : String(bound)),
      details && details.sp_metadata_url ? row('SP metadata URL for this connection', h('code', null, details.sp_metadata_url)) : null,
      spar.extraInfo.replacedBy ? row('Replaced by', h('code', null, spar.extraInfo.replacedBy)) : null),
    h('details', null,
      h('summary', null, 'Replace metadata'),
      h('form', { id: p + '-replace', 'aria-label': 'Replace metadata of ' + name, novalidate: true, onsubmit: (e) => actions.replace(e, spar) },
        h('p', { class: 'muted' }, 'Upload new metadata from the same identity provider, e.g. after a certificate change. Bound users stay bound when the issuer stays the same.'),
        metadataFields(p + '-replace', { xml: 'Replacement XML', file: 'Or upload a replacement file', url: 'Or replacement URL' }),
        h('p', { id: p + '-replace-error', class: 'error', role: 'alert', hidden: true }),
        h('button', { type: 'submit' }, 'Replace metadata of ' + name))),
    h('details', null,
      h('summary', null, 'Delete connection'),
      h('form', { id: p + '-delete', 'aria-label': 'Delete ' + name, novalidate: true, onsubmit: (e) => actions.remove(e, spar) },
        h('p', { class: 'notice warning', id: p + '-delete-warning' }, boundUsersSentence(bound) +
          ' Without the box below, deleting a connection that still has users is refused. ' +
          'With it, those users are deleted as well and cannot be restored. SCIM tokens bound to this connection are deleted too.'),
        h('input', { id: p + '-purge', name: 'purge', type: 'checkbox', 'aria-describedby': p + '-delete-warning' }),
        h('label', { for: p + '-purge' }, 'Also delete the ' + boundText + ' bound users'),
        h('p', { id: p + '-delete-error', class: 'error', role: 'alert', hidden: true }),
        h('button', { type: 'submit', class: 'danger' }, 'Delete connection ' + name))));
}

/** How many users a delete would take with it, in a sentence. */
export function boundUsersSentence(bound) {
  if (bound === null) return 'The number of users bound to this connection is not known.';
  if (bound === 0) return 'No users are bound to this connection.';
  return plural(bound, 'user is', 'users are') + ' bound to this connection.';
}

/** The "last used" cell: 'last_used' when the API has it; "never" when null or absent. */
export function lastUsedNodes(token) {
  return token.last_used ? [timeEl(token.last_used)] : ['never'];
}

/**
 * The expiry cell: nothing without 'expires_at', "never" for null, else the date, flagged when the
 * API says 'expired' / 'expires_soon' (its configured window) or, without those, past / within 14 days.
 */
export function expiryNodes(token, now) {
  if (!('expires_at' in token)) return [];
  if (token.expires_at === null) return ['never'];
  const left = new Date(token.expires_at).getTime() - now.getTime();
  const expired = typeof token.expired === 'boolean' ? token.expired : left <= 0;
  const soon = typeof token.expires_soon === 'boolean' ? token.expires_soon : left <= TOKEN_EXPIRY_WARNING_DAYS * DAY_MS;
  if (expired) return [h('strong', { class: 'error' }, 'Expired'), ' ', timeEl(token.expires_at)];
  if (soon) {
    return [timeEl(token.expires_at), ' ', h('strong', { class: 'warning' }, 'Expires in ' + plural(Math.max(0, daysUntil(token.expires_at, now)), 'day', 'days'))];
  }
  return [timeEl(token.expires_at)];
}

/** The token table. 'idpNames': id → connection name. */
export function renderTokens(tokens, idpNames, now, actions) {
  if (tokens.length === 0) return h('p', { class: 'muted' }, 'No SCIM tokens yet.');
  const withExpiry = tokens.some((t) => 'expires_at' in t);
  return h('table', null,
    h('caption', { class: 'visually-hidden' }, 'SCIM tokens'),
    h('thead', null, h('tr', null,
      h('th', { scope: 'col' }, 'Name'), h('th', { scope: 'col' }, 'Description'), h('th', { scope: 'col' }, 'Created'),
      h('th', { scope: 'col' }, 'Connection'), h('th', { scope: 'col' }, 'Last used'),
      withExpiry ? h('th', { scope: 'col' }, 'Expires') : null, h('th', { scope: 'col' }, 'Actions'))),
    h('tbody', null, tokens.map((t) => {
      const p = 'token-' + t.id;
      return h('tr', { id: p },
        h('th', { scope: 'row' }, t.name),
        h('td', null, t.description),
        h('td', null, timeEl(t.created_at)),
        h('td', null, t.idp ? (idpNames[t.idp] || t.idp) : 'Not bound', t.warning ? h('p', { class: 'warning' }, t.warning) : null,
          t.replaced_by ? h('p', { class: 'warning' }, 'Replaced by a newer token: delete this one once your provisioning tool uses the new one.') : null),
        h('td', null, lastUsedNodes(t)),
        withExpiry ? h('td', null, expiryNodes(t, now)) : null,
        h('td', null,
          h('details', null, h('summary', null, 'Rename'),
            h('form', { novalidate: true, 'aria-label': 'Rename token ' + t.name, onsubmit: (e) => actions.rename(e, t) },
              h('label', { for: p + '-name' }, 'New name for ' + t.name),
              h('input', { id: p + '-name', name: 'name', maxlength: 256, required: true, value: t.name, autocomplete: 'off' }),
              h('p', { id: p + '-rename-error', class: 'error', role: 'alert', hidden: true }),
              h('button', { type: 'submit' }, 'Save name'))),
          h('details', null, h('summary', null, 'Delete'),
            h('form', { novalidate: true, 'aria-label': 'Delete token ' + t.name, onsubmit: (e) => actions.remove(e, t) },
              h('p', null, 'Provisioning with this token stops at once. Users it created stay.'),
              h('p', { id: p + '-delete-error', class: 'error', role: 'alert', hidden: true }),
              h('button', { type: 'submit', class: 'danger' }, 'Delete token ' + t.name)))));
    })));
}

const ACTOR_TYPES = { 'scim-token': 'SCIM token', user: 'User', idp: 'Connection', system: 'System' };

function party(p) {
  if (!p) return '';
  const kind = ACTOR_TYPES[p.type] || p.type || '';
  const name = p.name || p.id || '';
  return kind && name ? kind + ': ' + name : kind + name;
}

/** Activity rows; 'reason' (an error label) is shown in words when it has some. */
export function renderEvents(events, idpNames) {
  idpNames = idpNames || {};
  return events.map((e) => {
    const failed = e.outcome === 'failed';
    const detail = e.detail === undefined || e.detail === null ? '' : typeof e.detail === 'string' ? e.detail : JSON.stringify(e.detail);
    return h('tr', null,
      h('td', null, timeEl(e.at)),
      h('td', null, h('code', null, e.kind)),
      h('td', null, failed ? h('strong', { class: 'error' }, 'Failed') : 'Succeeded',
        failed && e.reason ? h('p', null, (WORDS[e.reason] || '') + (WORDS[e.reason] ? ' ' : '') + '(' + e.reason + ')') : null),
      h('td', null, party(e.actor)),
      h('td', null, party(e.subject)),
      h('td', null, e.idp ? (idpNames[e.idp] || h('code', null, e.idp)) : ''),
      h('td', null, detail));
  });
}

export function activityTable() {
  return h('table', null,
    h('caption', { class: 'visually-hidden' }, 'Activity, newest first'),
    h('thead', null, h('tr', null, ['When', 'Event', 'Outcome', 'By', 'Subject', 'Connection', 'Details'].map((c) => h('th', { scope: 'col' }, c)))),
    h('tbody', { id: 'activity-rows' }));
}

// ---- the page ----

let accessToken = null;
let state = { idps: [], details: null, cursor: null, filter: {} };

const $ = (id) => document.getElementById(id);

async function mintAccess() {
  let res;
  try {
    res = await fetch(new URL('access', ROOT), { method: 'POST', credentials: 'same-origin', cache: 'no-store' });
  } catch (_) {
    throw new ApiError(0, 'network');
  }
  if (!res.ok) {
    accessToken = null;
    throw new ApiError(res.status, 'session-ended');
  }
  accessToken = (await res.json()).access_token;
}

/** One API call; with 'auth', the bearer token (minted again once when it has expired). */
async function call(method, path, opts) {
  opts = opts || {};
  const auth = opts.auth !== false;
  if (auth && !accessToken) await mintAccess();
  const headers = { accept: 'application/json' };
  if (auth) headers.authorization = 'Bearer ' + accessToken;
  let body;
  if (opts.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.json);
  } else if (opts.xml !== undefined) {
    headers['content-type'] = 'application/xml';
    body = opts.xml;
  }
  let res;
  try {
    res = await fetch(new URL(path, ROOT), { method, headers, body, credentials: 'same-origin', cache: 'no-store' });
  } catch (_) {
    throw new ApiError(0, 'network');
  }
  if (res.status === 401 && auth && !opts.retried) {
    accessToken = null;
    return call(method, path, Object.assign({}, opts, { retried: true }));
  }
  const text = await res.text();
  let json = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch (_) {
    json = null;
  }
  if (!res.ok) throw new ApiError(res.status, (json && json.label) || 'http-' + res.status, json && json.message);
  return json;
}

function showError(id, err, input) {
  const el = $(id);
  if (!el) return;
  el.textContent = typeof err === 'string' ? err : describeError(err);
  el.hidden = false;
  if (input) {
    input.setAttribute('aria-invalid', 'true');
    input.focus();
  }
  if (err instanceof ApiError && err.label === 'session-ended') signedOut(describeError(err));
}

function clearError(id) {
  const el = $(id);
  if (el) {
    el.textContent = '';
    el.hidden = true;
  }
}

function say(text) {
  $('page-status').textContent = text;
}

function busy(form, on) {
  for (const b of form.querySelectorAll('button')) b.disabled = on;
  form.setAttribute('aria-busy', on ? 'true' : 'false');
}

function signedOut(message) {
  accessToken = null;
  state = { idps: [], details: null, cursor: null, filter: {} };
  $('signed-in').hidden = true;
  $('admin').hidden = true;
  $('not-admin').hidden = true;
  for (const id of ['idp-list', 'token-list', 'activity-list']) $(id).replaceChildren();
  $('token-created').hidden = true;
  $('token-secret').textContent = '';
  $('signin').hidden = false;
  if (message) showError('signin-error', message);
  $('signin-email').focus();
}

async function enter() {
  const me = await call('GET', 'self');
  $('me-name').textContent = me.name || me.email || me.id;
  $('me-email').textContent = me.email && me.name ? '(' + me.email + ')' : '';
  $('signin').hidden = true;
  $('signed-in').hidden = false;
  try {
    state.details = await call('GET', 'team-settings/details');
  } catch (e) {
    if (e instanceof ApiError && (e.label === 'insufficient-permissions' || e.label === 'no-team-member')) {
      $('not-admin-text').textContent = e.label === 'no-team-member'
        ? 'Your account does not belong to a team, so there are no team settings to show.'
        : 'Your account is a member of the team without admin rights. Ask a team owner or admin to make you an admin, or to do what you need for you.';
      $('not-admin').hidden = false;
      $('admin').hidden = true;
      say('Signed in.');
      return;
    }
    signedOut(describeError(e));
    return;
  }
  $('not-admin').hidden = true;
  $('admin').hidden = false;
  $('sp-metadata-url').textContent = state.details.sp_metadata_url;
  $('scim-base-url').textContent = state.details.scim_base_url;
  say('Signed in.');
  await Promise.all([loadSso(false), loadActivity(true)]);
}

async function loadSso(refreshDetails) {
  clearError('idp-list-error');
  try {
    const [list, details] = await Promise.all([
      call('GET', API + 'identity-providers'),
      refreshDetails ? call('GET', 'team-settings/details') : Promise.resolve(state.details),
    ]);
    state.details = details;
    state.idps = list.providers;
    const byId = {};
    for (const d of details.idps) byId[d.id] = d;
    const now = new Date();
    const actions = { replace: replaceIdp, remove: deleteIdp };
    $('idp-list').replaceChildren(...(state.idps.length
      ? state.idps.map((idp) => renderIdp(idp, byId[idp.id] || null, now, actions))
      : [h('p', { class: 'muted' }, 'No connections yet. Add one below.')]));
    fillIdpSelect();
  } catch (e) {
    showError('idp-list-error', e);
  }
  await loadTokens();
}

function fillIdpSelect() {
  const select = $('token-idp');
  const chosen = select.value;
  select.replaceChildren(
    h('option', { value: '' }, 'Not bound to a connection'),
    ...state.idps.map((idp) => h('option', { value: idp.id }, idp.extraInfo.handle + ' (' + idp.metadata.issuer + ')')));
  select.value = state.idps.some((i) => i.id === chosen) ? chosen : state.idps.length ? state.idps[0].id : '';
}

async function loadTokens() {
  clearError('token-list-error');
  try {
    const { tokens } = await call('GET', API + 'scim/auth-tokens');
    const names = {};
    for (const idp of state.idps) names[idp.id] = idp.extraInfo.handle;
    $('token-list').replaceChildren(renderTokens(tokens, names, new Date(), { rename: renameToken, remove: deleteToken }));
    const limit = state.details ? state.details.scim_token_limit : Infinity;
    $('token-limit-reached').hidden = tokens.length < limit;
  } catch (e) {
    showError('token-list-error', e);
  }
}

/** The metadata of a form: XML (pasted or from the file) or a URL, exactly one of them. */
async function metadataOf(prefix) {
  const xml = $(prefix + '-xml').value.trim();
  const url = $(prefix + '-url').value.trim();
  const file = $(prefix + '-file').files[0];
  const fileXml = file ? (await file.text()).trim() : '';
  const given = [xml, url, fileXml].filter((v) => v !== '').length;
  if (given === 0) return { error: 'Paste the metadata XML, choose a metadata file, or give the metadata URL.', field: prefix + '-xml' };
  if (given > 1) return { error: 'Give the metadata one way only: clear the other fields.', field: prefix + '-xml' };
  if (url) {
    if (!/^https:\/\//i.test(url)) return { error: 'The metadata URL must start with https://.', field: prefix + '-url' };
    return { json: { url } };
  }
  return { xml: xml || fileXml };
}

async function submitMetadata(e, prefix, errorId, send) {
  e.preventDefault();
  const form = e.target;
  clearError(errorId);
  const md = await metadataOf(prefix);
  if (md.error) return showError(errorId, md.error, $(md.field));
  busy(form, true);
  try {
    await send(md);
    form.reset();
    await loadSso(true);
    return true;
  } catch (err) {
    showError(errorId, err);
    return false;
  } finally {
    busy(form, false);
  }
}

async function addIdp(e) {
  const handle = $('idp-add-name').value.trim();
  const q = handle ? '?handle=' + encodeURIComponent(handle) : '';
  const ok = await submitMetadata(e, 'idp-add', 'idp-add-error', (md) => call('POST', API + 'identity-providers' + q, md.json ? { json: md.json } : { xml: md.xml }));
  if (ok) say('Connection added.');
}

async function replaceIdp(e, idp) {
  const p = 'idp-' + idp.id + '-replace';
  const ok = await submitMetadata(e, p, p + '-error', (md) => call('PUT', API + 'identity-providers/' + idp.id, md.json ? { json: md.json } : { xml: md.xml }));
  if (ok) say('Metadata of ' + idp.extraInfo.handle + ' replaced.');
}

async function deleteIdp(e, idp) {
  e.preventDefault();
  const p = 'idp-' + idp.id + '-delete';
  const form = e.target;
  clearError(p + '-error');
  const purge = $('idp-' + idp.id + '-purge').checked;
  busy(form, true);
  try {
    await call('DELETE', API + 'identity-providers/' + idp.id + '?purge=' + purge);
    say('Connection ' + idp.extraInfo.handle + ' deleted.');
    await loadSso(true);
  } catch (err) {
    if (err instanceof ApiError && err.label === 'not-found') await loadSso(true);
    else showError(p + '-error', err);
  } finally {
    busy(form, false);
  }
}

async function createToken(e) {
  e.preventDefault();
  const form = e.target;
  clearError('token-create-error');
  const description = $('token-description').value.trim();
  if (!description) return showError('token-create-error', 'Describe what the token is for.', $('token-description'));
  const body = { description };
  const name = $('token-name').value.trim();
  if (name) body.name = name;
  if ($('token-idp').value) body.idp = $('token-idp').value;
  const password = $('token-password').value;
  if (password) body.password = password;
  busy(form, true);
  try {
    const created = await call('POST', API + 'scim/auth-tokens', { json: body });
    form.reset();
    fillIdpSelect();
    $('token-secret').textContent = created.token;
    $('token-created').hidden = false;
    $('token-created').focus();
    say('Token created. Store it now: it is shown only once.');
    await loadTokens();
  } catch (err) {
    if (err instanceof ApiError && err.label === 'token-limit-reached') $('token-limit-reached').hidden = false;
    showError('token-create-error', err, err instanceof ApiError && err.label === 'access-denied' ? $('token-password') : null);
  } finally {
    $('token-password').value = '';
    busy(form, false);
  }
}

async function renameToken(e, token) {
  e.preventDefault();
  const p = 'token-' + token.id;
  const form = e.target;
  clearError(p + '-rename-error');
  const name = $(p + '-name').value.trim();
  if (!name) return showError(p + '-rename-error', 'Enter a name.', $(p + '-name'));
  busy(form, true);
  try {
    await call('PUT', API + 'scim/auth-tokens/' + token.id, { json: { name } });
    say('Token renamed to ' + name + '.');
    await loadTokens();
  } catch (err) {
    showError(p + '-rename-error', err);
    busy(form, false);
  }
}

async function deleteToken(e, token) {
  e.preventDefault();
  const p = 'token-' + token.id;
  const form = e.target;
  clearError(p + '-delete-error');
  busy(form, true);
  try {
    await call('DELETE', API + 'scim/auth-tokens?id=' + encodeURIComponent(token.id));
    say('Token ' + token.name + ' deleted.');
    await loadTokens();
  } catch (err) {
    showError(p + '-delete-error', err);
    busy(form, false);
  }
}

/** Up to this many requests when pages come back empty (the API reads a bounded time span per request). */
const ACTIVITY_FOLLOW = 5;

async function loadActivity(fresh) {
  clearError('activity-error');
  const q = new URLSearchParams({ limit: String(PAGE_SIZE) });
  for (const k of ['kind', 'outcome', 'subject']) if (state.filter[k]) q.set(k, state.filter[k]);
  let cursor = fresh ? null : state.cursor;
  try {
    let page;
    for (let i = 0; i < ACTIVITY_FOLLOW; i++) {
      if (cursor) q.set('cursor', cursor);
      page = await call('GET', 'team-settings/activity?' + q.toString());
      cursor = page.next;
      if (page.events.length > 0 || !cursor) break;
    }
    if (fresh || !$('activity-rows')) $('activity-list').replaceChildren(activityTable());
    const names = {};
    for (const idp of state.idps) names[idp.id] = idp.extraInfo.handle;
    $('activity-rows').append(...renderEvents(page.events, names));
    if ($('activity-rows').children.length === 0) {
      $('activity-list').replaceChildren(h('p', { class: 'muted' }, cursor ? 'Nothing found in the most recent events. Press More to look further back.' : 'Nothing matches.'));
    }
    state.cursor = cursor;
    $('activity-more').hidden = !cursor;
    $('activity-unavailable').hidden = true;
  } catch (err) {
    if (err instanceof ApiError && err.status === 404 && err.label !== 'not-found') {
      $('activity-unavailable').hidden = false;
      $('activity-filter').hidden = true;
      $('activity-more').hidden = true;
      return;
    }
    showError('activity-error', err);
  }
}

async function copyFrom(button) {
  const target = $(button.getAttribute('data-copy'));
  const text = target ? target.textContent : '';
  try {
    await navigator.clipboard.writeText(text);
    say('Copied: ' + text);
  } catch (_) {
    const range = document.createRange();
    range.selectNodeContents(target);
    getSelection().removeAllRanges();
    getSelection().addRange(range);
    say('Selected. Press Ctrl+C (or Cmd+C) to copy.');
  }
}

function fileIntoTextarea(e) {
  const input = e.target;
  if (!(input instanceof HTMLInputElement) || input.type !== 'file' || !input.id.endsWith('-file')) return;
  const file = input.files[0];
  if (!file) return;
  file.text().then((text) => {
    $(input.id.replace(/-file$/, '-xml')).value = text;
    input.value = '';
    say('Loaded ' + file.name + '.');
  });
}

export function start() {
  $('signin-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    clearError('signin-error');
    const form = e.target;
    const email = $('signin-email').value.trim();
    const password = $('signin-password').value;
    if (!email || !password) return showError('signin-error', 'Enter your email address and password.', email ? $('signin-password') : $('signin-email'));
    busy(form, true);
    try {
      const r = await call('POST', 'login?persist=false', { auth: false, json: { email, password } });
      accessToken = r.access_token;
      $('signin-password').value = '';
      await enter();
    } catch (err) {
      showError('signin-error', err, $('signin-password'));
    } finally {
      busy(form, false);
    }
  });
  $('signout').addEventListener('click', async () => {
    try {
      await call('POST', 'logout', { auth: false });
    } catch (_) {
      // Signed out here either way; the cookie dies with its session.
    }
    signedOut();
    say('Signed out.');
  });
  $('idp-add-form').addEventListener('submit', addIdp);
  $('token-create-form').addEventListener('submit', createToken);
  $('token-created-done').addEventListener('click', () => {
    $('token-created').hidden = true;
    $('token-secret').textContent = '';
    $('token-description').focus();
  });
  $('activity-filter').addEventListener('submit', (e) => {
    e.preventDefault();
    state.filter = { kind: $('activity-kind').value, outcome: $('activity-outcome').value, subject: $('activity-subject').value.trim() };
    state.cursor = null;
    loadActivity(true);
  });
  $('activity-more').addEventListener('click', () => loadActivity(false));
  document.addEventListener('click', (e) => {
    const b = e.target instanceof Element ? e.target.closest('[data-copy]') : null;
    if (b) copyFrom(b);
  });
  document.addEventListener('change', fileIntoTextarea);
  document.addEventListener('input', (e) => {
    if (e.target instanceof Element) e.target.removeAttribute('aria-invalid');
  });
  mintAccess().then(enter, () => signedOut()).catch((err) => {
    signedOut();
    showError('signin-error', err);
  });
}

if (globalThis.document && document.getElementById('signin-form')) start();
`;
