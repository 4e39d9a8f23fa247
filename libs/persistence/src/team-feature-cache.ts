import type { Clock, TeamId } from '@sso/domain';
import type { FeatureStatus, TeamStore } from './ports/identity-stores';
import { ReadCache } from './read-cache';

/** The team feature reads made on every SCIM create with an IdP (and every SSO auto-provisioning). */
export type TeamFeatureLookups = Pick<TeamStore, 'validateSamlEmailsStatus'>;

/** The TeamStore methods after which a cached feature status may be wrong. */
const WRITES = new Set<PropertyKey>(['setValidateSamlEmailsStatus', 'deleteTeam']);

/**
 * A TeamStore whose feature writes also empty a cache of `validateSAMLemails` (`forLookups`), kept
 * the way the IdP login cache keeps IdPs (ReadCache: `ttlSeconds`, a read overlapping a write is
 * not kept): the status changes when an admin flips it, and was read from Cassandra on every SCIM
 * create. This store's own reads stay fresh (token-admin's feature API shows what it wrote), so
 * only `forLookups` can be stale: on another instance for at most `ttlSeconds` after the flip, on
 * this one not at all. Absent rows (the configured default) are kept too.
 */
export class TeamFeatureCache {
  readonly teams: TeamStore;
  readonly forLookups: TeamFeatureLookups;

  constructor(store: TeamStore, clock: Clock, ttlSeconds: number) {
    const cache = new ReadCache(clock, ttlSeconds);
    this.forLookups = {
      validateSamlEmailsStatus: (team: TeamId): Promise<FeatureStatus | null> =>
        cache.read(`validate-saml-emails\n${team}`, () => store.validateSamlEmailsStatus(team)),
    };
    const wrapped = new Map<PropertyKey, unknown>();
    this.teams = new Proxy(store, {
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver);
        if (!WRITES.has(prop) || typeof value !== 'function') return value;
        let w = wrapped.get(prop);
        if (!w) {
          const fn = value as (...args: unknown[]) => Promise<unknown>;
          w = (...args: unknown[]) => cache.write(fn.apply(t, args));
          wrapped.set(prop, w);
        }
        return w;
      },
    });
  }
}
