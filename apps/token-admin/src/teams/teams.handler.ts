import { hashPassword } from '@sso/auth';
import type { Config } from '@sso/config';
import {
  type Clock,
  DomainError,
  type Role,
  type Team,
  type TeamId,
  type UserId,
  emailKey,
  isEmail,
  isUuid,
  newTeamId,
  newUserId,
  newUserRecord,
  roles,
} from '@sso/domain';
import type { FeatureStatus, IdentityStores, Page } from '@sso/persistence';

interface NewMember {
  email: string;
  /** Optional: users without a password log in with SSO only. */
  password?: string;
  name?: string;
  role: Role;
}

/** The `sso` status of teams that never had one set, from `features.sso`. */
export const ssoDefault = (config: Pick<Config, 'features'>): FeatureStatus =>
  config.features.sso === 'enabled-by-default' ? 'enabled' : 'disabled';

/** The `validateSAMLemails` status of teams that never had one set, from `features.validateSAMLemails`. */
export const validateSamlEmailsDefault = (config: Pick<Config, 'features'>): FeatureStatus =>
  config.features.validateSAMLemails === 'enabled-by-default' ? 'enabled' : 'disabled';

const MIN_PASSWORD = 8;
const MAX_PASSWORD = 1024;

/** Team bootstrap for operators: used by the internal routes and by the admin command. */
export class TeamsHandler {
  constructor(
    private readonly stores: IdentityStores,
    private readonly clock: Clock,
    /** `features.sso`: the status of teams that never had one set. */
    private readonly ssoDefault: FeatureStatus = 'enabled',
    /** `features.validateSAMLemails`: the status of teams that never had one set. */
    private readonly validateSamlEmailsDefault: FeatureStatus = 'disabled',
  ) {}

  /** The team's effective `validateSAMLemails` status (galley's `GET /i/teams/:tid/features/validateSAMLemails`). */
  async validateSamlEmailsFeature(team: TeamId): Promise<{ status: FeatureStatus }> {
    await this.requireTeam(team);
    return { status: (await this.stores.teams.validateSamlEmailsStatus(team)) ?? this.validateSamlEmailsDefault };
  }

  async setValidateSamlEmailsFeature(team: TeamId, status: unknown): Promise<{ status: FeatureStatus }> {
    if (status !== 'enabled' && status !== 'disabled') throw new DomainError('bad-request', 'status: "enabled" or "disabled"');
    await this.requireTeam(team);
    await this.stores.teams.setValidateSamlEmailsStatus(team, status);
    return { status };
  }

  /** The team's effective `sso` feature status (galley's `GET /i/teams/:tid/features/sso`). */
  async ssoFeature(team: TeamId): Promise<{ status: FeatureStatus }> {
    await this.requireTeam(team);
    return { status: (await this.stores.teams.ssoStatus(team)) ?? this.ssoDefault };
  }

  async setSsoFeature(team: TeamId, status: unknown): Promise<{ status: FeatureStatus }> {
    if (status !== 'enabled' && status !== 'disabled') throw new DomainError('bad-request', 'status: "enabled" or "disabled"');
    await this.requireTeam(team);
    await this.stores.teams.setSsoStatus(team, status);
    return { status };
  }

  private async requireTeam(team: TeamId): Promise<void> {
    if (!isUuid(team) || !(await this.stores.teams.getTeam(team))) throw new DomainError('not-found', 'Team not found');
  }

  async createTeam(input: {
    name: string;
    owner: Omit<NewMember, 'role'> & { password: string };
  }): Promise<{ team: TeamId; owner: UserId }> {
    const name = input.name?.trim();
    if (!name || name.length > 256) throw new DomainError('bad-request', 'team name: 1 to 256 characters');
    const team = newTeamId();
    let written = false;
    try {
      const owner = await this.createUser(team, { ...input.owner, role: 'owner' }, null, async (uid) => {
        await this.stores.teams.createTeam({ id: team, name, creator: uid, deleted: false });
        written = true;
      });
      return { team, owner };
    } catch (e) {
      // createUser undid the user and the email claim; the team row is this function's to undo.
      if (written) await this.stores.teams.deleteTeam(team).catch(() => {});
      throw e;
    }
  }

  async addMember(team: TeamId, member: NewMember, invitedBy: UserId | null = null): Promise<{ user: UserId }> {
    await this.requireTeam(team);
    if (!roles.includes(member.role)) throw new DomainError('bad-request', `role: one of ${roles.join(', ')}`);
    return { user: await this.createUser(team, member, invitedBy, async () => {}) };
  }

  listTeams(cursor: string | null, limit = 100): Promise<Page<Team>> {
    return this.stores.teams.listTeams({ cursor, limit });
  }

  /**
   * Claims the email (a lightweight transaction: two creates with one address end with one
   * winner), then writes the user, `before` (the team row for a new team) and the membership.
   * Anything failing half-way releases the claim and removes what was written.
   */
  private async createUser(team: TeamId, m: NewMember, invitedBy: UserId | null, before: (uid: UserId) => Promise<void>): Promise<UserId> {
    const email = m.email?.trim();
    if (!email || !isEmail(email)) throw new DomainError('bad-request', 'email: not a valid email address');
    if (m.password !== undefined && (m.password.length < MIN_PASSWORD || m.password.length > MAX_PASSWORD)) {
      throw new DomainError('bad-request', `password: ${MIN_PASSWORD} to ${MAX_PASSWORD} characters`);
    }
    const name = (m.name ?? email.split('@')[0]).trim();
    if (!name || name.length > 128) throw new DomainError('bad-request', 'name: 1 to 128 characters');

    const id = newUserId();
    const key = emailKey(email);
    const claim = await this.stores.users.claimEmail(key, id);
    if (!claim.ok) throw new DomainError('key-exists', 'The email address is already in use');
    try {
      const passwordHash = m.password === undefined ? null : await hashPassword(m.password);
      await this.stores.users.put(newUserRecord({ id, team, name, email, language: 'en', passwordHash }));
      await before(id);
      await this.stores.teams.addMember({ team, user: id, role: m.role, invitedBy, invitedAt: invitedBy ? this.clock.now() : null });
      return id;
    } catch (e) {
      await this.stores.users.delete(id).catch(() => {});
      await this.stores.users.releaseEmail(key, id).catch(() => {});
      throw e;
    }
  }
}
