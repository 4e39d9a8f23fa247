import type { UserId } from '@sso/domain';
import type { ScimDocTimes, ScimUserDoc, ScimUserDocStore, ScimUserDocWrite } from '../ports/scim-user-doc-store';
import { lc } from './ids';

/** The twin of `brig.scim_user_doc`; compare-and-set as the LWTs do it. */
export class MemoryScimUserDocStore implements ScimUserDocStore {
  constructor(readonly rows = new Map<UserId, { doc: string; version: string; times?: ScimDocTimes }>()) {}

  async get(uid: UserId): Promise<ScimUserDoc | null> {
    const r = this.rows.get(lc(uid));
    if (!r) return null;
    const { times, ...rest } = r;
    return times ? { uid: lc(uid), ...rest, times: { ...times } } : { uid: lc(uid), ...rest };
  }

  async getMany(uids: UserId[]): Promise<Map<UserId, ScimUserDoc>> {
    const out = new Map<UserId, ScimUserDoc>();
    for (const uid of uids) {
      const d = await this.get(uid);
      if (d) out.set(d.uid, d);
    }
    return out;
  }

  async create(d: ScimUserDoc): Promise<ScimUserDocWrite> {
    const cur = this.rows.get(lc(d.uid));
    if (cur) return { ok: false, current: cur.version };
    this.rows.set(lc(d.uid), { doc: d.doc, version: d.version, ...(d.times ? { times: { ...d.times } } : {}) });
    return { ok: true };
  }

  async insertNew(d: ScimUserDoc): Promise<void> {
    this.rows.set(lc(d.uid), { doc: d.doc, version: d.version, ...(d.times ? { times: { ...d.times } } : {}) });
  }

  async replace(d: ScimUserDoc, expected: string): Promise<ScimUserDocWrite> {
    const cur = this.rows.get(lc(d.uid));
    if (!cur || cur.version !== expected) return { ok: false, current: cur?.version ?? null };
    this.rows.set(lc(d.uid), { doc: d.doc, version: d.version, ...(d.times ? { times: { ...d.times } } : {}) });
    return { ok: true };
  }

  async deleteIf(uid: UserId, expected: string): Promise<ScimUserDocWrite> {
    const cur = this.rows.get(lc(uid));
    if (!cur || cur.version !== expected) return { ok: false, current: cur?.version ?? null };
    this.rows.delete(lc(uid));
    return { ok: true };
  }

  async delete(uid: UserId): Promise<void> {
    this.rows.delete(lc(uid));
  }
}
