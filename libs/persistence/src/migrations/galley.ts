// Teams and memberships, modelled on Wire galley's tables (docs/data-model.md, "Wire's brig and
// galley tables", which also says what each column holds and which queries touch it).
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
  {
    version: 2,
    description: "team_features: the team's sso feature status (galley's table and column name; 0 = disabled, 1 = enabled)",
    statements: (ks) => [`CREATE TABLE IF NOT EXISTS ${ks}.team_features (team_id uuid PRIMARY KEY, sso_status int)`],
  },
  {
    version: 3,
    description:
      "team_features.validate_saml_emails: the team's validateSAMLemails feature status (galley's column; 0 = disabled, 1 = enabled)",
    statements: (ks) => [`ALTER TABLE ${ks}.team_features ADD IF NOT EXISTS validate_saml_emails int`],
  },
];
