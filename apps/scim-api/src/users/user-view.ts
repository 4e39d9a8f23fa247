import { type Role, type TeamId, type User, isEmail } from '@sso/domain';
import {
  type JsonObject,
  type JsonValue,
  USER_SCHEMA,
  WIRE_PROFILE_SCHEMA,
  WIRE_USER_SCHEMA,
  findKey,
  getIgnoreCase,
  isObject,
  renderRichInfo,
} from '@sso/scim';
import { externalIdOf } from './sso-identity';

/**
 * Who is a SCIM resource of a team (docs/spar-behaviour.md §5.4, `getUserById`): a live member with an
 * SSO identity (users that SSO login created, SCIM users) or managed by SCIM. Members with only
 * an email and a password (the owner who made the team, users who registered themselves) are
 * left out, unlike spar: a provisioning token must not read, take over or delete the accounts
 * that administer the team (docs/compatibility.md).
 */
export function visibleIn(team: TeamId, user: User): boolean {
  if (user.team !== team || user.status === 'deleted') return false;
  return user.managedBy === 'scim' || externalIdOf(user.ssoId) !== null;
}

/**
 * The document of a team member SCIM has not written yet (SSO-created users, SCIM users from
 * before the document table): what brig knows, as spar's `synthesizeStoredUser` shows it. A
 * user without a handle gets its id as userName (spar writes that handle on the read; we only
 * show it, and a PUT or PATCH that keeps it claims it).
 */
export function synthesise(user: User): JsonObject {
  const doc: JsonObject = {
    schemas: [USER_SCHEMA, WIRE_PROFILE_SCHEMA, WIRE_USER_SCHEMA],
    userName: user.handle ?? user.id,
    displayName: user.name,
    active: user.status !== 'suspended' && user.status !== 'pending-invitation',
  };
  const externalId = externalIdOf(user.ssoId) ?? user.emailUnvalidated ?? user.email;
  if (externalId !== null) doc['externalId'] = externalId;
  const email = user.emailUnvalidated ?? user.email;
  if (email) doc['emails'] = [{ value: email }];
  if (user.language) doc['preferredLanguage'] = user.language;
  Object.assign(doc, renderRichInfo([]));
  return doc;
}

/** The language of a locale (`de-CH` → `de`), as spar renders `preferredLanguage`. */
export function languageOf(locale: string): string {
  return locale.slice(0, 2).toLowerCase();
}

/**
 * What spar shows beyond what the client wrote (docs/spar-behaviour.md §5.2):
 * - `roles`: the member's team role (galley's, so a change in team settings shows), `member`
 *   when there is no member row. In the shape the client wrote roles in (`{"value": ...}`
 *   objects keep `type` and `primary`, and `display` while the role is the one written), else spar's plain strings;
 * - `preferredLanguage`: the user's, else the backend's default locale;
 * - `emails`: when none are stored, the externalId if it is an address;
 * - `active`: brig's status (active or not).
 */
export function present(doc: JsonObject, user: User, role: Role | null, defaultLocale: string): JsonObject {
  const out: JsonObject = { ...doc };
  const r = role ?? 'member';
  const rolesKey = findKey(out, 'roles') ?? 'roles';
  const written = out[rolesKey];
  const first = Array.isArray(written) ? written[0] : undefined;
  if (isObject(first)) {
    const kept: JsonObject = {};
    // `display` names the written role: kept only while that is still the member's role.
    const same = String(getIgnoreCase(first, 'value') ?? '').toLowerCase() === r;
    for (const k of same ? ['type', 'primary', 'display'] : ['type', 'primary']) {
      const v = getIgnoreCase(first, k);
      if (v !== undefined && v !== null) kept[k] = v;
    }
    out[rolesKey] = [{ ...kept, value: r }];
  } else {
    out[rolesKey] = [r];
  }

  const langKey = findKey(out, 'preferredLanguage');
  if (langKey === undefined || typeof out[langKey] !== 'string') {
    out[langKey ?? 'preferredLanguage'] = user.language ?? languageOf(defaultLocale);
  }

  // `active` is brig's status, as spar shows it: false for a pending invitation whatever the
  // client wrote, true once it is accepted (writes start from this document, so they agree).
  out[findKey(out, 'active') ?? 'active'] = user.status === 'active';

  const emailsKey = findKey(out, 'emails');
  const emails = emailsKey === undefined ? undefined : out[emailsKey];
  const eid = getIgnoreCase(out, 'externalId');
  if ((!Array.isArray(emails) || emails.length === 0) && typeof eid === 'string' && isEmail(eid)) {
    out[emailsKey ?? 'emails'] = [{ value: eid }] as JsonValue;
  }
  return out;
}
