import type { Config, StoreBackend } from '@sso/config';
import { type Clock, systemClock } from '@sso/domain';
import { CassandraDomainRegistrationStore } from './cassandra/domain-registration-store';
import { CassandraActivityStore } from './cassandra/activity-store';
import { CassandraIdpDomainStore } from './cassandra/idp-domain-store';
import { CassandraIdpLoginOptionsStore } from './cassandra/idp-login-options-store';
import { CassandraIdpMetadataSourceStore } from './cassandra/idp-metadata-source-store';
import { CassandraActivationStore, CassandraInvitationStore } from './cassandra/invitation-store';
import { CassandraMailOutboxStore } from './cassandra/mail-outbox-store';
import { CassandraPasswordResetStore } from './cassandra/password-reset-store';
import { CassandraDb, type QueryObserver } from './cassandra/db';
import { cassandraIdentityStores } from './cassandra/identity-stores';
import { CassandraScimGroupStore } from './cassandra/scim-group-store';
import { CassandraScimUserDocStore } from './cassandra/scim-user-doc-store';
import { CassandraPageCheckpointStore } from './cassandra/page-checkpoint-store';
import { CassandraTeamCountStore } from './cassandra/team-count-store';
import { cassandraSparStores } from './cassandra/spar-store';
import { type ChangeStamps, type StampFailure, StampWriter, withChangeStamps } from './change-stamps';
import { IdpLoginOptionsCache } from './idp-login-options-cache';
import { type IdpLoginLookups, IdpLookupCache } from './idp-lookup-cache';
import { TeamFeatureCache, type TeamFeatureLookups } from './team-feature-cache';
import { memorySparStores } from './memory';
import { MemoryActivityStore } from './memory/activity-store';
import { memoryIdentityStores } from './memory/identity-stores';
import { MemoryDomainRegistrationStore } from './memory/domain-registration-store';
import { MemoryIdpDomainStore } from './memory/idp-domain-store';
import { MemoryIdpLoginOptionsStore } from './memory/idp-login-options-store';
import { MemoryIdpMetadataSourceStore } from './memory/idp-metadata-source-store';
import { MemoryActivationStore, MemoryInvitationStore } from './memory/invitation-store';
import { MemoryMailOutboxStore } from './memory/mail-outbox-store';
import { MemoryPasswordResetStore } from './memory/password-reset-store';
import { MemoryScimGroupStore } from './memory/scim-group-store';
import { MemoryScimUserDocStore } from './memory/scim-user-doc-store';
import type { ActivityStore } from './ports/activity-store';
import { MemoryPageCheckpointStore } from './memory/page-checkpoint-store';
import { MemoryTeamCountStore } from './memory/team-count-store';
import type { IdentityStores } from './ports/identity-stores';
import type { DomainRegistrationStore } from './ports/domain-registration-store';
import type { IdpDomainStore } from './ports/idp-domain-store';
import type { IdpLoginOptionsStore } from './ports/idp-login-options-store';
import type { IdpMetadataSourceStore } from './ports/idp-metadata-source-store';
import type { ActivationStore, InvitationStore } from './ports/invitation-store';
import type { MailOutboxStore } from './ports/mail-outbox';
import type { PasswordResetStore } from './ports/password-reset-store';
import type { ScimGroupStore } from './ports/scim-group-store';
import type { ScimUserDocStore } from './ports/scim-user-doc-store';
import type { SparStores } from './ports/stores';
import { CassandraScimTokenLifecycleStore } from './cassandra/scim-token-lifecycle-store';
import { MemoryScimTokenLifecycleStore } from './memory/scim-token-lifecycle-store';
import type { ScimTokenLifecycleStore } from './ports/scim-token-lifecycle-store';
import { ScimTokenAuthCache, type ScimTokenAuthLookups, directScimTokenAuth } from './scim-token-auth-cache';
import type { PageCheckpointStore } from './ports/page-checkpoint-store';
import type { TeamCountStore } from './ports/team-count-store';

/**
 * What initiate-login and the ACS read on every login, and scim-api on every write with an IdP:
 * cached views of the IdP records, their options and the team's validateSAMLemails status, kept
 * for `saml.idpCacheSeconds` (docs/decisions.md, "One cache mechanism for the IdP records", and
 * "The IdP and validateSAMLemails of a SCIM write from the lookup cache").
 */
export interface LoginLookups {
  idps: IdpLoginLookups;
  options: Pick<IdpLoginOptionsStore, 'get'>;
  teamFeatures: TeamFeatureLookups;
}

