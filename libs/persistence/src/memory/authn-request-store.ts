import { type Clock, systemClock } from '@sso/domain';
import type { AuthnRequestRecord, AuthnRequestStore, ConsumeOutcome, VerdictRecord } from '../ports/authn-request-store';
import { checkTtl } from '../ports/ttl';
import { MemorySparTables, alive, expiring } from './tables';

export class MemoryAuthnRequestStore implements AuthnRequestStore {
  constructor(
    private readonly t: MemorySparTables = new MemorySparTables(),
    private readonly clock: Clock = systemClock,
  ) {}

  async put(id: string, idpIssuer: string, ttlSeconds: number): Promise<boolean> {
    const ttl = checkTtl(ttlSeconds);
    if (alive(this.clock, this.t.authreq.get(id))) return false;
    const endOfLife = new Date(this.clock.now().getTime() + ttl * 1000);
    this.t.authreq.set(id, expiring(this.clock, { idpIssuer, endOfLife }, ttl));
    return true;
  }

  async get(id: string): Promise<AuthnRequestRecord | null> {
    return this.read(id);
  }

  /** No await between the read and the delete: as atomic as the LWT it stands for. */
  async consume(id: string, idpIssuer: string): Promise<ConsumeOutcome> {
    const rec = this.read(id);
    if (!rec) return 'unknown';
    if (rec.idpIssuer !== idpIssuer) return 'other-idp';
    this.t.authreq.delete(id);
    return 'consumed';
  }

  private read(id: string): AuthnRequestRecord | null {
    const v = alive(this.clock, this.t.authreq.get(id));
    return v ? { id, idpIssuer: v.idpIssuer, endOfLife: v.endOfLife } : null;
  }

  async delete(id: string): Promise<void> {
    this.t.authreq.delete(id);
  }

  async putVerdict(id: string, verdict: VerdictRecord, ttlSeconds: number): Promise<void> {
    const f = verdict.format;
    const row =
      f.kind === 'mobile'
        ? { con: 1, success: f.successRedirect, error: f.errorRedirect, label: verdict.cookieLabel }
        : { con: f.kind === 'page' ? 2 : 0, success: null, error: null, label: verdict.cookieLabel };
    this.t.verdict.set(id, expiring(this.clock, row, ttlSeconds));
  }

  async getVerdict(id: string): Promise<VerdictRecord | null> {
    const v = alive(this.clock, this.t.verdict.get(id));
    if (!v) return null;
    if (v.con === 1) return { format: { kind: 'mobile', successRedirect: v.success!, errorRedirect: v.error! }, cookieLabel: v.label };
    return { format: v.con === 2 ? { kind: 'page' } : { kind: 'web' }, cookieLabel: v.label };
  }
}
