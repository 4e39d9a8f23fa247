import type { IdpId, TeamId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import { type IdpApiVersion, type IdpRecord, type IdpStore, STALE_V1_CLAIM_MS, checkIdpRecord } from '../ports/idp-store';
import type { CassandraDb } from './db';
import { applied, uuidOrNull, uuidText } from './store-helpers';

const COLUMNS = 'issuer, request_uri, public_key, extra_public_keys, team, api_version, old_issuers, replaced_by, handle, domain';

export class CassandraIdpStore implements IdpStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.spar;
  }

  async claimIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<boolean> {
    const rs = await this.db.execute(
      'issuer_idp_v2.claim',
      `INSERT INTO ${this.ks}.issuer_idp_v2 (issuer, team, idp) VALUES (?, ?, ?) IF NOT EXISTS`,
      [issuer, team, idp],
    );
    // Not applied: the row holds the current owner (ours after a retried claim).
    return applied(rs) || uuidOrNull<IdpId>(rs.first()?.idp) === idp.toLowerCase();
  }

  async releaseIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<void> {
    await this.db.execute('issuer_idp_v2.release', `DELETE FROM ${this.ks}.issuer_idp_v2 WHERE issuer = ? AND team = ? IF idp = ?`, [
      issuer,
      team,
      idp,
    ]);
  }

  async claimV1Issuer(issuer: string, idp: IdpId): Promise<boolean> {
    for (let attempt = 0; attempt < 3; attempt++) {
      const rs = await this.db.execute('issuer_idp.claim', `INSERT INTO ${this.ks}.issuer_idp (issuer, idp) VALUES (?, ?) IF NOT EXISTS`, [
        issuer,
        idp,
      ]);
      if (applied(rs)) return true;
      const owner = uuidOrNull<IdpId>(rs.first()?.idp);
      if (owner === idp.toLowerCase()) return true;
      if (owner !== null && (await this.get(owner)) !== null) return false;
      // The owner does not exist: a create in flight (claims come before the IdP row) or a leftover.
      const age = await this.db.execute(
        'issuer_idp.writetime',
        `SELECT WRITETIME(idp) AS wt FROM ${this.ks}.issuer_idp WHERE issuer = ?`,
        [issuer],
        {
          idempotent: true,
        },
      );
      const wt = age.first()?.wt as types.Long | null | undefined;
      if (wt != null && Date.now() - Number(wt.toString()) / 1000 < STALE_V1_CLAIM_MS) return false;
      await this.db.execute('issuer_idp.take_over', `DELETE FROM ${this.ks}.issuer_idp WHERE issuer = ? IF idp = ?`, [issuer, owner]);
    }
    return false;
  }

  async releaseV1Issuer(issuer: string, idp: IdpId): Promise<void> {
    await this.db.execute('issuer_idp.release', `DELETE FROM ${this.ks}.issuer_idp WHERE issuer = ? IF idp = ?`, [issuer, idp]);
  }

  insert(idp: IdpRecord): Promise<void> {
    return this.write('idp.insert', idp);
  }

  update(idp: IdpRecord): Promise<void> {
    return this.write('idp.update', idp);
  }

  /**
   * spar's storeConfig: the record and the team lookup in one logged batch (nulls overwrite), and
   * the issuer lookup by lightweight transactions: `issuer_idp_v2` rows are claimed with them, so
   * they are never written plainly (an upsert takes the row over with a compare-and-set).
   */
  private async write(name: string, idp: IdpRecord): Promise<void> {
    checkIdpRecord(idp);
    await this.mapIssuer(idp.issuer, idp.team, idp.id);
    const [first, ...extra] = idp.certs;
    await this.db.batch(name, [
      {
        query: `INSERT INTO ${this.ks}.idp (idp, ${COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        params: [
          idp.id,
          idp.issuer,
          idp.requestUri,
          Buffer.from(first!, 'utf8'),
          extra.length ? extra.map((c) => Buffer.from(c, 'utf8')) : null,
          idp.team,
          idp.apiVersion,
          idp.oldIssuers.length ? idp.oldIssuers : null,
          idp.replacedBy,
          idp.handle,
          idp.domain,
        ],
      },
      { query: `INSERT INTO ${this.ks}.team_idp (team, idp) VALUES (?, ?)`, params: [idp.team, idp.id] },
    ]);
  }

  /** Points `issuer_idp_v2(issuer, team)` at `id`, taking it over from another IdP if need be. */
  private async mapIssuer(issuer: string, team: TeamId, id: IdpId): Promise<void> {
    for (let attempt = 0; attempt < 3; attempt++) {
      if (await this.claimIssuer(issuer, team, id)) return;
      // A stale read only makes the compare-and-set below fail, and the loop try again.
      const owner = await this.v2Mapping(issuer, team);
      if (owner === null) continue;
      const rs = await this.db.execute(
        'issuer_idp_v2.take_over',
        `UPDATE ${this.ks}.issuer_idp_v2 SET idp = ? WHERE issuer = ? AND team = ? IF idp = ?`,
        [id, issuer, team, owner],
      );
      if (applied(rs)) return;
    }
    throw new Error(`issuer_idp_v2: the mapping of ${issuer} in ${team} kept changing`);
  }

  async get(id: IdpId): Promise<IdpRecord | null> {
    const rs = await this.db.execute('idp.get', `SELECT ${COLUMNS} FROM ${this.ks}.idp WHERE idp = ?`, [id], { idempotent: true });
    const row = rs.first();
    return row ? idpFromRow(id, row) : null;
  }

  async getByIssuerAndTeam(issuer: string, team: TeamId): Promise<IdpRecord | null> {
    const id = await this.v2Mapping(issuer, team);
    if (!id) return null;
    const idp = await this.get(id);
    return idp && idp.team === team ? idp : null;
  }

  async findByIssuer(issuer: string): Promise<IdpRecord[]> {
    const [v2, legacy] = await Promise.all([
      this.db.execute('issuer_idp_v2.by_issuer', `SELECT idp FROM ${this.ks}.issuer_idp_v2 WHERE issuer = ?`, [issuer], {
        idempotent: true,
      }),
      this.legacyMapping(issuer),
    ]);
    const ids: IdpId[] = v2.rows.map((r) => uuidText<IdpId>(r.idp));
    if (legacy) ids.push(legacy);
    const unique = [...new Set(ids)];
    const found = await Promise.all(unique.map((id) => this.get(id)));
    return found.filter((x): x is IdpRecord => x !== null);
  }

  async listByTeam(team: TeamId): Promise<IdpRecord[]> {
    const rs = await this.db.execute('team_idp.list', `SELECT idp FROM ${this.ks}.team_idp WHERE team = ?`, [team], { idempotent: true });
    const found = await Promise.all(rs.rows.map((r) => this.get(uuidText<IdpId>(r.idp))));
    return found.filter((x): x is IdpRecord => x !== null);
  }

  async setReplacedBy(id: IdpId, replacedBy: IdpId | null): Promise<void> {
    // A bare UPDATE of a deleted IdP leaves a partial row; idpFromRow treats it as absent.
    await this.db.execute('idp.set_replaced_by', `UPDATE ${this.ks}.idp SET replaced_by = ? WHERE idp = ?`, [replacedBy, id], {
      idempotent: true,
    });
  }

  async deleteIssuerMapping(issuer: string, team: TeamId): Promise<void> {
    await this.db.execute('issuer_idp_v2.delete', `DELETE FROM ${this.ks}.issuer_idp_v2 WHERE issuer = ? AND team = ? IF EXISTS`, [
      issuer,
      team,
    ]);
    const legacy = await this.legacyMapping(issuer);
    if (legacy) {
      const owner = await this.get(legacy);
      // Compare-and-delete: the row is also v1's claim, so it gets no plain writes.
      if (!owner || owner.team === team) await this.releaseV1Issuer(issuer, legacy);
    }
  }

  async delete(id: IdpId): Promise<boolean> {
    const idp = await this.get(id);
    if (!idp) return false;
    const [v2, legacy] = await Promise.all([this.v2Mapping(idp.issuer, idp.team), this.legacyMapping(idp.issuer)]);
    const queries: Array<{ query: string; params: unknown[] }> = [
      { query: `DELETE FROM ${this.ks}.idp WHERE idp = ?`, params: [id] },
      { query: `DELETE FROM ${this.ks}.team_idp WHERE team = ? AND idp = ?`, params: [idp.team, id] },
      { query: `DELETE FROM ${this.ks}.default_idp WHERE partition_key_always_default = 'default' AND idp = ?`, params: [id] },
    ];
    // Lookup rows go only if they still point here (another IdP may have taken the issuer over),
    // by compare-and-delete, outside the batch: both are claimed by LWTs and get no plain writes.
    await this.db.batch('idp.delete', queries);
    if (v2 === id) await this.releaseIssuer(idp.issuer, idp.team, id);
    if (legacy === id) await this.releaseV1Issuer(idp.issuer, id);
    return true;
  }

  async putRawMetadata(id: IdpId, xml: string): Promise<void> {
    await this.db.execute('idp_raw_metadata.put', `INSERT INTO ${this.ks}.idp_raw_metadata (id, metadata) VALUES (?, ?)`, [id, xml], {
      idempotent: true,
    });
  }

  async getRawMetadata(id: IdpId): Promise<string | null> {
    const rs = await this.db.execute('idp_raw_metadata.get', `SELECT metadata FROM ${this.ks}.idp_raw_metadata WHERE id = ?`, [id], {
      idempotent: true,
    });
    return (rs.first()?.metadata as string | null | undefined) ?? null;
  }

  async deleteRawMetadata(id: IdpId): Promise<void> {
    await this.db.execute('idp_raw_metadata.delete', `DELETE FROM ${this.ks}.idp_raw_metadata WHERE id = ?`, [id], { idempotent: true });
  }

  private async v2Mapping(issuer: string, team: TeamId): Promise<IdpId | null> {
    const rs = await this.db.execute(
      'issuer_idp_v2.get',
      `SELECT idp FROM ${this.ks}.issuer_idp_v2 WHERE issuer = ? AND team = ?`,
      [issuer, team],
      {
        idempotent: true,
      },
    );
    return uuidOrNull<IdpId>(rs.first()?.idp);
  }

  private async legacyMapping(issuer: string): Promise<IdpId | null> {
    const rs = await this.db.execute('issuer_idp.get', `SELECT idp FROM ${this.ks}.issuer_idp WHERE issuer = ?`, [issuer], {
      idempotent: true,
    });
    return uuidOrNull<IdpId>(rs.first()?.idp);
  }
}

/** Null for a partial row (an update that raced a delete): no issuer, team or key means no IdP. */
function idpFromRow(id: IdpId, row: types.Row): IdpRecord | null {
  if (row.issuer == null || row.team == null || row.public_key == null || row.request_uri == null) return null;
  const extra = (row.extra_public_keys as Buffer[] | null) ?? [];
  const version = row.api_version as number | null;
  return {
    id,
    team: uuidText<TeamId>(row.team),
    issuer: row.issuer as string,
    requestUri: row.request_uri as string,
    certs: [(row.public_key as Buffer).toString('utf8'), ...extra.map((b) => b.toString('utf8'))],
    apiVersion: version === 1 || version === 2 ? (version as IdpApiVersion) : null,
    oldIssuers: (row.old_issuers as string[] | null) ?? [],
    replacedBy: uuidOrNull<IdpId>(row.replaced_by),
    handle: (row.handle as string | null) ?? null,
    domain: (row.domain as string | null) ?? null,
  };
}
