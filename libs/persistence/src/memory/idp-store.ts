import type { IdpId, TeamId } from '@sso/domain';
import { type IdpApiVersion, type IdpRecord, type IdpStore, STALE_V1_CLAIM_MS, checkIdpRecord } from '../ports/idp-store';
import { type IdpRow, MemorySparTables } from './tables';
import { lc } from './ids';

export class MemoryIdpStore implements IdpStore {
  constructor(private readonly t: MemorySparTables = new MemorySparTables()) {}

  /** No await between the read and the write: as atomic as the LWT it stands for. */
  async claimIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<boolean> {
    const owner = this.t.issuerIdpV2.get(issuer, lc(team));
    if (owner !== undefined) return owner === lc(idp);
    this.t.issuerIdpV2.put(issuer, lc(team), lc(idp));
    return true;
  }

  async releaseIssuer(issuer: string, team: TeamId, idp: IdpId): Promise<void> {
    if (this.t.issuerIdpV2.get(issuer, lc(team)) === lc(idp)) this.t.issuerIdpV2.delete(issuer, lc(team));
  }

  /** When each v1 claim was written (Cassandra's WRITETIME), for the stale-claim rule. */
  private readonly v1ClaimedAt = new Map<string, number>();

  async claimV1Issuer(issuer: string, idp: IdpId): Promise<boolean> {
    const owner = this.t.issuerIdp.get(issuer);
    if (owner !== undefined) {
      if (owner === lc(idp)) return true;
      if (this.read(owner) !== null) return false;
      const at = this.v1ClaimedAt.get(issuer);
      if (at !== undefined && Date.now() - at < STALE_V1_CLAIM_MS) return false;
    }
    this.t.issuerIdp.set(issuer, lc(idp));
    this.v1ClaimedAt.set(issuer, Date.now());
    return true;
  }

  async releaseV1Issuer(issuer: string, idp: IdpId): Promise<void> {
    if (this.t.issuerIdp.get(issuer) === lc(idp)) this.t.issuerIdp.delete(issuer);
  }

  async insert(idp: IdpRecord): Promise<void> {
    this.write(idp);
  }

  async update(idp: IdpRecord): Promise<void> {
    this.write(idp);
  }

  private write(idp: IdpRecord): void {
    checkIdpRecord(idp);
    const id = lc(idp.id);
    const team = lc(idp.team);
    this.t.idp.set(id, {
      issuer: idp.issuer,
      requestUri: idp.requestUri,
      certs: [...idp.certs],
      team,
      apiVersion: idp.apiVersion,
      oldIssuers: [...idp.oldIssuers],
      replacedBy: idp.replacedBy && lc(idp.replacedBy),
      handle: idp.handle,
      domain: idp.domain,
    });
    this.t.issuerIdpV2.put(idp.issuer, team, id);
    this.t.teamIdp.put(team, id, true);
  }

  async get(id: IdpId): Promise<IdpRecord | null> {
    return this.read(id);
  }

  private read(id: string): IdpRecord | null {
    const row = this.t.idp.get(lc(id));
    return row ? fromRow(lc(id), row) : null;
  }

  async getByIssuerAndTeam(issuer: string, team: TeamId): Promise<IdpRecord | null> {
    const id = this.t.issuerIdpV2.get(issuer, lc(team));
    const idp = id ? this.read(id) : null;
    return idp && idp.team === lc(team) ? idp : null;
  }

  async findByIssuer(issuer: string): Promise<IdpRecord[]> {
    const ids = this.t.issuerIdpV2.rows(issuer).map(([, id]) => id);
    const legacy = this.t.issuerIdp.get(issuer);
    if (legacy) ids.push(legacy);
    const out: IdpRecord[] = [];
    for (const id of new Set(ids)) {
      const idp = this.read(id);
      if (idp) out.push(idp);
    }
    return out;
  }

  async listByTeam(team: TeamId): Promise<IdpRecord[]> {
    const out: IdpRecord[] = [];
    for (const [id] of this.t.teamIdp.rows(lc(team))) {
      const idp = this.read(id);
      if (idp) out.push(idp);
    }
    return out;
  }

  async setReplacedBy(id: IdpId, replacedBy: IdpId | null): Promise<void> {
    const row = this.t.idp.get(lc(id));
    // Cassandra's bare UPDATE would create a partial row; reads treat that as absent, so no row here.
    if (row) row.replacedBy = replacedBy && lc(replacedBy);
  }

  async deleteIssuerMapping(issuer: string, team: TeamId): Promise<void> {
    this.t.issuerIdpV2.delete(issuer, lc(team));
    const legacy = this.t.issuerIdp.get(issuer);
    if (legacy) {
      const owner = this.t.idp.get(legacy);
      if (!owner || owner.team === lc(team)) this.t.issuerIdp.delete(issuer);
    }
  }

  async delete(id: IdpId): Promise<boolean> {
    const idp = this.read(id);
    if (!idp) return false;
    this.t.idp.delete(idp.id);
    this.t.teamIdp.delete(idp.team, idp.id);
    this.t.defaultIdp.delete('default', idp.id);
    if (this.t.issuerIdpV2.get(idp.issuer, idp.team) === idp.id) this.t.issuerIdpV2.delete(idp.issuer, idp.team);
    if (this.t.issuerIdp.get(idp.issuer) === idp.id) this.t.issuerIdp.delete(idp.issuer);
    return true;
  }

  async putRawMetadata(id: IdpId, xml: string): Promise<void> {
    this.t.idpRawMetadata.set(lc(id), xml);
  }

  async getRawMetadata(id: IdpId): Promise<string | null> {
    return this.t.idpRawMetadata.get(lc(id)) ?? null;
  }

  async deleteRawMetadata(id: IdpId): Promise<void> {
    this.t.idpRawMetadata.delete(lc(id));
  }
}

function fromRow(id: IdpId, r: IdpRow): IdpRecord | null {
  if (r.issuer == null || r.team == null || r.requestUri == null || !r.certs?.length) return null;
  return {
    id,
    team: r.team as TeamId,
    issuer: r.issuer,
    requestUri: r.requestUri,
    certs: [...r.certs],
    apiVersion: r.apiVersion === 1 || r.apiVersion === 2 ? (r.apiVersion as IdpApiVersion) : null,
    oldIssuers: [...r.oldIssuers],
    replacedBy: r.replacedBy as IdpId | null,
    handle: r.handle,
    domain: r.domain,
  };
}
