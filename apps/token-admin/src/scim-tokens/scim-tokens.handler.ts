import { type TeamAccess, generateScimToken, hashScimToken, verifyPassword } from '@sso/auth';
import { type Clock, DomainError, type IdpId, type TeamId, type UserId, idpId, isUuid, newScimTokenId, scimTokenId } from '@sso/domain';
import type { IdentityStores, ScimTokenLifecycle, ScimTokenLifecycleStore, ScimTokenRecord, SparStores } from '@sso/persistence';
import type { CreateScimTokenDto, RotateScimTokenDto, ScimTokenInfoDto } from './scim-tokens.dto';
import { TeamTokens, type TokenLifecyclePolicy, lifecycleKey, requestedExpiry } from './token-lifecycle';
import { type ActivityRecorder, recordByUser } from '@sso/platform';

/** spar's API versions before v8 bind a token to the team's only IdP when none is named. */
const IMPLICIT_IDP_UNTIL = 8;

/**
 * Why an unbound token in a team with IdPs is worth a warning: its users get email identities
 * (`scim_external_id`), which no SAML login ever matches, so they can never log in by SSO, even
 * after an IdP is added. spar says nothing; the binding rules stay spar's.
 */
export const UNBOUND_TOKEN_WARNING =
  'This token is not bound to an IdP: users provisioned with it get no SAML identity and cannot log in with SSO. ' +
  'To provision SSO users, create a token with "idp" set to the IdP id, then re-send each user (PUT) with that token.';

/** What the token list and the create and rotate answers say about a token's lifecycle (not in spar). */
export interface TokenLifecycleView {
  lc: ScimTokenLifecycle | null;
  replacedBy: ScimTokenRecord['id'] | null;
  now: Date;
  warningDays: number;
}

function tokenInfo(r: ScimTokenRecord, teamHasIdps: boolean, life: TokenLifecycleView): ScimTokenInfoDto {
  const expiresAt = life.lc?.expiresAt ?? null;
  const left = expiresAt ? expiresAt.getTime() - life.now.getTime() : Infinity;
  const info: ScimTokenInfoDto = {
    id: r.id,
    team: r.team,
    created_at: r.createdAt.toISOString(),
    idp: r.idp,
    description: r.description,
    name: r.name ?? r.id,
    expires_at: expiresAt?.toISOString() ?? null,
    last_used: life.lc?.lastUsed?.toISOString() ?? null,
    expired: left <= 0,
    expires_soon: left > 0 && left <= life.warningDays * 86_400_000,
    rotated_from: life.lc?.rotatedFrom ?? null,
    replaced_by: life.replacedBy,
  };
  if (r.idp === null && teamHasIdps) info.warning = UNBOUND_TOKEN_WARNING;
  return info;
}

/** What the activity log calls a token: its name, else its description (a name equal to the id says nothing). */
function tokenName(t: ScimTokenRecord | null): string | undefined {
  return t?.name && t.name !== t.id ? t.name : t?.description || undefined;
}

export class ScimTokensHandler {
  constructor(
    private readonly spar: SparStores,
    private readonly identity: IdentityStores,
    private readonly access: TeamAccess,
    private readonly clock: Clock,
    private readonly maxTokens: number,
    private readonly lifecycle: ScimTokenLifecycleStore,
    private readonly policy: TokenLifecyclePolicy,
    /** The team activity log (absent: nothing is recorded). */
    private readonly activity?: Pick<ActivityRecorder, 'defer'>,
  ) {}

  private recordChange(
    team: TeamId,
    caller: UserId,
    kind: 'token.created' | 'token.renamed' | 'token.deleted',
    t: ScimTokenRecord | null,
    id: ScimTokenRecord['id'],
    detail: string,
    newName?: string,
  ): void {
    if (!this.activity) return;
    const name = newName ?? tokenName(t);
    recordByUser(this.activity, this.identity.users, team, caller, {
      kind,
      outcome: 'ok',
      subject: { type: 'scim-token', id, ...(name ? { name } : {}) },
      ...(t?.idp ? { idp: t.idp } : {}),
      detail,
    });
  }

