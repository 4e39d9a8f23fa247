import type { Clock, IdpId, ScimTokenId, TeamId } from '@sso/domain';
import type { ScimTokenLifecycle, ScimTokenLifecycleInput, ScimTokenLifecycleStore } from './ports/scim-token-lifecycle-store';
import type { ScimTokenRecord, ScimTokenStore } from './ports/scim-token-store';

/** What authenticating a SCIM request needs about a token: spar's row and ours. */
export interface ScimTokenAuthEntry {
  token: ScimTokenRecord;
  lifecycle: ScimTokenLifecycle | null;
}

/** The one read scim-api makes per request to authenticate it (docs/data-model.md, "scim_token_lifecycle"). */
export interface ScimTokenAuthLookups {
  /**
   * spar's row by `hash` (or a legacy row by `plaintext`, see ScimTokenStore.lookup) and the
   * lifecycle row by `hash`, read in parallel; null when spar has no such token.
   */
  find(hash: string, plaintext: string): Promise<ScimTokenAuthEntry | null>;
}

/** Uncached: both reads on every call. */
export function directScimTokenAuth(tokens: ScimTokenStore, lifecycle: ScimTokenLifecycleStore): ScimTokenAuthLookups {
  return {
    find: async (hash, plaintext) => {
      const [token, lc] = await Promise.all([tokens.lookup(hash, plaintext), lifecycle.get(hash)]);
      return token ? { token, lifecycle: lc } : null;
    },
  };
}

export interface ScimTokenAuthCacheOptions {
  /** Most positive and most negative entries kept (each); the oldest go first. */
  maxEntries?: number;
  /** Seconds an unknown token stays known as unknown (capped by the TTL). */
  negativeSeconds?: number;
}

/**
 * The token check of docs/decisions.md ("SCIM token check cache"): `forAuth` keeps what it read
 * about a token for `ttlSeconds`, so a busy provisioning client costs one pair of reads per replica
 * every few seconds instead of one per request. Expiry is not cached: the caller compares the kept
 * `expiresAt` with its clock on every request, so an expired token is refused at once.
 *
 * Bounds: a token deleted (or given an earlier expiry) through another process keeps working on
 * this one for at most `ttlSeconds`; writes through `tokens` and `lifecycle` of this instance empty
 * the cache, so on the same process they take effect at once, and a read that overlapped a write is
 * not kept. Unknown tokens are remembered for `negativeSeconds` only (1 s by default), so a token
 * created in another datacenter and tried before its row arrived is not refused for long; both maps
 * hold at most `maxEntries` each, so a flood of random bearer values costs a bounded amount of
 * memory and cannot push valid tokens out. Concurrent checks of the same token share one read.
 */
export class ScimTokenAuthCache {
  readonly tokens: ScimTokenStore;
  readonly lifecycle: ScimTokenLifecycleStore;
  readonly forAuth: ScimTokenAuthLookups;
  private readonly known = new Map<string, { until: number; entry: ScimTokenAuthEntry }>();
  private readonly unknown = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<ScimTokenAuthEntry | null>>();
  private readonly maxEntries: number;
  private readonly negativeMs: number;
  private generation = 0;

  constructor(
    tokens: ScimTokenStore,
    lifecycle: ScimTokenLifecycleStore,
    private readonly clock: Clock,
    private readonly ttlSeconds: number,
    opts: ScimTokenAuthCacheOptions = {},
  ) {
    this.maxEntries = opts.maxEntries ?? 10_000;
    this.negativeMs = Math.min(opts.negativeSeconds ?? 1, ttlSeconds) * 1000;
    const direct = directScimTokenAuth(tokens, lifecycle);
    this.forAuth = { find: (hash, plaintext) => this.find(direct, hash, plaintext) };
    this.tokens = writeThrough(tokens, <T>(op: Promise<T>) => this.write(op));
    const write = <T>(op: Promise<T>) => this.write(op);
    this.lifecycle = {
      get: (k) => lifecycle.get(k),
      getMany: (ks) => lifecycle.getMany(ks),
      put: (rec: ScimTokenLifecycleInput) => write(lifecycle.put(rec)),
      // last_used changes nothing the check decides on: it must not empty the cache once a minute.
      touch: (k, at) => lifecycle.touch(k, at),
      delete: (k) => write(lifecycle.delete(k)),
    };
  }

  /** How many entries are kept (tests, metrics). */
  get size(): { known: number; unknown: number } {
    return { known: this.known.size, unknown: this.unknown.size };
  }

  private async find(direct: ScimTokenAuthLookups, hash: string, plaintext: string): Promise<ScimTokenAuthEntry | null> {
    const now = this.clock.now().getTime();
    const hit = this.known.get(hash);
    if (hit) {
      if (hit.until > now) return hit.entry;
      this.known.delete(hash);
    }
    const miss = this.unknown.get(hash);
    if (miss !== undefined) {
      if (miss > now) return null;
      this.unknown.delete(hash);
    }
    const pending = this.inFlight.get(hash);
    if (pending) return pending;
    const generation = this.generation;
    const read = direct.find(hash, plaintext).then((entry) => {
      // A write that finished while this read was in flight may have changed what it read; a
      // legacy (plaintext) row is about to be rehashed, so it is not kept either.
      if (generation === this.generation) {
        if (entry && entry.token.tokenKey === hash) put(this.known, hash, { until: now + this.ttlSeconds * 1000, entry }, this.maxEntries);
        else if (!entry && this.negativeMs > 0) put(this.unknown, hash, now + this.negativeMs, this.maxEntries);
      }
      return entry;
    });
    this.inFlight.set(hash, read);
    try {
      return await read;
    } finally {
      this.inFlight.delete(hash);
    }
  }

  private async write<T>(op: Promise<T>): Promise<T> {
    try {
      return await op;
    } finally {
      this.generation++;
      this.known.clear();
      this.unknown.clear();
      // A check that starts after this write must not share a read that started before it.
      this.inFlight.clear();
    }
  }
}

function put<V>(m: Map<string, V>, k: string, v: V, max: number): void {
  m.delete(k);
  while (m.size >= max) m.delete(m.keys().next().value as string);
  m.set(k, v);
}

function writeThrough(s: ScimTokenStore, write: <T>(op: Promise<T>) => Promise<T>): ScimTokenStore {
  return {
    insert: (rec: ScimTokenRecord) => write(s.insert(rec)),
    lookup: (hash: string, plaintext: string) => s.lookup(hash, plaintext),
    rehash: (plaintext: string, hash: string) => write(s.rehash(plaintext, hash)),
    get: (team: TeamId, id: ScimTokenId) => s.get(team, id),
    listByTeam: (team: TeamId) => s.listByTeam(team),
    countByTeam: (team: TeamId) => s.countByTeam(team),
    rename: (team: TeamId, id: ScimTokenId, name: string) => write(s.rename(team, id, name)),
    delete: (team: TeamId, id: ScimTokenId) => write(s.delete(team, id)),
    deleteAllByTeam: (team: TeamId) => write(s.deleteAllByTeam(team)),
    deleteAllByTeamAndIdp: (team: TeamId, idp: IdpId) => write(s.deleteAllByTeamAndIdp(team, idp)),
  };
}
