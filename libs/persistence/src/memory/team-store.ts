import { type Role, type Team, type TeamId, type TeamMember, type UserId, roleOf, rolePermissions } from '@sso/domain';
import type { FeatureStatus, TeamStore } from '../ports/identity-stores';
import type { Page, PageRequest } from '../ports/paging';
import { type MemberRow, MemoryIdentityTables, type TeamRow } from './identity-tables';
import { lc } from './ids';

const perms = (role: Role) => ({ self: rolePermissions[role], copy: rolePermissions[role] });

/** Twin of CassandraTeamStore: the same rows, listed in Cassandra's orders. */
export class MemoryTeamStore implements TeamStore {
  constructor(private readonly t: MemoryIdentityTables = new MemoryIdentityTables()) {}

  async createTeam(team: Team): Promise<void> {
    this.t.team.set(lc(team.id), { name: team.name, creator: lc(team.creator), deleted: team.deleted });
  }

  async getTeam(id: TeamId): Promise<Team | null> {
    const row = this.t.team.get(lc(id));
    return row ? teamOf(lc(id), row) : null;
  }

  async deleteTeam(id: TeamId): Promise<void> {
    this.t.team.delete(lc(id));
  }

  /** Operator listing: the whole table in token order, as a Cassandra scan pages it. */
  async listTeams(page: PageRequest): Promise<Page<Team>> {
    return this.t.scanTeams('team:*', page, (id, row) => teamOf(id as TeamId, row));
  }

  async addMember(m: TeamMember): Promise<void> {
    this.t.teamMember.put(lc(m.team), lc(m.user), {
      perms: perms(m.role),
      invitedAt: m.invitedAt && new Date(m.invitedAt.getTime()),
      invitedBy: m.invitedBy && lc(m.invitedBy),
    });
    this.t.userTeam.put(lc(m.user), lc(m.team), true);
  }

  async getMember(team: TeamId, user: UserId): Promise<TeamMember | null> {
    const row = this.t.teamMember.get(lc(team), lc(user));
    return row ? memberOf(lc(team), lc(user), row) : null;
  }

  async setRole(team: TeamId, user: UserId, role: Role): Promise<void> {
    const row = this.t.teamMember.get(lc(team), lc(user));
    if (row && memberOf(lc(team), lc(user), row)) row.perms = perms(role);
  }

  async removeMember(team: TeamId, user: UserId): Promise<void> {
    this.t.teamMember.delete(lc(team), lc(user));
    this.t.userTeam.delete(lc(user), lc(team));
  }

  async removeMemberOnce(team: TeamId, user: UserId): Promise<boolean> {
    const had = this.t.userTeam.get(lc(user), lc(team)) !== undefined;
    await this.removeMember(team, user);
    return had;
  }

  async listMembers(team: TeamId, page: PageRequest): Promise<Page<TeamMember>> {
    return this.t.teamMember.page(lc(team), `team_member:${lc(team)}`, page, (user, row) => {
      const m = memberOf(lc(team), user as UserId, row);
      // The twin writes perms only from roles, so every row it holds is a member.
      if (!m) throw new Error(`team_member ${team}/${user} holds perms that fit no role`);
      return m;
    });
  }

  async ssoStatus(team: TeamId): Promise<FeatureStatus | null> {
    return this.t.ssoStatus.get(lc(team)) ?? null;
  }

  async setSsoStatus(team: TeamId, status: FeatureStatus): Promise<void> {
    this.t.ssoStatus.set(lc(team), status);
  }

  async validateSamlEmailsStatus(team: TeamId): Promise<FeatureStatus | null> {
    return this.t.validateSamlEmailsStatus.get(lc(team)) ?? null;
  }

  async setValidateSamlEmailsStatus(team: TeamId, status: FeatureStatus): Promise<void> {
    this.t.validateSamlEmailsStatus.set(lc(team), status);
  }

  async teamOf(user: UserId): Promise<TeamId | null> {
    return (this.t.userTeam.rows(lc(user))[0]?.[0] as TeamId | undefined) ?? null;
  }
}

function teamOf(id: TeamId, row: TeamRow): Team {
  return { id, name: row.name, creator: row.creator as UserId, deleted: row.deleted };
}

function memberOf(team: TeamId, user: UserId, row: MemberRow): TeamMember | null {
  const role = row.perms ? roleOf(row.perms.self) : null;
  if (!role) return null;
  return { team, user, role, invitedBy: row.invitedBy as UserId | null, invitedAt: row.invitedAt && new Date(row.invitedAt.getTime()) };
}
