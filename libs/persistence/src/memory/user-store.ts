import type { TeamId, User, UserId } from '@sso/domain';
import type { Claim, UserStore } from '../ports/identity-stores';
import { MemoryIdentityTables, type UserRow } from './identity-tables';
import { lc } from './ids';

/**
 * Twin of CassandraUserStore. Claims and releases read and write with no await in between, so each
 * is as atomic as the lightweight transaction it stands for.
 */
export class MemoryUserStore implements UserStore {
  constructor(private readonly t: MemoryIdentityTables = new MemoryIdentityTables()) {}

  async get(id: UserId): Promise<User | null> {
    return this.read(lc(id));
  }

  async getMany(ids: UserId[]): Promise<User[]> {
    return [...new Set(ids.map((id) => lc<UserId>(id)))].map((id) => this.read(id)).filter((u): u is User => u !== null);
  }

  async put(user: User): Promise<void> {
    const { id, ...fields } = user;
    this.t.user.set(lc(id), copyFields(fields));
  }

  /** Like Cassandra's UPDATE: on a missing id it leaves a partial row, which reads as absent. */
  async update(id: UserId, changes: Partial<Omit<User, 'id'>>): Promise<void> {
    const named = Object.fromEntries(Object.entries(changes).filter(([, v]) => v !== undefined)) as UserRow;
    if (Object.keys(named).length === 0) return;
    const row = this.t.user.get(lc(id)) ?? {};
    this.t.user.set(lc(id), { ...row, ...copyFields(named) });
  }

  async updateWithRichInfo(id: UserId, changes: Partial<Omit<User, 'id'>>, richInfoJson: string): Promise<void> {
    await this.update(id, changes);
    await this.putRichInfo(id, richInfoJson);
  }

  async delete(id: UserId): Promise<void> {
    this.t.user.delete(lc(id));
    this.t.richInfo.delete(lc(id));
  }

  async claimHandle(handle: string, owner: UserId): Promise<Claim> {
    return claim(this.t.userHandle, handle, lc(owner));
  }

  async releaseHandle(handle: string, owner: UserId): Promise<void> {
    release(this.t.userHandle, handle, lc(owner));
  }

  async lookupHandle(handle: string): Promise<UserId | null> {
    return (this.t.userHandle.get(handle) as UserId | undefined) ?? null;
  }

  async claimEmail(key: string, owner: UserId): Promise<Claim> {
    return claim(this.t.userKeys, key, lc(owner));
  }

  async releaseEmail(key: string, owner: UserId): Promise<void> {
    release(this.t.userKeys, key, lc(owner));
  }

  async lookupEmail(key: string): Promise<UserId | null> {
    return (this.t.userKeys.get(key) as UserId | undefined) ?? null;
  }

  async getRichInfo(id: UserId): Promise<string | null> {
    return this.t.richInfo.get(lc(id)) ?? null;
  }

  async putRichInfo(id: UserId, json: string): Promise<void> {
    this.t.richInfo.set(lc(id), json);
  }

  /** As CassandraUserStore reads: a row lacking name, status, managed_by or activated is absent. */
  private read(id: UserId): User | null {
    const r = this.t.user.get(id);
    if (!r || r.name == null || r.status == null || r.managedBy == null || r.activated == null) return null;
    return {
      id,
      team: (r.team as TeamId | null | undefined) ?? null,
      name: r.name,
      handle: r.handle ?? null,
      email: r.email ?? null,
      emailUnvalidated: r.emailUnvalidated ?? null,
      language: r.language ?? null,
      country: r.country ?? null,
      status: r.status,
      managedBy: r.managedBy,
      ssoId: r.ssoId ?? null,
      passwordHash: r.passwordHash ?? null,
      activated: r.activated,
    };
  }
}

function copyFields(f: UserRow): UserRow {
  return f.team ? { ...f, team: lc<TeamId>(f.team) } : { ...f };
}

function claim(table: Map<string, string>, key: string, owner: UserId): Claim {
  const holder = table.get(key);
  if (holder === undefined) {
    table.set(key, owner);
    return { ok: true };
  }
  return holder === owner ? { ok: true } : { ok: false, owner: holder as UserId };
}

function release(table: Map<string, string>, key: string, owner: UserId): void {
  if (table.get(key) === owner) table.delete(key);
}
