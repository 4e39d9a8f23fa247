import type { UserId } from '@sso/domain';
import type { SamlUserRecord } from '../ports/saml-user-store';
import type { ScimUserTimes, ScimUserTimesStore } from '../ports/scim-user-times-store';
import { MemorySamlUserStore } from './saml-user-store';
import { MemorySparTables } from './tables';
import { lc } from './ids';

/** Cassandra timestamps hold milliseconds; copy so callers cannot mutate stored Dates. */
const ms = (d: Date) => new Date(d.getTime());

export class MemoryScimUserTimesStore implements ScimUserTimesStore {
  constructor(private readonly t: MemorySparTables = new MemorySparTables()) {}

  async put(x: ScimUserTimes): Promise<void> {
    this.t.scimUserTimes.set(lc(x.uid), { createdAt: ms(x.createdAt), lastUpdatedAt: ms(x.lastUpdatedAt) });
  }

  async putWithSamlUser(x: ScimUserTimes, saml: SamlUserRecord): Promise<void> {
    await this.put(x);
    await new MemorySamlUserStore(this.t).insert(saml);
  }

  async touch(uid: UserId, at: Date): Promise<void> {
    const row = this.t.scimUserTimes.get(lc(uid));
    if (row) row.lastUpdatedAt = ms(at);
    else this.t.scimUserTimes.set(lc(uid), { createdAt: null, lastUpdatedAt: ms(at) }); // the partial row an UPDATE leaves
  }

  async get(uid: UserId): Promise<ScimUserTimes | null> {
    const row = this.t.scimUserTimes.get(lc(uid));
    if (!row?.createdAt) return null;
    return { uid: lc(uid), createdAt: ms(row.createdAt), lastUpdatedAt: ms(row.lastUpdatedAt ?? row.createdAt) };
  }

  async getMany(uids: UserId[]): Promise<Map<UserId, ScimUserTimes>> {
    const out = new Map<UserId, ScimUserTimes>();
    for (const uid of uids) {
      const t = await this.get(uid);
      if (t) out.set(t.uid, t);
    }
    return out;
  }

  async delete(uid: UserId): Promise<void> {
    this.t.scimUserTimes.delete(lc(uid));
  }
}
