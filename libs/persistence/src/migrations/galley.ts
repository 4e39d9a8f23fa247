// Teams and memberships, modelled on Wire galley's tables (schema/brig-galley-reference.cql in the
// design docs). See docs/data-model.md.
import type { Migration } from './types';

export const galleyMigrations: Migration[] = [
  {
    version: 1,
    description: 'teams, team members and the user-to-team index (modelled on Wire galley)',
    statements: (ks) => [
      `CREATE TYPE IF NOT EXISTS ${ks}.permissions (self bigint, copy bigint)`,
      `CREATE TABLE IF NOT EXISTS ${ks}.team (
        team uuid PRIMARY KEY,
        binding boolean,
        creator uuid,
        deleted boolean,
        icon text,
        name text,
        status int
      )`,
      `CREATE TABLE IF NOT EXISTS ${ks}.team_member (
        team uuid,
        user uuid,
        invited_at timestamp,
        invited_by uuid,
        perms frozen<permissions>,
        PRIMARY KEY (team, user)
      )`,
      `CREATE TABLE IF NOT EXISTS ${ks}.user_team (user uuid, team uuid, PRIMARY KEY (user, team))`,
    ],
  },
];
