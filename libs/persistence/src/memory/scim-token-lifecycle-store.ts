import type { ScimTokenId, TeamId } from '@sso/domain';
import type { ScimTokenLifecycle, ScimTokenLifecycleInput, ScimTokenLifecycleStore } from '../ports/scim-token-lifecycle-store';

const copy = (r: ScimTokenLifecycle): ScimTokenLifecycle => ({
  ...r,
  expiresAt: r.expiresAt && new Date(r.expiresAt.getTime()),
  lastUsed: r.lastUsed && new Date(r.lastUsed.getTime()),
});

export class MemoryScimTokenLifecycleStore implements ScimTokenLifecycleStore {
  private readonly rows = new Map<string, ScimTokenLifecycle>();

  async get(tokenKey: string): Promise<ScimTokenLifecycle | null> {
    const r = this.rows.get(tokenKey);
    return r ? copy(r) : null;
  }

  async getMany(tokenKeys: readonly string[]): Promise<Map<string, ScimTokenLifecycle>> {
    const out = new Map<string, ScimTokenLifecycle>();
    for (const k of tokenKeys) {
      const r = this.rows.get(k);
      if (r) out.set(k, copy(r));
    }
    return out;
  }

  async put(rec: ScimTokenLifecycleInput): Promise<void> {
    const lastUsed = this.rows.get(rec.tokenKey)?.lastUsed ?? null;
    this.rows.set(
      rec.tokenKey,
      copy({
        tokenKey: rec.tokenKey,
        team: rec.team && (rec.team.toLowerCase() as TeamId),
        id: rec.id && (rec.id.toLowerCase() as ScimTokenId),
        expiresAt: rec.expiresAt,
        rotatedFrom: rec.rotatedFrom && (rec.rotatedFrom.toLowerCase() as ScimTokenId),
        lastUsed,
      }),
    );
  }

  async touch(tokenKey: string, at: Date): Promise<void> {
    const r = this.rows.get(tokenKey) ?? { tokenKey, team: null, id: null, expiresAt: null, rotatedFrom: null, lastUsed: null };
    this.rows.set(tokenKey, { ...r, lastUsed: new Date(at.getTime()) });
  }

  async delete(tokenKey: string): Promise<void> {
    this.rows.delete(tokenKey);
  }
}
