import { type Role, type Team, type TeamId, type TeamMember, type UserId, roleOf, rolePermissions } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { FeatureStatus, TeamStore } from '../ports/identity-stores';
import type { Page, PageRequest } from '../ports/paging';
import { type CassandraDb, cassandra } from './db';
import { applied, selectPage, uuidOrNull, uuidText } from './store-helpers';

/** galley's `permissions` UDT as bound: the driver (without `useBigIntAsLong`) wants Longs. */
function permsOf(role: Role): { self: types.Long; copy: types.Long } {
  const bits = cassandra.types.Long.fromString(rolePermissions[role].toString());
  return { self: bits, copy: bits };
}

/**
 * The role a stored bit set stands for, as galley derives it from `self`. A row whose bits fit no
 * role (custom permissions, written by other Wire tools) reads as no membership: it grants nothing.
 */
function roleFromPerms(perms: unknown): Role | null {
  const self = (perms as { self?: types.Long | null } | null)?.self;
  return self == null ? null : roleOf(BigInt(self.toString()));
}

/** galley `team`, `team_member` and `user_team`. Every team is binding and active (status 0). */
export class CassandraTeamStore implements TeamStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.galley;
  }

  async createTeam(team: Team): Promise<void> {
    await this.db.execute(
      'team.insert',
      `INSERT INTO ${this.ks}.team (team, name, creator, deleted, binding, status) VALUES (?, ?, ?, ?, true, 0)`,
      [team.id, team.name, team.creator, team.deleted],
      { idempotent: true },
    );
  }

  async getTeam(id: TeamId): Promise<Team | null> {
    const rs = await this.db.execute('team.get', `SELECT team, name, creator, deleted FROM ${this.ks}.team WHERE team = ?`, [id], {
      idempotent: true,
    });
    return teamFromRow(rs.first());
  }

  async deleteTeam(id: TeamId): Promise<void> {
    await this.db.execute('team.delete', `DELETE FROM ${this.ks}.team WHERE team = ?`, [id], { idempotent: true });
  }

  /**
   * A scan of the whole `team` table in token order (Murmur3 of the team id), paged by the driver.
   * For operator tools only: no request path may call it (docs/design.md §3, no full-table scans).
   */
  listTeams(page: PageRequest): Promise<Page<Team>> {
    return selectPage(this.db, 'team.scan', `SELECT team, name, creator, deleted FROM ${this.ks}.team`, [], 'team:*', page, teamFromRow);
  }

  async addMember(m: TeamMember): Promise<void> {
    // Both tables are in galley; one logged batch, so neither row exists without the other.
    await this.db.batch('team_member.insert', [
      {
        query: `INSERT INTO ${this.ks}.team_member (team, "user", perms, invited_at, invited_by) VALUES (?, ?, ?, ?, ?)`,
        params: [m.team, m.user, permsOf(m.role), m.invitedAt, m.invitedBy],
      },
      { query: `INSERT INTO ${this.ks}.user_team ("user", team) VALUES (?, ?)`, params: [m.user, m.team] },
    ]);
  }

  async getMember(team: TeamId, user: UserId): Promise<TeamMember | null> {
    const rs = await this.db.execute(
      'team_member.get',
      `SELECT team, "user", perms, invited_at, invited_by FROM ${this.ks}.team_member WHERE team = ? AND "user" = ?`,
      [team, user],
      { idempotent: true },
    );
    return memberFromRow(rs.first());
  }

  /**
   * Read, then update the perms of an existing member; a non-member is left alone. (A bare
   * UPDATE would create a member row with no user_team row.) A removeMember landing between the
   * read and the write can still leave a perms-only row; see docs/data-model.md.
   */
  async setRole(team: TeamId, user: UserId, role: Role): Promise<void> {
    if (!(await this.getMember(team, user))) return;
    await this.db.execute(
      'team_member.set_perms',
      `UPDATE ${this.ks}.team_member SET perms = ? WHERE team = ? AND "user" = ?`,
      [permsOf(role), team, user],
      {
        idempotent: true,
      },
    );
  }

  async removeMember(team: TeamId, user: UserId): Promise<void> {
    await this.db.batch('team_member.delete', [
      { query: `DELETE FROM ${this.ks}.team_member WHERE team = ? AND "user" = ?`, params: [team, user] },
      { query: `DELETE FROM ${this.ks}.user_team WHERE "user" = ? AND team = ?`, params: [user, team] },
    ]);
  }

  async removeMemberOnce(team: TeamId, user: UserId): Promise<boolean> {
    const rs = await this.db.execute('user_team.delete_once', `DELETE FROM ${this.ks}.user_team WHERE "user" = ? AND team = ? IF EXISTS`, [
      user,
      team,
    ]);
    // Always: a call that lost (or an earlier attempt that failed halfway) still leaves no member row.
    await this.db.execute('team_member.delete', `DELETE FROM ${this.ks}.team_member WHERE team = ? AND "user" = ?`, [team, user], {
      idempotent: true,
    });
    return applied(rs);
  }

  listMembers(team: TeamId, page: PageRequest): Promise<Page<TeamMember>> {
    return selectPage(
      this.db,
      'team_member.list',
      `SELECT team, "user", perms, invited_at, invited_by FROM ${this.ks}.team_member WHERE team = ?`,
      [team],
      `team_member:${team.toLowerCase()}`,
      page,
      memberFromRow,
    );
  }

  async ssoStatus(team: TeamId): Promise<FeatureStatus | null> {
    const rs = await this.db.execute('team_features.get_sso', `SELECT sso_status FROM ${this.ks}.team_features WHERE team_id = ?`, [team], {
      idempotent: true,
    });
    const v = rs.first()?.sso_status;
    return v === 1 ? 'enabled' : v === 0 ? 'disabled' : null;
  }

  async setSsoStatus(team: TeamId, status: FeatureStatus): Promise<void> {
    await this.db.execute(
      'team_features.set_sso',
      `UPDATE ${this.ks}.team_features SET sso_status = ? WHERE team_id = ?`,
      [status === 'enabled' ? 1 : 0, team],
      {
        idempotent: true,
      },
    );
  }

  async validateSamlEmailsStatus(team: TeamId): Promise<FeatureStatus | null> {
    const rs = await this.db.execute(
      'team_features.get_validate_saml_emails',
      `SELECT validate_saml_emails FROM ${this.ks}.team_features WHERE team_id = ?`,
      [team],
      { idempotent: true },
    );
    const v = rs.first()?.validate_saml_emails;
    return v === 1 ? 'enabled' : v === 0 ? 'disabled' : null;
  }

  async setValidateSamlEmailsStatus(team: TeamId, status: FeatureStatus): Promise<void> {
    await this.db.execute(
      'team_features.set_validate_saml_emails',
      `UPDATE ${this.ks}.team_features SET validate_saml_emails = ? WHERE team_id = ?`,
      [status === 'enabled' ? 1 : 0, team],
      { idempotent: true },
    );
  }

  async teamOf(user: UserId): Promise<TeamId | null> {
    const rs = await this.db.execute('user_team.get', `SELECT team FROM ${this.ks}.user_team WHERE "user" = ? LIMIT 1`, [user], {
      idempotent: true,
    });
    return uuidOrNull<TeamId>(rs.first()?.team);
  }
}

/** A row without name or creator (an UPDATE racing a delete, or a foreign partial row) is absent. */
function teamFromRow(row: types.Row | null | undefined): Team | null {
  if (!row || row.name == null || row.creator == null) return null;
  return {
    id: uuidText<TeamId>(row.team),
    name: row.name as string,
    creator: uuidText<UserId>(row.creator),
    deleted: row.deleted === true,
  };
}

function memberFromRow(row: types.Row | null | undefined): TeamMember | null {
  const role = row ? roleFromPerms(row.perms) : null;
  if (!row || !role) return null;
  return {
    team: uuidText<TeamId>(row.team),
    user: uuidText<UserId>(row.user),
    role,
    invitedBy: uuidOrNull<UserId>(row.invited_by),
    invitedAt: (row.invited_at as Date | null) ?? null,
  };
}
