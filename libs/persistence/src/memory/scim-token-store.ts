import type { IdpId, ScimTokenId, TeamId } from '@sso/domain';
import type { ScimTokenRecord, ScimTokenStore } from '../ports/scim-token-store';
import { MemorySparTables, type TokenRow } from './tables';
import { lc } from './ids';

export class MemoryScimTokenStore implements ScimTokenStore {
  constructor(private readonly t: MemorySparTables = new MemorySparTables()) {}

  async insert(rec: ScimTokenRecord): Promise<void> {
    const row = toRow(rec);
    this.t.tokenByToken.set(rec.tokenKey, { ...row });
    this.t.tokenByTeam.put(row.team!, row.id!, { ...row });
  }

  async lookup(hash: string, plaintext: string): Promise<ScimTokenRecord | null> {
    return fromRow(this.t.tokenByToken.get(hash)) ?? fromRow(this.t.tokenByToken.get(plaintext));
  }

  async rehash(plaintext: string, hash: string): Promise<ScimTokenRecord | null> {
    const legacy = fromRow(this.t.tokenByToken.get(plaintext));
    if (!legacy) return null;
    const rec: ScimTokenRecord = { ...legacy, tokenKey: hash };
    this.t.tokenByToken.set(hash, toRow(rec));
    this.t.tokenByToken.delete(plaintext);
    const byTeam = this.t.tokenByTeam.get(rec.team, rec.id);
    if (byTeam) byTeam.tokenKey = hash;
    else this.t.tokenByTeam.put(rec.team, rec.id, { ...emptyRow(), tokenKey: hash }); // the partial row an UPDATE leaves
    return rec;
  }

  async get(team: TeamId, id: ScimTokenId): Promise<ScimTokenRecord | null> {
    return fromRow(this.t.tokenByTeam.get(lc(team), lc(id)));
  }

  async listByTeam(team: TeamId): Promise<ScimTokenRecord[]> {
    return this.list(team);
  }

  /** Mutations below read synchronously, so no other call interleaves between read and write. */
  private list(team: TeamId): ScimTokenRecord[] {
    const recs = this.t.tokenByTeam
      .rows(lc(team))
      .map(([, row]) => fromRow(row))
      .filter((r): r is ScimTokenRecord => r !== null);
    return recs.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async countByTeam(team: TeamId): Promise<number> {
    return this.list(team).length;
  }

  async rename(team: TeamId, id: ScimTokenId, name: string): Promise<boolean> {
    const rec = fromRow(this.t.tokenByTeam.get(lc(team), lc(id)));
    if (!rec) return false;
    this.t.tokenByTeam.get(rec.team, rec.id)!.name = name;
    const byToken = this.t.tokenByToken.get(rec.tokenKey);
    if (byToken) byToken.name = name;
    else this.t.tokenByToken.set(rec.tokenKey, { ...emptyRow(), tokenKey: rec.tokenKey, name });
    return true;
  }

  async delete(team: TeamId, id: ScimTokenId): Promise<boolean> {
    const rec = fromRow(this.t.tokenByTeam.get(lc(team), lc(id)));
    if (!rec) return false;
    this.deleteBoth(rec);
    return true;
  }

  async deleteAllByTeam(team: TeamId): Promise<number> {
    const recs = this.list(team);
    for (const r of recs) this.t.tokenByToken.delete(r.tokenKey);
    this.t.tokenByTeam.deletePartition(lc(team));
    return recs.length;
  }

  async deleteAllByTeamAndIdp(team: TeamId, idp: IdpId): Promise<number> {
    const recs = this.list(team).filter((r) => r.idp === lc(idp));
    for (const r of recs) this.deleteBoth(r);
    return recs.length;
  }

  private deleteBoth(r: ScimTokenRecord): void {
    this.t.tokenByTeam.delete(r.team, r.id);
    this.t.tokenByToken.delete(r.tokenKey);
  }
}

function emptyRow(): TokenRow {
  return { tokenKey: null, team: null, id: null, createdAt: null, idp: null, description: null, name: null };
}

function toRow(r: ScimTokenRecord): TokenRow {
  return {
    tokenKey: r.tokenKey,
    team: lc(r.team),
    id: lc(r.id),
    createdAt: new Date(r.createdAt.getTime()),
    idp: r.idp && lc(r.idp),
    description: r.description,
    name: r.name,
  };
}

function fromRow(row: TokenRow | undefined): ScimTokenRecord | null {
  if (!row || row.tokenKey == null || row.team == null || row.id == null || row.createdAt == null) return null;
  return {
    team: row.team as TeamId,
    id: row.id as ScimTokenId,
    tokenKey: row.tokenKey,
    createdAt: new Date(row.createdAt.getTime()),
    idp: row.idp as IdpId | null,
    description: row.description ?? '',
    name: row.name,
  };
}
