import type { UserId } from '@sso/domain';
import type { Page, PageRequest } from '../ports/paging';
import type { SamlUserRecord, SamlUserStore } from '../ports/saml-user-store';
import { MemorySparTables } from './tables';

export class MemorySamlUserStore implements SamlUserStore {
  constructor(private readonly t: MemorySparTables = new MemorySparTables()) {}

  async get(issuer: string, normalizedNameId: string): Promise<SamlUserRecord | null> {
    const row = this.t.userV2.get(issuer, normalizedNameId);
    return row ? { issuer, normalizedNameId, ssoId: row.ssoId, uid: row.uid as UserId } : null;
  }

  async lookup(issuer: string, normalizedNameId: string, ssoId: string): Promise<SamlUserRecord | null> {
    const row = this.t.userV2.get(issuer, normalizedNameId);
    if (row) return { issuer, normalizedNameId, ssoId: row.ssoId, uid: row.uid as UserId };
    const uid = this.t.userLegacy.get(issuer, ssoId);
    if (uid === undefined) return null;
    this.t.userV2.put(issuer, normalizedNameId, { ssoId, uid });
    return { issuer, normalizedNameId, ssoId, uid: uid as UserId };
  }

  async insert(rec: SamlUserRecord): Promise<void> {
    this.t.userV2.put(rec.issuer, rec.normalizedNameId, { ssoId: rec.ssoId, uid: rec.uid.toLowerCase() });
  }

  async delete(issuer: string, normalizedNameId: string): Promise<void> {
    const found = this.t.userV2.get(issuer, normalizedNameId);
    this.t.userV2.delete(issuer, normalizedNameId);
    if (found) this.t.userLegacy.delete(issuer, found.ssoId);
  }

  async listByIssuer(issuer: string, page?: PageRequest): Promise<Page<SamlUserRecord>> {
    return this.t.userV2.page(issuer, `user_v2:${issuer}`, page, (normalizedNameId, row) => ({
      issuer,
      normalizedNameId,
      ssoId: row.ssoId,
      uid: row.uid as UserId,
    }));
  }

  async deleteAllByIssuer(issuer: string): Promise<void> {
    this.t.userV2.deletePartition(issuer);
    this.t.userLegacy.deletePartition(issuer);
  }
}
