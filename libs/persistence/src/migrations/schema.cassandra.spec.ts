import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshTestDb, liveSchema, parseCqlSchema } from '../testing';
import type { CassandraDb } from '../cassandra/db';
import { migrate } from './runner';
import { sparCqlPath, sparMigrations, sparTableStatements } from './spar';

// Wire's spar keyspace as a DESCRIBE KEYSPACE dump: the migration creates the tables from it, and
// this test checks that what Cassandra then holds is exactly what the file says.
const vendored = path.resolve(__dirname, '../../schema/spar.cql');

describe('spar schema on a live Cassandra node', () => {
  let db: CassandraDb;
  let drop: () => Promise<void>;

  beforeAll(async () => {
    ({ db, drop } = await freshTestDb());
  });
  afterAll(async () => drop?.());

  it('creates the tables from spar.cql itself, renamed to the configured keyspace', () => {
    expect(sparCqlPath()).toBe(vendored);
    const statements = sparMigrations[0]!.statements('ks_x');
    expect(statements).toHaveLength(18);
    for (const s of statements) expect(s).toMatch(/^CREATE TABLE IF NOT EXISTS ks_x\.\w+ \(/);
    expect(statements.join('\n')).not.toMatch(/\bspar\.|CREATE KEYSPACE/);
    expect(() => sparTableStatements('CREATE TABLE spar.t (a int PRIMARY KEY);\nDROP TABLE spar.t;\n', 'k')).toThrow(
      /unexpected statement DROP/,
    );
  });

  it('has exactly the 18 tables of spar.cql, with the same columns, types, keys and clustering order', async () => {
    const expected = parseCqlSchema(fs.readFileSync(vendored, 'utf8'));
    expect(Object.keys(expected)).toHaveLength(18);
    const live = await liveSchema(db, db.config.keyspaces.spar);
    expect(Object.keys(live).sort()).toEqual(Object.keys(expected).sort());
    for (const [name, want] of Object.entries(expected)) {
      expect({ table: name, ...live[name] }).toEqual({ table: name, ...want });
    }
  });

  it('parses what it compares (a guard against a parser that finds nothing)', () => {
    const t = parseCqlSchema(fs.readFileSync(vendored, 'utf8'));
    expect(t.user_v2).toEqual({
      columns: { issuer: 'text', normalized_uname_id: 'text', sso_id: 'text', uid: 'uuid' },
      partitionKey: ['issuer'],
      clustering: [{ column: 'normalized_uname_id', order: 'ASC' }],
      compaction: 'org.apache.cassandra.db.compaction.LeveledCompactionStrategy',
      bloomFilterFpChance: 0.1,
      defaultTtl: 0,
    });
    expect(t.idp.columns.extra_public_keys).toBe('list<blob>');
  });

  it('records applied versions in meta as Wire does, and a second run applies nothing', async () => {
    const rs = await db.execute('t', `SELECT id, version, descr FROM ${db.config.keyspaces.spar}.meta WHERE id = 1`);
    expect(rs.rows.map((r) => r.version)).toEqual([100]);
    const again = await migrate(db);
    expect(again.map((r) => r.applied)).toEqual([[], [], []]);
  });

  it('creates the brig and galley tables it models on Wire', async () => {
    const brig = await liveSchema(db, db.config.keyspaces.brig);
    expect(Object.keys(brig).sort()).toEqual([
      'activation_keys',
      'domain_challenge',
      'domain_registration',
      'idp_domain',
      'idp_login_options',
      'idp_metadata_source',
      'mail_outbox',
      'mail_outbox_bucket',
      'meta',
      'password_reset',
      'rich_info',
      'scim_group',
      'scim_group_by_name',
      'scim_group_member',
      'scim_page_checkpoint',
      'scim_team_count',
      'scim_team_count_state',
      'scim_token_lifecycle',
      'scim_user_doc',
      'scim_user_group',
      'team_activity',
      'team_activity_bucket',
      'team_domain',
      'team_invitation',
      'team_invitation_email',
      'team_invitation_info',
      'user',
      'user_cookies',
      'user_handle',
      'user_keys',
    ]);
    expect(brig.scim_group_member.partitionKey).toEqual(['team', 'group_id']);
    expect(brig.idp_domain.partitionKey).toEqual(['team', 'domain']);
    expect(brig.scim_team_count.columns).toEqual({ team: 'uuid', kind: 'text', n: 'counter' });
    expect(brig.scim_page_checkpoint.partitionKey).toEqual(['team', 'scope']);
    expect(brig.scim_page_checkpoint.clustering).toEqual([{ column: 'idx', order: 'DESC' }]);
    expect(brig.idp_login_options.columns).toEqual({
      idp: 'uuid',
      idp_initiated: 'boolean',
      sso_binding: 'text',
      single_logout: 'boolean',
    });
    expect(brig.scim_user_doc.columns).toEqual({
      user: 'uuid',
      doc: 'text',
      version: 'text',
      created_at: 'timestamp',
      last_updated_at: 'timestamp',
    });
    expect(brig.scim_token_lifecycle.partitionKey).toEqual(['token_']);
    expect(brig.mail_outbox.partitionKey).toEqual(['bucket']);
    expect(brig.user_cookies.clustering.map((c) => c.column)).toEqual(['expires', 'id']);
    expect(brig.team_activity.partitionKey).toEqual(['team', 'bucket']);
    expect(brig.team_activity.clustering).toEqual([{ column: 'id', order: 'DESC' }]);
    expect(brig.team_activity_bucket.clustering).toEqual([{ column: 'bucket', order: 'DESC' }]);
    const galley = await liveSchema(db, db.config.keyspaces.galley);
    expect(Object.keys(galley).sort()).toEqual(['meta', 'team', 'team_features', 'team_member', 'user_team']);
    expect(galley.team_features.columns).toEqual({ team_id: 'uuid', sso_status: 'int', validate_saml_emails: 'int' });
    expect(brig.team_invitation.partitionKey).toEqual(['team']);
  });
});

describe('migrations run concurrently', () => {
  it('two runners at once both finish, each migration recorded once, schema complete', async () => {
    const a = await freshTestDb({ migrate: false });
    const b = new (a.db.constructor as typeof CassandraDb)(a.db.config);
    try {
      const [ra, rb] = await Promise.all([migrate(a.db), migrate(b)]);
      const applied = [...ra, ...rb].flatMap((r) => r.applied.map((v) => `${r.keyspace}:${v}`)).sort();
      expect(applied).toEqual(
        [
          `${a.db.config.keyspaces.brig}:1`,
          `${a.db.config.keyspaces.brig}:2`,
          `${a.db.config.keyspaces.brig}:3`,
          `${a.db.config.keyspaces.brig}:4`,
          `${a.db.config.keyspaces.brig}:5`,
          `${a.db.config.keyspaces.brig}:6`,
          `${a.db.config.keyspaces.brig}:7`,
          `${a.db.config.keyspaces.brig}:8`,
          `${a.db.config.keyspaces.brig}:9`,
          `${a.db.config.keyspaces.brig}:10`,
          `${a.db.config.keyspaces.brig}:11`,
          `${a.db.config.keyspaces.brig}:12`,
          `${a.db.config.keyspaces.brig}:13`,
          `${a.db.config.keyspaces.brig}:14`,
          `${a.db.config.keyspaces.brig}:16`,
          `${a.db.config.keyspaces.brig}:17`,
          `${a.db.config.keyspaces.brig}:18`,
          `${a.db.config.keyspaces.galley}:1`,
          `${a.db.config.keyspaces.galley}:2`,
          `${a.db.config.keyspaces.galley}:3`,
          `${a.db.config.keyspaces.spar}:100`,
        ].sort(),
      );
      const live = await liveSchema(a.db, a.db.config.keyspaces.spar);
      expect(Object.keys(live)).toHaveLength(18);
    } finally {
      await b.shutdown();
      await a.drop();
    }
  });
});
