import type { IdpId } from '@sso/domain';
import type { DefaultIdpStore } from '../ports/default-idp-store';
import { MemorySparTables } from './tables';

export class MemoryDefaultIdpStore implements DefaultIdpStore {
  constructor(private readonly t: MemorySparTables = new MemorySparTables()) {}

  async get(): Promise<IdpId | null> {
    return (this.t.defaultIdp.rows('default')[0]?.[0] as IdpId | undefined) ?? null;
  }

  async set(idp: IdpId | null): Promise<void> {
    this.t.defaultIdp.deletePartition('default');
    if (idp !== null) this.t.defaultIdp.put('default', idp.toLowerCase(), true);
  }
}
