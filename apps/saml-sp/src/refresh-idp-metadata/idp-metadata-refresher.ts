import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { type Clock, DomainError, type IdpId } from '@sso/domain';
import type { IdpLoginOptionsStore, IdpMetadataSourceStore, IdpRecord, SparStores } from '@sso/persistence';
import { type IdpMetadata, type MetadataFetcher, parseIdpMetadata } from '@sso/saml';
import type { ActivityRecorder } from '@sso/platform';

/** Long enough for the fetch timeout (10 s) and the writes; a crashed holder frees it by TTL. */
const LEASE_SECONDS = 60;

type RefreshOutcome =
  | { kind: 'applied'; changed: boolean; added: number; removed: number }
  | { kind: 'refused'; reason: string }
  | { kind: 'busy' }
  | { kind: 'gone' };

/**
 * Metadata fetched for an IdP is applied only when it parses, names the same issuer (an issuer
 * change is an admin's PUT), has an https SSO URL and its `validUntil` is in the future.
 * Throws DomainError `invalid-metadata` otherwise.
 */
export function checkFetchedMetadata(md: IdpMetadata, now: Date, issuer: string | null): void {
  if (md.validUntil && md.validUntil.getTime() <= now.getTime()) {
    throw new DomainError('invalid-metadata', `Invalid IdP metadata: validUntil ${md.validUntil.toISOString()} has passed`);
  }
  if (issuer !== null && md.issuer !== issuer) {
    throw new DomainError(
      'invalid-metadata',
      `Invalid IdP metadata: the entityID changed to ${md.issuer}; change the issuer with PUT /identity-providers/<id>`,
    );
  }
  if (!md.requestUri.startsWith('https://')) throw new DomainError('idp-must-be-https', 'The IdP SSO URL must be https');
}

/**
 * Refreshes IdPs registered from a metadata URL: the signing certificates become those the
 * metadata lists now (a new key is trusted as soon as it is published, an old one as long as it
 * is listed), and the SSO URL and its binding follow. Refused metadata (unreachable, malformed, expired, other
 * issuer) changes nothing: the last good metadata stays, and the reason is stored and logged.
 */
export class IdpMetadataRefresher {
  /** Identifies this process's leases. */
  private readonly owner = `${hostname()}/${process.pid}/${randomUUID()}`;

  constructor(
    private readonly spar: SparStores,
    private readonly sources: IdpMetadataSourceStore,
    private readonly loginOptions: IdpLoginOptionsStore,
    private readonly fetchMetadata: MetadataFetcher,
    private readonly clock: Clock,
    private readonly log: Logger,
    private readonly intervalSeconds: number,
    /** The team activity log (absent: nothing is recorded). */
    private readonly activity?: Pick<ActivityRecorder, 'record'>,
  ) {}

  /** Refreshes every source not checked for 90 % of the interval (other replicas share the work). */
  async refreshDue(): Promise<{ applied: number; refused: number; skipped: number }> {
    const counts = { applied: 0, refused: 0, skipped: 0 };
    const dueBefore = this.clock.now().getTime() - this.intervalSeconds * 900;
    let cursor: string | null = null;
    do {
      const page = await this.sources.list({ limit: 100, cursor });
      for (const s of page.items) {
        if (s.checkedAt && s.checkedAt.getTime() > dueBefore) {
          counts.skipped++;
          continue;
        }
        const out = await this.refresh(s.idp).catch((e: Error) => ({ kind: 'refused' as const, reason: e.message }));
        if (out.kind === 'applied') counts.applied++;
        else if (out.kind === 'refused') counts.refused++;
        else counts.skipped++;
      }
      cursor = page.cursor;
    } while (cursor);
    return counts;
  }

  async refresh(id: IdpId): Promise<RefreshOutcome> {
    if (!(await this.sources.tryLease(id, this.owner, LEASE_SECONDS))) return { kind: 'busy' };
    try {
      const src = await this.sources.get(id);
      if (!src) return { kind: 'gone' };
      let xml: string;
      let md: IdpMetadata;
      const now = this.clock.now();
      try {
        const before = await this.spar.idps.get(id);
        if (!before) {
          await this.sources.delete(id);
          return { kind: 'gone' };
        }
        xml = await this.fetchMetadata(src.url);
        md = parseIdpMetadata(xml);
        checkFetchedMetadata(md, now, before.issuer);
      } catch (e) {
        if (!(e instanceof DomainError)) throw e;
        await this.sources.recordAttempt(id, { checkedAt: now, lastError: e.message });
        this.log.warn({ idp: id, url: src.url, reason: e.message }, 'idp metadata refresh refused; keeping the last good metadata');
        return { kind: 'refused', reason: e.message };
      }
      // Re-read right before writing: an admin's PUT in the meantime wins (it also drops the source).
      const current = await this.spar.idps.get(id);
      const still = await this.sources.get(id);
      if (!current || !still || still.url !== src.url || current.issuer !== md.issuer) return { kind: 'gone' };
      const added = md.certs.filter((c) => !current.certs.includes(c)).length;
      const removed = current.certs.filter((c) => !md.certs.includes(c)).length;
      const bindingChanged = (await this.loginOptions.get(id)).ssoBinding !== md.ssoBinding;
      const changed = added > 0 || removed > 0 || current.requestUri !== md.requestUri || bindingChanged;
      if (changed) {
        const next: IdpRecord = { ...current, requestUri: md.requestUri, certs: md.certs };
        await this.spar.idps.update(next);
        // After the URL: a login in between uses the new URL with the old binding at worst.
        if (bindingChanged) await this.loginOptions.setSsoBinding(id, md.ssoBinding);
        await this.spar.idps.putRawMetadata(id, xml);
        const what = [
          added > 0 ? `${added} new certificate${added === 1 ? '' : 's'}` : '',
          removed > 0 ? `${removed} certificate${removed === 1 ? '' : 's'} removed` : '',
          current.requestUri !== md.requestUri || bindingChanged ? 'new SSO URL or binding' : '',
        ]
          .filter(Boolean)
          .join(', ');
        this.activity?.record(current.team, {
          kind: 'idp.updated',
          outcome: 'ok',
          actor: { type: 'system' },
          subject: { type: 'idp', id, ...(current.handle ? { name: current.handle } : {}) },
          idp: id,
          detail: `IdP ${current.handle ?? id} was updated from its metadata URL (${what}).`,
        });
      }
      await this.sources.recordAttempt(id, { checkedAt: now, lastError: null, appliedAt: now, validUntil: md.validUntil });
      this.log.info({ idp: id, url: src.url, changed, added, removed }, 'idp metadata refreshed');
      return { kind: 'applied', changed, added, removed };
    } finally {
      await this.sources.releaseLease(id, this.owner);
    }
  }
}
