import type { TeamId, UserId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { Page, PageRequest } from '../ports/paging';
import type { ScimGroupChange, ScimGroupMember, ScimGroupRecord, ScimGroupStore, ScimGroupWrite } from '../ports/scim-group-store';
import type { CassandraDb } from './db';
import { applied, selectIn, selectPage, uuidText } from './store-helpers';

const COLS = 'team, id, display_name, external_id, created, last_modified, version, members_version, members_modified';
/** Members per logged batch (two statements each: member row and reverse row). */
const BATCH_MEMBERS = 50;

/**
 * The four group tables of the brig keyspace (docs/data-model.md, "SCIM groups"). In `scim_group`
 * the group's own columns are written only by LWTs (insert, compare-and-set, delete), so a plain
 * write can never reorder against Paxos on them; `members_version`/`members_modified` only by
 * plain writes, so concurrent membership changes never contend on Paxos.
 */
export class CassandraScimGroupStore implements ScimGroupStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async create(g: ScimGroupRecord, members: readonly ScimGroupMember[]): Promise<void> {
    await this.addMembers(g.team, g.id, members);
    await this.putName(g.team, g.displayName, g.id);
    await this.db.execute(
      'scim_group.insert',
      `INSERT INTO ${this.ks}.scim_group (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) IF NOT EXISTS`,
      [g.team, g.id, g.displayName, g.externalId, g.created, g.lastModified, g.version, g.membersVersion, g.membersModified],
    );
  }

  async get(team: TeamId, id: string): Promise<ScimGroupRecord | null> {
    const rs = await this.db.execute('scim_group.get', `SELECT ${COLS} FROM ${this.ks}.scim_group WHERE team = ? AND id = ?`, [team, id], {
      idempotent: true,
    });
    return groupFromRow(rs.first());
  }

  async getMany(team: TeamId, ids: readonly string[]): Promise<ScimGroupRecord[]> {
    return selectIn(
      this.db,
      'scim_group.get_many',
      `SELECT ${COLS} FROM ${this.ks}.scim_group WHERE team = ? AND id IN ?`,
      ids,
      (chunk) => [team, chunk],
      groupFromRow,
    );
  }

  list(team: TeamId, page: PageRequest): Promise<Page<ScimGroupRecord>> {
    return selectPage(
      this.db,
      'scim_group.list',
      `SELECT ${COLS} FROM ${this.ks}.scim_group WHERE team = ?`,
      [team],
      `scim_group:${team.toLowerCase()}`,
      page,
      groupFromRow,
    );
  }

  async idsByName(team: TeamId, name: string): Promise<string[]> {
    const rs = await this.db.execute(
      'scim_group_by_name.get',
      `SELECT group_id FROM ${this.ks}.scim_group_by_name WHERE team = ? AND name = ?`,
      [team, name.toLowerCase()],
      {
        idempotent: true,
      },
    );
    return rs.rows.map((r) => uuidText<string>(r.group_id));
  }

  async replace(
    team: TeamId,
    id: string,
    c: ScimGroupChange,
    expected: { version: string; membersVersion?: string },
    previousName: string,
  ): Promise<ScimGroupWrite> {
    const renamed = c.displayName.toLowerCase() !== previousName.toLowerCase();
    if (renamed) await this.putName(team, c.displayName, id);
    const set = `UPDATE ${this.ks}.scim_group SET display_name = ?, external_id = ?, version = ?, last_modified = ? WHERE team = ? AND id = ?`;
    const params = [c.displayName, c.externalId, c.version, c.lastModified, team, id, expected.version];
    const rs =
      expected.membersVersion === undefined
        ? await this.db.execute('scim_group.replace', `${set} IF version = ?`, params)
        : await this.db.execute('scim_group.replace_members_at', `${set} IF version = ? AND members_version = ?`, [
            ...params,
            expected.membersVersion,
          ]);
    const ok = rs.wasApplied();
    // The loser's new name key goes, the winner's old one: lookups re-check the row anyway.
    if (renamed) await this.deleteName(team, ok ? previousName : c.displayName, id);
    return { ok };
  }

  async touchMembers(team: TeamId, id: string, membersVersion: string, at: Date): Promise<void> {
    await this.db.execute(
      'scim_group.touch_members',
      `UPDATE ${this.ks}.scim_group SET members_version = ?, members_modified = ? WHERE team = ? AND id = ?`,
      [membersVersion, at, team, id],
      { idempotent: true },
    );
  }

  async members(team: TeamId, id: string): Promise<ScimGroupMember[]> {
    const out: ScimGroupMember[] = [];
    let pageState: string | undefined;
    do {
      const rs = await this.db.execute(
        'scim_group_member.list',
        `SELECT "user", display FROM ${this.ks}.scim_group_member WHERE team = ? AND group_id = ?`,
        [team, id],
        {
          idempotent: true,
          fetchSize: 5000,
          pageState,
        },
      );
      for (const r of rs.rows) out.push({ user: uuidText<UserId>(r.user), display: (r.display as string | null) ?? null });
      pageState = rs.pageState ?? undefined;
    } while (pageState);
    return out;
  }

  async addMembers(team: TeamId, id: string, members: readonly ScimGroupMember[]): Promise<void> {
    await this.inBatches('scim_group_member.add', members, (m) => [
      {
        query: `INSERT INTO ${this.ks}.scim_group_member (team, group_id, "user", display) VALUES (?, ?, ?, ?)`,
        params: [team, id, m.user, m.display],
      },
      { query: `INSERT INTO ${this.ks}.scim_user_group ("user", group_id, team) VALUES (?, ?, ?)`, params: [m.user, id, team] },
    ]);
  }

  async removeMembers(team: TeamId, id: string, users: readonly UserId[]): Promise<void> {
    await this.inBatches('scim_group_member.remove', users, (u) => [
      { query: `DELETE FROM ${this.ks}.scim_group_member WHERE team = ? AND group_id = ? AND "user" = ?`, params: [team, id, u] },
      { query: `DELETE FROM ${this.ks}.scim_user_group WHERE "user" = ? AND group_id = ?`, params: [u, id] },
    ]);
  }

  async groupsOf(team: TeamId, user: UserId): Promise<string[]> {
    const rs = await this.db.execute(
      'scim_user_group.list',
      `SELECT group_id, team FROM ${this.ks}.scim_user_group WHERE "user" = ?`,
      [user],
      { idempotent: true, fetchSize: 5000 },
    );
    return rs.rows.filter((r) => uuidText(r.team) === team.toLowerCase()).map((r) => uuidText<string>(r.group_id));
  }

  async delete(team: TeamId, id: string): Promise<boolean> {
    const g = await this.get(team, id);
    // The row first: the group disappears at once; its members and keys are cleaned up after.
    const rs = await this.db.execute('scim_group.delete', `DELETE FROM ${this.ks}.scim_group WHERE team = ? AND id = ? IF EXISTS`, [
      team,
      id,
    ]);
    if (g) await this.deleteName(team, g.displayName, id);
    const members = await this.members(team, id);
    await this.removeMembers(
      team,
      id,
      members.map((m) => m.user),
    );
    return applied(rs);
  }

  private async putName(team: TeamId, name: string, id: string): Promise<void> {
    await this.db.execute(
      'scim_group_by_name.insert',
      `INSERT INTO ${this.ks}.scim_group_by_name (team, name, group_id) VALUES (?, ?, ?)`,
      [team, name.toLowerCase(), id],
      {
        idempotent: true,
      },
    );
  }

  private async deleteName(team: TeamId, name: string, id: string): Promise<void> {
    await this.db.execute(
      'scim_group_by_name.delete',
      `DELETE FROM ${this.ks}.scim_group_by_name WHERE team = ? AND name = ? AND group_id = ?`,
      [team, name.toLowerCase(), id],
      {
        idempotent: true,
      },
    );
  }

  /** Logged batches (member row and reverse row together) of at most BATCH_MEMBERS items, in parallel. */
  private async inBatches<T>(
    name: string,
    items: readonly T[],
    stmts: (item: T) => Array<{ query: string; params: unknown[] }>,
  ): Promise<void> {
    const chunks: T[][] = [];
    for (let i = 0; i < items.length; i += BATCH_MEMBERS) chunks.push(items.slice(i, i + BATCH_MEMBERS));
    await Promise.all(chunks.map((c) => this.db.batch(name, c.flatMap(stmts))));
  }
}

/** A row without a name is a leftover of a member change racing a delete: absent. */
function groupFromRow(row: types.Row | null | undefined): ScimGroupRecord | null {
  if (!row || row.display_name == null || row.version == null) return null;
  const created = row.created as Date;
  return {
    team: uuidText<TeamId>(row.team),
    id: uuidText<string>(row.id),
    displayName: row.display_name as string,
    externalId: (row.external_id as string | null) ?? null,
    created,
    lastModified: (row.last_modified as Date | null) ?? created,
    version: row.version as string,
    membersVersion: (row.members_version as string | null) ?? '',
    membersModified: (row.members_modified as Date | null) ?? created,
  };
}