/** Every port an app may use, each bound once. */
export interface AppStores {
  /** The spar keyspace; `idps` empties the login cache on every write. */
  spar: SparStores;
  identity: IdentityStores;
  scimUserDocs: ScimUserDocStore;
  scimGroups: ScimGroupStore;
  idpMetadataSources: IdpMetadataSourceStore;
  /** Multi-ingress: the one IdP per (team, domain). */
  idpDomains: IdpDomainStore;
  /** IdP discovery: email domains verified by DNS, one team each. */
  domainRegistrations: DomainRegistrationStore;
  /** Fresh reads for IdP management and the refresher; its writes empty the login cache. */
  idpLoginOptions: IdpLoginOptionsStore;
  /** The team activity log (written in the background by the platform's ActivityRecorder). */
  activity: ActivityStore;
  /** Invitations of SCIM users without an IdP (team_invitation, team_invitation_info). */
  invitations: InvitationStore;
  /** Email activation links (activation_keys). */
  activations: ActivationStore;
  /** Mail waiting to be sent: use cases enqueue, the outbox worker sends. */
  mailOutbox: MailOutboxStore;
  /** Pending password resets (token-admin). */
  passwordResets: PasswordResetStore;
  /** SCIM index paging: the per-team counts of users and groups (docs/decisions.md, "Counts for index paging"). */
  teamCounts: TeamCountStore;
  /** SCIM index paging: where walks stopped (docs/decisions.md, "Checkpoints for index paging"). */
  pageCheckpoints: PageCheckpointStore;
  /** The login paths' and SCIM writes' cached reads (the same objects as `spar.idps`, `idpLoginOptions` and `identity.teams` when caching is off). */
  loginLookups: LoginLookups;
  /** SCIM token expiry, rotation origin and last use (brig migration 14); its writes empty the token check cache. */
  scimTokenLifecycle: ScimTokenLifecycleStore;
  /** scim-api's token check: cached for `scimTokenCacheSeconds`; `spar.scimTokens` writes empty it. */
  scimTokenAuth: ScimTokenAuthLookups;
}

type PlainStores = Omit<AppStores, 'loginLookups' | 'scimTokenAuth'>;

