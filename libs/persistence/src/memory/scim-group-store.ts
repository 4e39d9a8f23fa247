import type { TeamId, UserId } from '@sso/domain';
import type { Page, PageRequest } from '../ports/paging';
import type { ScimGroupChange, ScimGroupMember, ScimGroupRecord, ScimGroupStore, ScimGroupWrite } from '../ports/scim-group-store';
import { compareUuid } from './ordering';
import { Partitioned } from './tables';
import { lc } from './ids';

/** The twin of the four group tables: partitions in clustering order, compare-and-set as the LWT does it. */
export class MemoryScimGroupStore implements ScimGroupStore {
  /** team -> id -> row */
  readonly groups = new Partitioned<ScimGroupRecord>(compareUuid);
  /** "team/group" -> user -> display */
  readonly memberRows = new Partitioned<string | null>(compareUuid);
  /** user -> group -> team */
  readonly reverse = new Partitioned<string>(compareUuid);
  /** "team/name" -> group -> true */
  readonly byName = new Partitioned<true>(compareUuid);

  async create(g: ScimGroupRecord, members: readonly ScimGroupMember[]): Promise<void> {
    const team = lc<TeamId>(g.team);
    const id = lc(g.id);
    await this.addMembers(team, id, members);
    this.byName.put(`${team}/${g.displayName.toLowerCase()}`, id, true);
    this.groups.put(team, id, { ...g, team, id });
  }

  async get(team: TeamId, id: string): Promise<ScimGroupRecord | null> {
    const g = this.groups.get(lc(team), lc(id));
    return g ? { ...g } : null;
  }

  async getMany(team: TeamId, ids: readonly string[]): Promise<ScimGroupRecord[]> {
    const want = new Set(ids.map((i) => lc(i)));
    return this.groups
      .rows(lc(team))
      .filter(([id]) => want.has(id))
      .map(([, g]) => ({ ...g }));
  }

  async list(team: TeamId, page: PageRequest): Promise<Page<ScimGroupRecord>> {
    return this.groups.page(lc(team), `scim_group:${lc(team)}`, page, (_, g) => ({ ...g }));
  }

  async idsByName(team: TeamId, name: string): Promise<string[]> {
    return this.byName.rows(`${lc(team)}/${name.toLowerCase()}`).map(([id]) => id);
  }

  async replace(
    team: TeamId,
    id: string,
    c: ScimGroupChange,
    expected: { version: string; membersVersion?: string },
    previousName: string,
  ): Promise<ScimGroupWrite> {
    const t = lc<TeamId>(team);
    const cur = this.groups.get(t, lc(id));
    const ok =
      cur !== undefined &&
      cur.version === expected.version &&
      (expected.membersVersion === undefined || cur.membersVersion === expected.membersVersion);
    const renamed = c.displayName.toLowerCase() !== previousName.toLowerCase();
    if (ok) {
      this.groups.put(t, lc(id), {
        ...cur,
        displayName: c.displayName,
        externalId: c.externalId,
        version: c.version,
        lastModified: c.lastModified,
      });
      if (renamed) {
        this.byName.put(`${t}/${c.displayName.toLowerCase()}`, lc(id), true);
        this.byName.delete(`${t}/${previousName.toLowerCase()}`, lc(id));
      }
    }
    return { ok };
  }

  async touchMembers(team: TeamId, id: string, membersVersion: string, at: Date): Promise<void> {
    const cur = this.groups.get(lc(team), lc(id));
    // Cassandra's UPDATE would leave a nameless row that reads as absent: the twin writes nothing.
    if (cur) this.groups.put(lc(team), lc(id), { ...cur, membersVersion, membersModified: at });
  }

  async members(team: TeamId, id: string): Promise<ScimGroupMember[]> {
    return this.memberRows.rows(`${lc(team)}/${lc(id)}`).map(([user, display]) => ({ user: user as UserId, display }));
  }

  async addMembers(team: TeamId, id: string, members: readonly ScimGroupMember[]): Promise<void> {
    for (const m of members) {
      this.memberRows.put(`${lc(team)}/${lc(id)}`, lc(m.user), m.display);
      this.reverse.put(lc(m.user), lc(id), lc(team));
    }
  }

  async removeMembers(team: TeamId, id: string, users: readonly UserId[]): Promise<void> {
    for (const u of users) {
      this.memberRows.delete(`${lc(team)}/${lc(id)}`, lc(u));
      this.reverse.delete(lc(u), lc(id));
    }
  }

  async groupsOf(team: TeamId, user: UserId): Promise<string[]> {
    return this.reverse
      .rows(lc(user))
      .filter(([, t]) => t === lc(team))
      .map(([g]) => g);
  }

  async delete(team: TeamId, id: string): Promise<boolean> {
    const g = this.groups.get(lc(team), lc(id));
    this.groups.delete(lc(team), lc(id));
    if (g) this.byName.delete(`${lc(team)}/${g.displayName.toLowerCase()}`, lc(id));
    const members = await this.members(team, id);
    await this.removeMembers(
      team,
      id,
      members.map((m) => m.user),
    );
    return g !== undefined && g !== null;
  }
}
