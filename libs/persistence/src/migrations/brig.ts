// The user data spar keeps in Wire's brig, modelled on brig's tables (docs/data-model.md, "Wire's
// brig and galley tables"): Wire's table and column names and types for the columns kept. See
// docs/data-model.md for what each column holds and which queries touch it.
import type { Migration } from './types';

export const brigMigrations: Migration[] = [
  {
    version: 1,
    description: 'users, handles, email keys, rich info and login cookies (modelled on Wire brig)',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.user (
        id uuid PRIMARY KEY,
        activated boolean,
        country ascii,
        email text,
        email_unvalidated text,
        handle text,
        language ascii,
        managed_by int,
        name text,
        password blob,
        sso_id text,
        status int,
        team uuid
      )`,
      `CREATE TABLE IF NOT EXISTS ${ks}.user_handle (handle text PRIMARY KEY, user uuid)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.user_keys (key text PRIMARY KEY, user uuid)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.rich_info (user uuid PRIMARY KEY, json blob)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.user_cookies (
        user uuid,
        expires timestamp,
        id bigint,
        created timestamp,
        label text,
        succ_id bigint,
        type int,
        PRIMARY KEY (user, expires, id)
      )`,
    ],
  },
  {
    version: 2,
    description: 'scim_user_doc: the SCIM document of each SCIM-managed user, versioned for compare-and-set',
    statements: (ks) => [`CREATE TABLE IF NOT EXISTS ${ks}.scim_user_doc ("user" uuid PRIMARY KEY, doc text, version text)`],
  },
  {
    version: 3,
    description: 'idp_metadata_source: IdPs registered from a metadata URL, their refresh state and refresh lease',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.idp_metadata_source (
        idp uuid PRIMARY KEY,
        team uuid,
        url text,
        checked_at timestamp,
        applied_at timestamp,
        valid_until timestamp,
        last_error text,
        lease text
      )`,
    ],
  },
  {
    version: 4,
    description: 'SCIM groups: the group rows of a team, one row per member, the reverse user -> groups rows, and a displayName key',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_group (
        team uuid,
        id uuid,
        display_name text,
        external_id text,
        created timestamp,
        last_modified timestamp,
        version text,
        members_version text,
        members_modified timestamp,
        PRIMARY KEY (team, id)
      )`,
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_group_member (
        team uuid,
        group_id uuid,
        "user" uuid,
        display text,
        PRIMARY KEY ((team, group_id), "user")
      )`,
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_user_group ("user" uuid, group_id uuid, team uuid, PRIMARY KEY ("user", group_id))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_group_by_name (team uuid, name text, group_id uuid, PRIMARY KEY ((team, name), group_id))`,
    ],
  },
  {
    version: 5,
    description: 'idp_login_options: per-IdP login settings spar does not have (IdP-initiated login opt-in, SSO binding)',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.idp_login_options (idp uuid PRIMARY KEY, idp_initiated boolean, sso_binding text)`,
    ],
  },
  {
    version: 6,
    description: 'idp_domain: multi-ingress, one IdP per domain and team, claimed with lightweight transactions',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.idp_domain (team uuid, domain text, idp uuid, claimed_at timestamp, PRIMARY KEY ((team, domain)))`,
    ],
  },
  {
    version: 7,
    description: 'team_activity: the per-team activity log, one partition per team and hour, and the hours that hold events',
    statements: (ks) => [
      // Rows carry their TTL (activity.ttlDays); time windows of a day let whole SSTables expire.
      `CREATE TABLE IF NOT EXISTS ${ks}.team_activity (
        team uuid,
        bucket timestamp,
        id timeuuid,
        kind text,
        outcome text,
        actor_type text,
        actor_id text,
        actor_name text,
        subject_type text,
        subject_id text,
        subject_name text,
        idp uuid,
        reason text,
        detail text,
        PRIMARY KEY ((team, bucket), id)
      ) WITH CLUSTERING ORDER BY (id DESC)
        AND compaction = {'class': 'TimeWindowCompactionStrategy', 'compaction_window_unit': 'DAYS', 'compaction_window_size': 1}`,
      `CREATE TABLE IF NOT EXISTS ${ks}.team_activity_bucket (
        team uuid,
        bucket timestamp,
        PRIMARY KEY (team, bucket)
      ) WITH CLUSTERING ORDER BY (bucket DESC)`,
    ],
  },
  {
    version: 8,
    description: 'mail_outbox: mail waiting to be sent, in hour buckets, with an index of the buckets that may hold mail',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.mail_outbox (
        bucket bigint,
        id timeuuid,
        kind text,
        recipient text,
        team uuid,
        team_name text,
        locale text,
        link text,
        user_name text,
        created timestamp,
        attempts int,
        next_attempt timestamp,
        lease_owner text,
        lease_until timestamp,
        last_error text,
        PRIMARY KEY (bucket, id)
      )`,
      `CREATE TABLE IF NOT EXISTS ${ks}.mail_outbox_bucket (queue text, bucket bigint, PRIMARY KEY (queue, bucket))`,
    ],
  },
  {
    version: 9,
    description: 'password_reset: pending password resets, keyed by a key derived from the user, holding only a hash of the code',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.password_reset (key ascii PRIMARY KEY, "user" uuid, code_hash blob, expires timestamp, used_at timestamp)`,
    ],
  },
  {
    version: 10,
    description:
      'team_invitation, team_invitation_info and team_invitation_email: invitations of SCIM users without an IdP (Wire brig names; code = SHA-256 of the link secret)',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.team_invitation (
        team uuid,
        id uuid,
        code ascii,
        created_at timestamp,
        created_by uuid,
        email text,
        name text,
        role int,
        expires_at timestamp,
        PRIMARY KEY (team, id)
      )`,
      `CREATE TABLE IF NOT EXISTS ${ks}.team_invitation_info (code ascii PRIMARY KEY, id uuid, team uuid, expires_at timestamp, used_at timestamp)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.team_invitation_email (email text, team uuid, code ascii, invitation uuid, PRIMARY KEY (email, team))`,
    ],
  },
  {
    version: 11,
    description: 'activation_keys: one-time email activation links (Wire brig names; key = SHA-256 of the link secret)',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.activation_keys (key ascii PRIMARY KEY, key_text text, key_type ascii, "user" uuid, expires_at timestamp, used_at timestamp)`,
    ],
  },
  {
    version: 12,
    description: 'scim_team_count: a counter of SCIM users and groups per team, and its recount state (index paging totals)',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_team_count (team uuid, kind text, n counter, PRIMARY KEY (team, kind))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_team_count_state (
        team uuid,
        kind text,
        checked_at timestamp,
        doubt_at timestamp,
        lease text,
        PRIMARY KEY (team, kind)
      )`,
    ],
  },
  {
    version: 13,
    description: 'scim_page_checkpoint: where SCIM index paging stopped, per team, query and index (rows with a TTL)',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_page_checkpoint (
        team uuid,
        scope text,
        idx int,
        cursor text,
        PRIMARY KEY ((team, scope), idx)
      ) WITH CLUSTERING ORDER BY (idx DESC) AND default_time_to_live = 900 AND gc_grace_seconds = 3600`,
    ],
  },
  {
    version: 14,
    description:
      'scim_token_lifecycle: per SCIM token, by the hash of its secret: expiry, the token it rotated from, when it was last used',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.scim_token_lifecycle (
        token_ text PRIMARY KEY,
        team uuid,
        id uuid,
        expires_at timestamp,
        rotated_from uuid,
        last_used timestamp
      )`,
    ],
  },
  // 15 is unused (it was set aside for the token lifecycle, which needed one table).
  {
    version: 16,
    description: 'scim_user_doc: meta.created and meta.lastModified stored with the document, so a GET needs no scim_user_times read',
    statements: (ks) => [`ALTER TABLE ${ks}.scim_user_doc ADD IF NOT EXISTS (created_at timestamp, last_updated_at timestamp)`],
  },
  {
    version: 17,
    description: 'idp_login_options.single_logout: the IdP takes part in SAML Single Logout (opt-in per IdP)',
    statements: (ks) => [`ALTER TABLE ${ks}.idp_login_options ADD IF NOT EXISTS single_logout boolean`],
  },
  {
    version: 18,
    description: 'domain_registration, domain_challenge, team_domain: IdP discovery by a verified email domain, one team per domain',
    statements: (ks) => [
      `CREATE TABLE IF NOT EXISTS ${ks}.domain_registration (domain text PRIMARY KEY, team uuid, idp uuid, verified_at timestamp)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.domain_challenge (team uuid, domain text, dns_value text, created timestamp, PRIMARY KEY ((team), domain))`,
      `CREATE TABLE IF NOT EXISTS ${ks}.team_domain (team uuid, domain text, PRIMARY KEY ((team), domain))`,
    ],
  },
];
