import type { TeamId, UserId } from '@sso/domain';
import type { Page, PageRequest } from '../ports/paging';
import {
  type ScimExternalClaim,
  type ScimExternalRecord,
  type ScimExternalStore,
  creationStatusOf as statusOf,
} from '../ports/scim-external-store';
import { MemorySparTables } from './tables';
import { lc } from './ids';

/** Each method runs without an await in between, so it is as atomic as the LWT it stands for. */
export class MemoryScimExternalStore implements ScimExternalStore {
  constructor(private readonly t: MemorySparTables = new MemorySparTables()) {}

  async claim(team: TeamId, externalId: string, uid: UserId): Promise<ScimExternalClaim> {
    const owner = this.read(lc(team), externalId);
    if (!owner) {
      this.t.scimExternal.put(lc(team), externalId, { uid: lc(uid), creationStatus: 1 });
      return { ok: true, record: { team: lc(team), externalId, uid: lc(uid), status: 'creating' } };
    }
    return owner.uid === lc(uid) ? { ok: true, record: owner } : { ok: false, owner };
  }

  async markCreated(team: TeamId, externalId: string, uid: UserId): Promise<boolean> {
    const row = this.t.scimExternal.get(lc(team), externalId);
    if (!row || row.uid !== lc(uid)) return false;
    row.creationStatus = 0;
    return true;
  }

  async release(team: TeamId, externalId: string, uid: UserId): Promise<boolean> {
    const row = this.t.scimExternal.get(lc(team), externalId);
    if (!row || row.uid !== lc(uid)) return false;
    this.t.scimExternal.delete(lc(team), externalId);
    return true;
  }

  async get(team: TeamId, externalId: string): Promise<ScimExternalRecord | null> {
    return this.read(lc(team), externalId);
  }

  async listByTeam(team: TeamId, page?: PageRequest): Promise<Page<ScimExternalRecord>> {
    return this.t.scimExternal.page(lc(team), `scim_external:${lc(team)}`, page, (externalId, row) => ({
      team: lc<TeamId>(team),
      externalId,
      uid: row.uid as UserId,
      status: statusOf(row.creationStatus),
    }));
  }

  private read(team: TeamId, externalId: string): ScimExternalRecord | null {
    const row = this.t.scimExternal.get(team, externalId);
    return row ? { team, externalId, uid: row.uid as UserId, status: statusOf(row.creationStatus) } : null;
  }
}
