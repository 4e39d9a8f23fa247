import { type TeamAccess, generateScimToken, hashScimToken, verifyPassword } from '@sso/auth';
import { type Clock, DomainError, type IdpId, type TeamId, type UserId, idpId, isUuid, newScimTokenId, scimTokenId } from '@sso/domain';
import type { IdentityStores, ScimTokenRecord, SparStores } from '@sso/persistence';
import { type ActivityRecorder, recordByUser } from '@sso/platform';
import type { CreateScimTokenDto, ScimTokenInfoDto } from './scim-tokens.dto';

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

function tokenInfo(r: ScimTokenRecord, teamHasIdps = false): ScimTokenInfoDto {
  const info: ScimTokenInfoDto = {
    id: r.id,
    team: r.team,
    created_at: r.createdAt.toISOString(),
    idp: r.idp,
    description: r.description,
    name: r.name ?? r.id,
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
    if ((await this.spar.scimTokens.countByTeam(team)) >= this.maxTokens) {
      throw new DomainError('token-limit-reached', 'Maximum number of SCIM tokens reached');
    }
    const idp = await this.resolveIdp(team, body.idp, apiVersion);
    const token = generateScimToken();
    const id = newScimTokenId();
    const rec: ScimTokenRecord = {
      team,
      id,
      tokenKey: hashScimToken(token),
      createdAt: this.clock.now(),
      idp,
      description: body.description,
      name: body.name ?? id,
    };
    await this.spar.scimTokens.insert(rec);
    // The count before the insert is only the fast answer: two creations at the limit can both
    // pass it. Counting again after the insert and withdrawing our own token when over the limit
    // never lets a team exceed it (two racing creations may then both be refused; retrying works).
    if ((await this.spar.scimTokens.countByTeam(team)) > this.maxTokens) {
      await this.spar.scimTokens.delete(team, id);
      throw new DomainError('token-limit-reached', 'Maximum number of SCIM tokens reached');
    }
    this.recordChange(team, caller, 'token.created', rec, id, `SCIM token ${tokenName(rec) ?? id} was created.`);
    return { token, info: tokenInfo(rec, idp === null && (await this.spar.idps.listByTeam(team)).length > 0) };
  }

  async list(caller: UserId): Promise<ScimTokenInfoDto[]> {
    const team = await this.access.requireSsoAdmin(caller, 'CreateReadDeleteScimToken');
    const [tokens, idps] = await Promise.all([this.spar.scimTokens.listByTeam(team), this.spar.idps.listByTeam(team)]);
    return tokens.map((t) => tokenInfo(t, idps.length > 0));
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
    // Read first only for the activity log's name of the token.
    const gone = this.activity ? await this.spar.scimTokens.get(team, scimTokenId(id)) : null;
    if ((await this.spar.scimTokens.delete(team, scimTokenId(id))) && gone)
      this.recordChange(team, caller, 'token.deleted', gone, gone.id, `SCIM token ${tokenName(gone) ?? gone.id} was deleted.`);
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
