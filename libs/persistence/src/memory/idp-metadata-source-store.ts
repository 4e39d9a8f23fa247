import { type Clock, type IdpId, systemClock } from '@sso/domain';
import type { IdpMetadataSource, IdpMetadataSourceStore } from '../ports/idp-metadata-source-store';
import { type Page, type PageRequest, InvalidCursorError, decodeCursor, encodeCursor, pageSize } from '../ports/paging';
import { compareText } from './ordering';
import { lc } from './ids';

const copy = (s: IdpMetadataSource): IdpMetadataSource => ({ ...s });

/** The twin of `brig.idp_metadata_source`; the lease expires by the clock as the TTL does. */
export class MemoryIdpMetadataSourceStore implements IdpMetadataSourceStore {
  private readonly rows = new Map<IdpId, IdpMetadataSource>();
  private readonly leases = new Map<IdpId, { owner: string; until: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  async put(s: IdpMetadataSource): Promise<void> {
    this.rows.set(lc(s.idp), { ...copy(s), idp: lc(s.idp), team: s.team.toLowerCase() as IdpMetadataSource['team'] });
  }

  async get(idp: IdpId): Promise<IdpMetadataSource | null> {
    const r = this.rows.get(lc(idp));
    return r ? copy(r) : null;
  }

  async delete(idp: IdpId): Promise<void> {
    this.rows.delete(lc(idp));
    this.leases.delete(lc(idp));
  }

  async recordAttempt(
    idp: IdpId,
    a: { checkedAt: Date; lastError: string | null; appliedAt?: Date; validUntil?: Date | null },
  ): Promise<void> {
    const r = this.rows.get(lc(idp));
    if (!r) return;
    r.checkedAt = a.checkedAt;
    r.lastError = a.lastError;
    if (a.appliedAt) {
      r.appliedAt = a.appliedAt;
      r.validUntil = a.validUntil ?? null;
    }
  }

  async list(req: PageRequest): Promise<Page<IdpMetadataSource>> {
    const limit = pageSize(req);
    const after = decodeCursor('idp_metadata_source:*', req?.cursor);
    if (after !== null && !/^[0-9a-f-]{36}$/.test(after)) throw new InvalidCursorError();
    const ids = [...this.rows.keys()].sort(compareText).filter((id) => after === null || compareText(id, after) > 0);
    const slice = ids.slice(0, limit);
    return {
      items: slice.map((id) => copy(this.rows.get(id)!)),
      cursor: slice.length === limit ? encodeCursor('idp_metadata_source:*', slice[slice.length - 1]!) : null,
    };
  }

  async tryLease(idp: IdpId, owner: string, ttlSeconds: number): Promise<boolean> {
    if (!this.rows.has(lc(idp))) return false;
    const held = this.leases.get(lc(idp));
    if (held && held.until > this.clock.now().getTime()) return false;
    this.leases.set(lc(idp), { owner, until: this.clock.now().getTime() + ttlSeconds * 1000 });
    return true;
  }

  async releaseLease(idp: IdpId, owner: string): Promise<void> {
    if (this.leases.get(lc(idp))?.owner === owner) this.leases.delete(lc(idp));
  }
}
