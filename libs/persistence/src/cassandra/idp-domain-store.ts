import type { IdpId, TeamId } from '@sso/domain';
import type { IdpDomainClaim, IdpDomainStore } from '../ports/idp-domain-store';
import type { CassandraDb } from './db';
import { applied, uuidOrNull } from './store-helpers';

export class CassandraIdpDomainStore implements IdpDomainStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  async claim(team: TeamId, domain: string, idp: IdpId, now: Date): Promise<IdpDomainClaim | null> {
    const rs = await this.db.execute(
      'idp_domain.claim',
      `INSERT INTO ${this.ks}.idp_domain (team, domain, idp, claimed_at) VALUES (?, ?, ?, ?) IF NOT EXISTS`,
      [team, domain, idp, now],
    );
    if (applied(rs)) return null;
    // Not applied: the row holds the current claim (ours after a retried claim).
    const row = rs.first();
    const holder = uuidOrNull<IdpId>(row?.idp);
    if (holder === null || holder === idp.toLowerCase()) return null;
    return { idp: holder, claimedAt: (row?.claimed_at as Date | null) ?? new Date(0) };
  }

  async takeOver(team: TeamId, domain: string, from: IdpId, idp: IdpId, now: Date): Promise<boolean> {
    const rs = await this.db.execute(
      'idp_domain.take_over',
      `UPDATE ${this.ks}.idp_domain SET idp = ?, claimed_at = ? WHERE team = ? AND domain = ? IF idp = ?`,
      [idp, now, team, domain, from],
    );
    return applied(rs);
  }

  async release(team: TeamId, domain: string, idp: IdpId): Promise<void> {
    await this.db.execute('idp_domain.release', `DELETE FROM ${this.ks}.idp_domain WHERE team = ? AND domain = ? IF idp = ?`, [
      team,
      domain,
      idp,
    ]);
  }
}
