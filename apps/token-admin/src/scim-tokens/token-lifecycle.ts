import { hashScimToken } from '@sso/auth';
import { DomainError, type ScimTokenId } from '@sso/domain';
import type { ScimTokenLifecycle, ScimTokenLifecycleStore, ScimTokenRecord, ScimTokenStore } from '@sso/persistence';

const DAY_MS = 86_400_000;

/** Lifetime rules of SCIM tokens (config `scim.maxTokenLifetimeDays`, `scim.tokenExpiryWarningDays`). */
export interface TokenLifecyclePolicy {
  maxLifetimeDays: number;
  expiryWarningDays: number;
}

/** ISO 8601 date-time with a time zone (`Z` or an offset); a date alone or a local time is ambiguous. */
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * The expiry a create or rotate body asks for: `expires_at` (ISO 8601 with a time zone) or
 * `expires_in` (seconds), not both; in the future and at most `maxLifetimeDays` away. Undefined
 * when neither is given. Every refusal is 400 `bad-request` naming the field.
 */
export function requestedExpiry(
  body: { expires_at?: string; expires_in?: number },
  now: Date,
  policy: TokenLifecyclePolicy,
): Date | undefined {
  const { expires_at: at, expires_in: inSeconds } = body;
  if (at !== undefined && inSeconds !== undefined) throw new DomainError('bad-request', 'Give expires_at or expires_in, not both');
  const max = now.getTime() + policy.maxLifetimeDays * DAY_MS;
  if (at !== undefined) {
    const ms = ISO_DATE_TIME.test(at) && realDate(at) ? Date.parse(at) : NaN;
    if (Number.isNaN(ms))
      throw new DomainError('bad-request', 'expires_at: not an ISO 8601 date-time with a time zone, e.g. 2027-06-30T00:00:00Z');
    if (ms <= now.getTime()) throw new DomainError('bad-request', 'expires_at: must be in the future');
    if (ms > max) throw new DomainError('bad-request', `expires_at: at most ${policy.maxLifetimeDays} days from now`);
    return new Date(ms);
  }
  if (inSeconds !== undefined) {
    if (!Number.isSafeInteger(inSeconds) || inSeconds < 1)
      throw new DomainError('bad-request', 'expires_in: a whole number of seconds, at least 1');
    if (inSeconds > policy.maxLifetimeDays * 86_400)
      throw new DomainError(
        'bad-request',
        `expires_in: at most ${policy.maxLifetimeDays * 86_400} seconds (${policy.maxLifetimeDays} days)`,
      );
    return new Date(now.getTime() + inSeconds * 1000);
  }
  return undefined;
}

/** Date.parse rolls 2027-02-30 over into March; a date that does not exist is a mistake. */
function realDate(iso: string): boolean {
  const [y, m, d] = iso.slice(0, 10).split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** The key of a token's lifecycle row: the hash, also for spar's legacy plaintext rows. */
export function lifecycleKey(rec: ScimTokenRecord): string {
  return rec.tokenKey.startsWith('sha512:') ? rec.tokenKey : hashScimToken(rec.tokenKey);
}

export interface TeamToken {
  rec: ScimTokenRecord;
  lc: ScimTokenLifecycle | null;
}

/** A team's tokens with their lifecycle rows: two reads (spar's team partition, then ours by key). */
export class TeamTokens {
  private constructor(readonly all: TeamToken[]) {}

  static async load(tokens: ScimTokenStore, lifecycle: ScimTokenLifecycleStore, team: ScimTokenRecord['team']): Promise<TeamTokens> {
    const recs = await tokens.listByTeam(team);
    const lcs = recs.length ? await lifecycle.getMany(recs.map(lifecycleKey)) : new Map<string, ScimTokenLifecycle>();
    return new TeamTokens(recs.map((rec) => ({ rec, lc: lcs.get(lifecycleKey(rec)) ?? null })));
  }

  find(id: ScimTokenId): TeamToken | undefined {
    return this.all.find((t) => t.rec.id === id);
  }

  /** The live tokens rotated from `id`, oldest first. */
  successors(id: ScimTokenId): TeamToken[] {
    return this.all.filter((t) => t.lc?.rotatedFrom === id);
  }

  /**
   * Tokens that count against the per-team limit: all but those already replaced by a live
   * rotation (docs/decisions.md, "SCIM token rotation"). A binding in rotation counts once.
   */
  get counted(): number {
    return this.all.filter((t) => this.successors(t.rec.id).length === 0).length;
  }
}
