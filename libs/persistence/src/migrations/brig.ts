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
];
