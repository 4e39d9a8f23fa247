import type { IdpId, ScimTokenId, TeamId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { ScimTokenRecord, ScimTokenStore } from '../ports/scim-token-store';
import type { CassandraDb } from './db';
import { uuidOrNull, uuidText } from './store-helpers';

type Query = { query: string; params: unknown[] };

export class CassandraScimTokenStore implements ScimTokenStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.spar;
  }

  async insert(rec: ScimTokenRecord): Promise<void> {
    await this.db.batch('scim_token.insert', this.writeBoth(rec));
  }

  async lookup(hash: string, plaintext: string): Promise<ScimTokenRecord | null> {
    // The hashed row first: one partition read for every token issued or rehashed by us. Only a
    // miss looks for a legacy plaintext row (spar's), and a miss there reads the hash once more,
    // in case a concurrent rehash moved the row between the two reads.
    const byKey = async (key: string) =>
      tokenFromRow(
        (
          await this.db.execute(
            'scim_token.lookup',
            `SELECT token_, team, id, created_at, idp, descr, name FROM ${this.ks}.team_provisioning_by_token WHERE token_ = ?`,
            [key],
            {
              idempotent: true,
            },
          )
        ).first(),
      );
    const hashed = await byKey(hash);
    if (hashed) return hashed;
    return (await byKey(plaintext)) ?? (await byKey(hash));
  }

  async rehash(plaintext: string, hash: string): Promise<ScimTokenRecord | null> {
    const rs = await this.db.execute(
      'scim_token.get_by_token',
      `SELECT token_, team, id, created_at, idp, descr, name FROM ${this.ks}.team_provisioning_by_token WHERE token_ = ?`,
      [plaintext],
      { idempotent: true },
    );
    const legacy = tokenFromRow(rs.first());
    if (!legacy) return null;
    const rec: ScimTokenRecord = { ...legacy, tokenKey: hash };
    await this.db.batch('scim_token.rehash', [
      this.writeBoth(rec)[0]!,
      { query: `DELETE FROM ${this.ks}.team_provisioning_by_token WHERE token_ = ?`, params: [plaintext] },
      // An UPDATE, not an INSERT: if the token was deleted meanwhile it must not come back whole.
      { query: `UPDATE ${this.ks}.team_provisioning_by_team SET token_ = ? WHERE team = ? AND id = ?`, params: [hash, rec.team, rec.id] },
    ]);
    return rec;
  }

  async get(team: TeamId, id: ScimTokenId): Promise<ScimTokenRecord | null> {
    const rs = await this.db.execute(
      'scim_token.get',
      `SELECT token_, team, id, created_at, idp, descr, name FROM ${this.ks}.team_provisioning_by_team WHERE team = ? AND id = ?`,
      [team, id],
      { idempotent: true },
    );
    return tokenFromRow(rs.first());
  }

  async listByTeam(team: TeamId): Promise<ScimTokenRecord[]> {
    const rs = await this.db.execute(
      'scim_token.list_by_team',
      `SELECT token_, team, id, created_at, idp, descr, name FROM ${this.ks}.team_provisioning_by_team WHERE team = ?`,
      [team],
      { idempotent: true },
    );
    const recs = rs.rows.map(tokenFromRow).filter((r): r is ScimTokenRecord => r !== null);
    // Stable sort: equal created_at keeps the clustering (id) order.
    return recs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async countByTeam(team: TeamId): Promise<number> {
    return (await this.listByTeam(team)).length;
  }

  async rename(team: TeamId, id: ScimTokenId, name: string): Promise<boolean> {
    const rec = await this.get(team, id);
    if (!rec) return false;
    await this.db.batch('scim_token.rename', [
      { query: `UPDATE ${this.ks}.team_provisioning_by_team SET name = ? WHERE team = ? AND id = ?`, params: [name, team, id] },
      { query: `UPDATE ${this.ks}.team_provisioning_by_token SET name = ? WHERE token_ = ?`, params: [name, rec.tokenKey] },
    ]);
    return true;
  }

  async delete(team: TeamId, id: ScimTokenId): Promise<boolean> {
    const rec = await this.get(team, id);
    if (!rec) return false;
    await this.db.batch('scim_token.delete', this.deleteBoth(rec));
    return true;
  }

  async deleteAllByTeam(team: TeamId): Promise<number> {
    const recs = await this.listByTeam(team);
    await this.db.batch('scim_token.delete_by_team', [
      { query: `DELETE FROM ${this.ks}.team_provisioning_by_team WHERE team = ?`, params: [team] },
      ...recs.map((r) => ({ query: `DELETE FROM ${this.ks}.team_provisioning_by_token WHERE token_ = ?`, params: [r.tokenKey] })),
    ]);
    return recs.length;
  }

  async deleteAllByTeamAndIdp(team: TeamId, idp: IdpId): Promise<number> {
    const recs = (await this.listByTeam(team)).filter((r) => r.idp === idp);
    if (recs.length)
      await this.db.batch(
        'scim_token.delete_by_team_and_idp',
        recs.flatMap((r) => this.deleteBoth(r)),
      );
    return recs.length;
  }

  private writeBoth(r: ScimTokenRecord): [Query, Query] {
    // Unset rather than null for absent idp/name: fresh rows need no tombstones.
    const idp = r.idp ?? undefined;
    const name = r.name ?? undefined;
    return [
      {
        query: `INSERT INTO ${this.ks}.team_provisioning_by_token (token_, team, id, created_at, idp, descr, name) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        params: [r.tokenKey, r.team, r.id, r.createdAt, idp, r.description, name],
      },
      {
        query: `INSERT INTO ${this.ks}.team_provisioning_by_team (team, id, token_, created_at, idp, descr, name) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        params: [r.team, r.id, r.tokenKey, r.createdAt, idp, r.description, name],
      },
    ];
  }

  private deleteBoth(r: ScimTokenRecord): Query[] {
    return [
      { query: `DELETE FROM ${this.ks}.team_provisioning_by_team WHERE team = ? AND id = ?`, params: [r.team, r.id] },
      { query: `DELETE FROM ${this.ks}.team_provisioning_by_token WHERE token_ = ?`, params: [r.tokenKey] },
    ];
  }
}

/** Null for partial rows (an update that raced a delete): a token needs its key, team, id and date. */
function tokenFromRow(row: types.Row | null | undefined): ScimTokenRecord | null {
  if (!row || row.token_ == null || row.team == null || row.id == null || row.created_at == null) return null;
  return {
    team: uuidText<TeamId>(row.team),
    id: uuidText<ScimTokenId>(row.id),
    tokenKey: row.token_ as string,
    createdAt: row.created_at as Date,
    idp: uuidOrNull<IdpId>(row.idp),
    description: (row.descr as string | null) ?? '',
    name: (row.name as string | null) ?? null,
  };
}
