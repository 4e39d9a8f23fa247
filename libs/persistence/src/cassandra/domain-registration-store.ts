import type { IdpId, TeamId } from '@sso/domain';
import type { DomainChallenge, DomainRegistration, DomainRegistrationStore } from '../ports/domain-registration-store';
import type { CassandraDb } from './db';
import { applied, uuidOrNull } from './store-helpers';

type Row = { domain: string; team: unknown; idp: unknown; verified_at: Date | null };

export class CassandraDomainRegistrationStore implements DomainRegistrationStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.brig;
  }

  private fromRow(r: Row): DomainRegistration {
    return {
      domain: r.domain,
      team: uuidOrNull<TeamId>(r.team) as TeamId,
      idp: uuidOrNull<IdpId>(r.idp),
      verifiedAt: r.verified_at ?? new Date(0),
    };
  }

  async putChallenge(team: TeamId, domain: string, c: DomainChallenge, ttlSeconds: number): Promise<void> {
    await this.db.execute(
      'domain_challenge.put',
      `INSERT INTO ${this.ks}.domain_challenge (team, domain, dns_value, created) VALUES (?, ?, ?, ?) USING TTL ?`,
      [team, domain, c.token, c.created, ttlSeconds],
      { idempotent: true },
    );
  }

  async getChallenge(team: TeamId, domain: string): Promise<DomainChallenge | null> {
    const rs = await this.db.execute(
      'domain_challenge.get',
      `SELECT dns_value, created FROM ${this.ks}.domain_challenge WHERE team = ? AND domain = ?`,
      [team, domain],
      { idempotent: true },
    );
    const row = rs.first();
    return row ? { token: row.dns_value as string, created: row.created as Date } : null;
  }

  async register(reg: DomainRegistration): Promise<DomainRegistration> {
    const rs = await this.db.execute(
      'domain_registration.register',
      `INSERT INTO ${this.ks}.domain_registration (domain, team, idp, verified_at) VALUES (?, ?, ?, ?) IF NOT EXISTS`,
      [reg.domain, reg.team, reg.idp, reg.verifiedAt],
    );
    // Not applied: the row is the registration in force (ours, after a retried insert, or another team's).
    const current = applied(rs) ? reg : this.fromRow(rs.first() as unknown as Row);
    if (current.team === reg.team) {
      await this.db.execute('team_domain.put', `INSERT INTO ${this.ks}.team_domain (team, domain) VALUES (?, ?)`, [reg.team, reg.domain], {
        idempotent: true,
      });
    }
    return current;
  }

  async get(domain: string): Promise<DomainRegistration | null> {
    const rs = await this.db.execute(
      'domain_registration.get',
      `SELECT domain, team, idp, verified_at FROM ${this.ks}.domain_registration WHERE domain = ?`,
      [domain],
      { idempotent: true },
    );
    const row = rs.first();
    return row ? this.fromRow(row as unknown as Row) : null;
  }

  async setIdp(domain: string, team: TeamId, idp: IdpId | null): Promise<boolean> {
    const rs = await this.db.execute(
      'domain_registration.set_idp',
      `UPDATE ${this.ks}.domain_registration SET idp = ? WHERE domain = ? IF team = ?`,
      [idp, domain, team],
    );
    return applied(rs);
  }

  async release(domain: string, team: TeamId): Promise<boolean> {
    const rs = await this.db.execute(
      'domain_registration.release',
      `DELETE FROM ${this.ks}.domain_registration WHERE domain = ? IF team = ?`,
      [domain, team],
    );
    // The listing row goes either way: a team that does not hold the domain must not list it.
    await this.db.execute('team_domain.delete', `DELETE FROM ${this.ks}.team_domain WHERE team = ? AND domain = ?`, [team, domain], {
      idempotent: true,
    });
    return applied(rs);
  }

  async listByTeam(team: TeamId): Promise<DomainRegistration[]> {
    const rs = await this.db.execute('team_domain.list', `SELECT domain FROM ${this.ks}.team_domain WHERE team = ?`, [team], {
      idempotent: true,
    });
    const regs = await Promise.all(rs.rows.map((r) => this.get(r.domain as string)));
    return regs.filter((r): r is DomainRegistration => r !== null && r.team === team);
  }
}