  async create(caller: UserId, body: CreateScimTokenDto, apiVersion: number): Promise<{ token: string; info: ScimTokenInfoDto }> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateReadDeleteScimToken');
    await this.reauthenticate(caller, body.password);
    const expiresAt = requestedExpiry(body, this.clock.now(), this.policy) ?? null;
    if ((await this.teamTokens(team)).counted >= this.maxTokens) {
      throw new DomainError('token-limit-reached', 'Maximum number of SCIM tokens reached');
    }
    const idp = await this.resolveIdp(team, body.idp, apiVersion);
    const { token, rec } = await this.issue(team, { idp, description: body.description, name: body.name }, expiresAt, null);
    // The count before the insert is only the fast answer: two creations at the limit can both
    // pass it. Counting again after the insert and withdrawing our own token when over the limit
    // never lets a team exceed it (two racing creations may then both be refused; retrying works).
    if ((await this.teamTokens(team)).counted > this.maxTokens) {
      await this.withdraw(rec);
      throw new DomainError('token-limit-reached', 'Maximum number of SCIM tokens reached');
    }
    this.recordChange(team, caller, 'token.created', rec, rec.id, `SCIM token ${tokenName(rec) ?? rec.id} was created.`);
    const lc = expiresAt ? this.lifecycleOf(rec, expiresAt, null) : null;
    return { token, info: tokenInfo(rec, idp === null && (await this.spar.idps.listByTeam(team)).length > 0, this.view(lc, null)) };
  }

  /**
   * A new token for the binding of token `id` (its IdP, description and name), while the old one
   * stays valid until it is deleted or expires (docs/decisions.md, "SCIM token rotation"). Not
   * counted against the limit: the old token stops counting while its successor lives. A token is
   * rotated once at a time: rotating a token that already has a live successor, or whose own
   * predecessor still exists, is 409 `rotation-in-progress`.
   */
  async rotate(caller: UserId, id: string, body: RotateScimTokenDto): Promise<{ token: string; info: ScimTokenInfoDto }> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateReadDeleteScimToken');
    await this.reauthenticate(caller, body.password);
    const now = this.clock.now();
    const requested = requestedExpiry(body, now, this.policy);
    if (!isUuid(id)) throw new DomainError('not-found', 'SCIM token not found');
    const before = await this.teamTokens(team);
    const old = before.find(scimTokenId(id));
    if (!old) throw new DomainError('not-found', 'SCIM token not found');
    if (before.successors(old.rec.id).length > 0) {
      throw new DomainError('rotation-in-progress', 'This token was already rotated: delete it, or let it expire, before rotating again');
    }
    if (old.lc?.rotatedFrom && before.find(old.lc.rotatedFrom)) {
      throw new DomainError('rotation-in-progress', 'The token this one replaced still exists: delete it before rotating this one');
    }
    // Without an expiry in the request, the new token gets the old one's lifetime (none stays none).
    let expiresAt = requested ?? null;
    if (requested === undefined && old.lc?.expiresAt) {
      const lifetime = Math.min(old.lc.expiresAt.getTime() - old.rec.createdAt.getTime(), this.policy.maxLifetimeDays * 86_400_000);
      expiresAt = new Date(now.getTime() + Math.max(lifetime, 60_000));
    }
    const { idp, description, name } = old.rec;
    // A token created without a name is named by its own id; its successor then gets its own id, not the old one's.
    const kept = name && name !== old.rec.id ? name : undefined;
    const { token, rec } = await this.issue(team, { idp, description, name: kept }, expiresAt, old.rec.id);
    // Two rotations of one token at once: both may have passed the check above. The one that sees
    // another successor withdraws (both may; retrying works), so a token never has two.
    if ((await this.teamTokens(team)).successors(old.rec.id).some((t) => t.rec.id !== rec.id)) {
      await this.withdraw(rec);
      throw new DomainError('rotation-in-progress', 'This token is being rotated by another request');
    }
    this.recordChange(
      team,
      caller,
      'token.created',
      rec,
      rec.id,
      `SCIM token ${tokenName(rec) ?? rec.id} was created by rotating ${old.rec.id}.`,
    );
    const teamHasIdps = idp === null && (await this.spar.idps.listByTeam(team)).length > 0;
    return { token, info: tokenInfo(rec, teamHasIdps, this.view(this.lifecycleOf(rec, expiresAt, old.rec.id), null)) };
  }

  async list(caller: UserId): Promise<ScimTokenInfoDto[]> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateReadDeleteScimToken');
    const [tokens, idps] = await Promise.all([this.teamTokens(team), this.spar.idps.listByTeam(team)]);
    return tokens.all.map((t) => tokenInfo(t.rec, idps.length > 0, this.view(t.lc, tokens.successors(t.rec.id)[0]?.rec.id ?? null)));
  }

  /** Unlike spar, renaming a token that does not exist (in the caller's team) is a 404. */
  async rename(caller: UserId, id: string, name: string): Promise<void> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateReadDeleteScimToken');
    if (!isUuid(id) || !(await this.spar.scimTokens.rename(team, scimTokenId(id), name))) {
      throw new DomainError('not-found', 'SCIM token not found');
    }
    this.recordChange(team, caller, 'token.renamed', null, scimTokenId(id), `SCIM token renamed to ${name}.`, name);
  }

  /** Idempotent, as spar: 204 whether or not the token existed; only the caller's team is touched. */
  async delete(caller: UserId, id: string): Promise<void> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateReadDeleteScimToken');
    if (!isUuid(id)) throw new DomainError('bad-request', 'id: not a valid token id');
    const rec = await this.spar.scimTokens.get(team, scimTokenId(id));
    if (!rec) return;
    await this.withdraw(rec);
    this.recordChange(team, caller, 'token.deleted', rec, rec.id, `SCIM token ${tokenName(rec) ?? rec.id} was deleted.`);
  }

  private teamTokens(team: TeamId): Promise<TeamTokens> {
    return TeamTokens.load(this.spar.scimTokens, this.lifecycle, team);
  }

  /**
   * Writes a new token: the lifecycle row first (when it has something to say), so the token
   * never exists without its expiry; the secret is returned only after both writes.
   */
  private async issue(
    team: TeamId,
    binding: { idp: IdpId | null; description: string; name: string | undefined },
    expiresAt: Date | null,
    rotatedFrom: ScimTokenRecord['id'] | null,
  ): Promise<{ token: string; rec: ScimTokenRecord }> {
    const token = generateScimToken();
    const id = newScimTokenId();
    const rec: ScimTokenRecord = {
      team,
      id,
      tokenKey: hashScimToken(token),
      createdAt: this.clock.now(),
      idp: binding.idp,
      description: binding.description,
      name: binding.name ?? id,
    };
    if (expiresAt || rotatedFrom) await this.lifecycle.put({ tokenKey: rec.tokenKey, team, id, expiresAt, rotatedFrom });
    await this.spar.scimTokens.insert(rec);
    return { token, rec };
  }

  /** Deletes a token from spar's tables, then its lifecycle row. */
  private async withdraw(rec: ScimTokenRecord): Promise<void> {
    await this.spar.scimTokens.delete(rec.team, rec.id);
    await this.lifecycle.delete(lifecycleKey(rec));
  }

  private lifecycleOf(rec: ScimTokenRecord, expiresAt: Date | null, rotatedFrom: ScimTokenRecord['id'] | null): ScimTokenLifecycle {
    return { tokenKey: rec.tokenKey, team: rec.team, id: rec.id, expiresAt, rotatedFrom, lastUsed: null };
  }

  private view(lc: ScimTokenLifecycle | null, replacedBy: ScimTokenRecord['id'] | null): TokenLifecycleView {
    return { lc, replacedBy, now: this.clock.now(), warningDays: this.policy.expiryWarningDays };
  }

  /** Token creation re-checks the password of users who have one (spar asks brig the same). */
  private async reauthenticate(caller: UserId, password: string | undefined): Promise<void> {
    const user = await this.identity.users.get(caller);
    // spar's text for every refusal of brig's reauthenticate.
    if (!user) throw new DomainError('access-denied', 'This operation requires reauthentication.');
    if (!user.passwordHash) return;
    if (password === undefined || !(await verifyPassword(user.passwordHash, password))) {
      throw new DomainError('access-denied', 'This operation requires reauthentication.');
    }
  }

  private async resolveIdp(team: TeamId, requested: string | undefined, apiVersion: number): Promise<IdpId | null> {
    if (requested !== undefined) {
      const idp = await this.spar.idps.get(idpId(requested));
      // Another team's IdP is reported exactly like a missing one.
      if (!idp || idp.team !== team) throw new DomainError('not-found', 'Could not find IdP.');
      return idp.id;
    }
    if (apiVersion >= IMPLICIT_IDP_UNTIL) return null;
    const idps = await this.spar.idps.listByTeam(team);
    if (idps.length > 1) throw new DomainError('more-than-one-idp', 'The team has more than one IdP: name one with "idp"');
    return idps[0]?.id ?? null;
  }
}
