import type { IdpId, TeamId } from '@sso/domain';
import type { IdpDomainClaim, IdpDomainStore } from '../ports/idp-domain-store';
import { lc } from './ids';

/** No await between a read and its write: as atomic as the LWTs it stands for. */
export class MemoryIdpDomainStore implements IdpDomainStore {
  private readonly rows = new Map<string, IdpDomainClaim>();

  private key(team: TeamId, domain: string): string {
    return `${team.toLowerCase()}\n${domain}`;
  }

  async claim(team: TeamId, domain: string, idp: IdpId, now: Date): Promise<IdpDomainClaim | null> {
    const k = this.key(team, domain);
    const held = this.rows.get(k);
    if (!held) {
      this.rows.set(k, { idp: lc<IdpId>(idp), claimedAt: now });
      return null;
    }
    return held.idp === idp.toLowerCase() ? null : { ...held };
  }

  async takeOver(team: TeamId, domain: string, from: IdpId, idp: IdpId, now: Date): Promise<boolean> {
    const k = this.key(team, domain);
    if (this.rows.get(k)?.idp !== from.toLowerCase()) return false;
    this.rows.set(k, { idp: lc<IdpId>(idp), claimedAt: now });
    return true;
  }

  async release(team: TeamId, domain: string, idp: IdpId): Promise<void> {
    const k = this.key(team, domain);
    if (this.rows.get(k)?.idp === idp.toLowerCase()) this.rows.delete(k);
  }
}
