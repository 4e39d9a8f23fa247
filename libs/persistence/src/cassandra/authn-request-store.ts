import { type Clock, systemClock } from '@sso/domain';
import type { AuthnRequestRecord, AuthnRequestStore, ConsumeOutcome, VerdictRecord } from '../ports/authn-request-store';
import { checkTtl } from '../ports/ttl';
import type { CassandraDb } from './db';
import { applied } from './store-helpers';

/**
 * `authreq` is written only with lightweight transactions (insert IF NOT EXISTS, delete IF
 * EXISTS): consume must be atomic, and LWT and plain writes never share a partition.
 * `verdict` rows are plain TTL upserts.
 */
export class CassandraAuthnRequestStore implements AuthnRequestStore {
  private readonly ks: string;

  constructor(
    private readonly db: CassandraDb,
    private readonly clock: Clock = systemClock,
  ) {
    this.ks = db.config.keyspaces.spar;
  }

  async put(id: string, idpIssuer: string, ttlSeconds: number): Promise<boolean> {
    const ttl = checkTtl(ttlSeconds);
    const endOfLife = new Date(this.clock.now().getTime() + ttl * 1000);
    const rs = await this.db.execute(
      'authreq.insert',
      `INSERT INTO ${this.ks}.authreq (req, idp_issuer, end_of_life) VALUES (?, ?, ?) IF NOT EXISTS USING TTL ?`,
      [id, idpIssuer, endOfLife, ttl],
    );
    return applied(rs);
  }

  async get(id: string): Promise<AuthnRequestRecord | null> {
    const rs = await this.db.execute('authreq.get', `SELECT idp_issuer, end_of_life FROM ${this.ks}.authreq WHERE req = ?`, [id], {
      idempotent: true,
    });
    const row = rs.first();
    if (!row || row.idp_issuer == null) return null;
    return { id, idpIssuer: row.idp_issuer as string, endOfLife: row.end_of_life as Date };
  }

  async consume(id: string, idpIssuer: string): Promise<ConsumeOutcome> {
    // One Paxos round decides: applied = it was live and for this IdP. When not applied,
    // Cassandra returns the current idp_issuer (null when the row is absent or expired).
    const rs = await this.db.execute('authreq.consume', `DELETE FROM ${this.ks}.authreq WHERE req = ? IF idp_issuer = ?`, [id, idpIssuer]);
    if (applied(rs)) return 'consumed';
    return rs.first()?.idp_issuer == null ? 'unknown' : 'other-idp';
  }

  async delete(id: string): Promise<void> {
    await this.db.execute('authreq.delete', `DELETE FROM ${this.ks}.authreq WHERE req = ? IF EXISTS`, [id]);
  }

  async putVerdict(id: string, verdict: VerdictRecord, ttlSeconds: number): Promise<void> {
    const ttl = checkTtl(ttlSeconds);
    const mobile = verdict.format.kind === 'mobile' ? verdict.format : null;
    // Unset (undefined) rather than null: a fresh row needs no tombstones.
    await this.db.execute(
      'verdict.insert',
      `INSERT INTO ${this.ks}.verdict (req, format_con, format_mobile_success, format_mobile_error, cookie_label) VALUES (?, ?, ?, ?, ?) USING TTL ?`,
      [
        id,
        mobile ? 1 : verdict.format.kind === 'page' ? 2 : 0,
        mobile?.successRedirect,
        mobile?.errorRedirect,
        verdict.cookieLabel ?? undefined,
        ttl,
      ],
      { idempotent: true },
    );
  }

  async getVerdict(id: string): Promise<VerdictRecord | null> {
    const rs = await this.db.execute(
      'verdict.get',
      `SELECT format_con, format_mobile_success, format_mobile_error, cookie_label FROM ${this.ks}.verdict WHERE req = ?`,
      [id],
      { idempotent: true },
    );
    const row = rs.first();
    if (!row) return null;
    return verdictFromRow(id, row.format_con, row.format_mobile_success, row.format_mobile_error, row.cookie_label);
  }
}

function verdictFromRow(id: string, con: unknown, success: unknown, error: unknown, label: unknown): VerdictRecord {
  const cookieLabel = (label as string | null) ?? null;
  if (con === 0) return { format: { kind: 'web' }, cookieLabel };
  if (con === 2) return { format: { kind: 'page' }, cookieLabel };
  if (con === 1 && typeof success === 'string' && typeof error === 'string') {
    return { format: { kind: 'mobile', successRedirect: success, errorRedirect: error }, cookieLabel };
  }
  throw new Error(`verdict row ${id} is corrupt (format_con=${String(con)})`);
}