/** The stores of one process, and the connection (if any) they run on. */
export interface StoreRoot {
  backend: StoreBackend;
  stores: AppStores;
  /** The Cassandra client on the cassandra backend; null on the memory backend. */
  db: CassandraDb | null;
  /** Opens the connection (nothing to do in memory). */
  connect(): Promise<void>;
  /** Proves the stores answer (/i/status). */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface StoreRootOptions {
  backend: StoreBackend;
  cassandra: Config['cassandra'];
  /**
   * Seconds the login paths and SCIM writes keep an IdP, its options and a team's validateSAMLemails
   * status (`saml.idpCacheSeconds`); 0 = no cache. Programs that run no logins (the admin command,
   * migrations) pass 0.
   */
  loginCacheSeconds: number;
  /**
   * Seconds scim-api keeps a checked SCIM token (`scim.tokenCacheSeconds`); 0 = no cache. A token
   * deleted by another process works here for at most this long.
   */
  scimTokenCacheSeconds?: number;
  clock?: Clock;
  /** The Cassandra client's application name (visible in `system_views.clients`). */
  applicationName?: string;
  observer?: QueryObserver;
  /**
   * Where writes of the SCIM user views' inputs replace their change stamps (Redis in the apps;
   * docs/decisions.md, "Validated SCIM user cache"). Without it (admin command, migrations, the
   * memory backend) writes stamp nothing.
   */
  changeStamps?: { stamps: ChangeStamps; onFailure: StampFailure };
  /**
   * Where index paging keeps its checkpoints instead of `brig.scim_page_checkpoint` (Redis in the
   * apps that have it; docs/decisions.md, "Index paging checkpoints in Redis").
   */
  pageCheckpoints?: PageCheckpointStore;
}

/**
 * The composition root of the persistence ports: the one place that decides, for every store,
 * whether it is the Cassandra adapter or the in-memory twin, and where the login caches sit. The
 * apps (platform's StoresModule), the admin command and the migration command all start here.
 */
export function openStores(opts: StoreRootOptions): StoreRoot {
  const clock = opts.clock ?? systemClock;
  if (opts.backend === 'memory') {
    return {
      backend: 'memory',
      stores: withCaches(
        {
          spar: memorySparStores(clock),
          identity: memoryIdentityStores(clock),
          scimUserDocs: new MemoryScimUserDocStore(),
          scimGroups: new MemoryScimGroupStore(),
          idpMetadataSources: new MemoryIdpMetadataSourceStore(clock),
          idpDomains: new MemoryIdpDomainStore(),
          domainRegistrations: new MemoryDomainRegistrationStore(clock),
          idpLoginOptions: new MemoryIdpLoginOptionsStore(),
          scimTokenLifecycle: new MemoryScimTokenLifecycleStore(),
          activity: new MemoryActivityStore(clock),
          invitations: new MemoryInvitationStore(clock),
          activations: new MemoryActivationStore(clock),
          mailOutbox: new MemoryMailOutboxStore(clock),
          passwordResets: new MemoryPasswordResetStore(),
          teamCounts: new MemoryTeamCountStore(clock),
          pageCheckpoints: new MemoryPageCheckpointStore(clock),
        },
        clock,
        opts,
      ),
      db: null,
      connect: async () => {},
      ping: async () => {},
      close: async () => {},
    };
  }
  const db = new CassandraDb(opts.cassandra, { applicationName: opts.applicationName });
  if (opts.observer) db.setObserver(opts.observer);
  return {
    backend: 'cassandra',
    stores: withCaches(
      {
        spar: cassandraSparStores(db, clock),
        identity: cassandraIdentityStores(db, clock),
        scimUserDocs: new CassandraScimUserDocStore(db),
        scimGroups: new CassandraScimGroupStore(db),
        idpMetadataSources: new CassandraIdpMetadataSourceStore(db),
        idpDomains: new CassandraIdpDomainStore(db),
        domainRegistrations: new CassandraDomainRegistrationStore(db),
        idpLoginOptions: new CassandraIdpLoginOptionsStore(db),
        scimTokenLifecycle: new CassandraScimTokenLifecycleStore(db),
        activity: new CassandraActivityStore(db),
        invitations: new CassandraInvitationStore(db),
        activations: new CassandraActivationStore(db),
        mailOutbox: new CassandraMailOutboxStore(db, clock),
        passwordResets: new CassandraPasswordResetStore(db),
        teamCounts: new CassandraTeamCountStore(db),
        pageCheckpoints: opts.pageCheckpoints ?? new CassandraPageCheckpointStore(db),
      },
      clock,
      opts,
    ),
    db,
    connect: () => db.connect(),
    ping: () => db.ping(),
    close: () => db.shutdown(),
  };
}

/**
 * Puts the login caches in front of the IdP records and options. The app keeps one instance of
 * each cached store, so IdP management's writes empty the very cache its logins read
 * (docs/decisions.md, "IdP lookups").
 */
function withCaches(unstamped: PlainStores, clock: Clock, opts: StoreRootOptions): AppStores {
  const cs = opts.changeStamps;
  const plain = cs ? withChangeStamps(unstamped, new StampWriter(cs.stamps, cs.onFailure)) : unstamped;
  return withScimTokenCache(withLoginCaches(plain, clock, opts.loginCacheSeconds), clock, opts.scimTokenCacheSeconds ?? 0);
}

/**
 * Puts the token check cache in front of the SCIM token tables; writes through `spar.scimTokens`
 * and `scimTokenLifecycle` of this root empty it (docs/decisions.md, "SCIM token check cache").
 */
function withScimTokenCache(s: Omit<AppStores, 'scimTokenAuth'>, clock: Clock, ttlSeconds: number): AppStores {
  if (ttlSeconds <= 0) return { ...s, scimTokenAuth: directScimTokenAuth(s.spar.scimTokens, s.scimTokenLifecycle) };
  const cache = new ScimTokenAuthCache(s.spar.scimTokens, s.scimTokenLifecycle, clock, ttlSeconds);
  return { ...s, spar: { ...s.spar, scimTokens: cache.tokens }, scimTokenLifecycle: cache.lifecycle, scimTokenAuth: cache.forAuth };
}

function withLoginCaches(plain: PlainStores, clock: Clock, ttlSeconds: number): Omit<AppStores, 'scimTokenAuth'> {
  if (ttlSeconds <= 0)
    return { ...plain, loginLookups: { idps: plain.spar.idps, options: plain.idpLoginOptions, teamFeatures: plain.identity.teams } };
  const idps = new IdpLookupCache(plain.spar.idps, clock, ttlSeconds);
  const options = new IdpLoginOptionsCache(plain.idpLoginOptions, clock, ttlSeconds);
  const features = new TeamFeatureCache(plain.identity.teams, clock, ttlSeconds);
  return {
    ...plain,
    spar: { ...plain.spar, idps },
    identity: { ...plain.identity, teams: features.teams },
    idpLoginOptions: options,
    loginLookups: { idps: idps.forLogin, options: options.forLogin, teamFeatures: features.forLookups },
  };
}
