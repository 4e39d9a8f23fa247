import type { TeamId, UserId } from '@sso/domain';
import type { types } from 'cassandra-driver';
import type { Page, PageRequest } from '../ports/paging';
import {
  type ScimExternalClaim,
  type ScimExternalRecord,
  type ScimExternalStore,
  creationStatusOf as statusOf,
} from '../ports/scim-external-store';
import type { CassandraDb } from './db';
import { PartitionCas } from './partition-cas';
import { applied, selectPage, uuidText } from './store-helpers';

/**
 * Every write here is a lightweight transaction (docs/design.md §3: uniqueness by LWT, and LWT and
 * plain writes never mix on one partition). spar upserted `scim_external` with plain inserts after
 * a read, so two concurrent POSTs with one externalId could both succeed. spar's key puts all of a
 * team's rows in one partition, so a team's claims and creation marks are gathered into shared
 * Paxos rounds (partition-cas.ts) instead of contending with each other.
 */
export class CassandraScimExternalStore implements ScimExternalStore {
  private readonly ks: string;
  private readonly rounds: PartitionCas;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.spar;
    this.rounds = new PartitionCas(db, 'scim_external.cas_batch');
  }

  async claim(team: TeamId, externalId: string, uid: UserId): Promise<ScimExternalClaim> {
    const rs = await this.rounds.run(team, {
      name: 'scim_external.claim',
      query: `INSERT INTO ${this.ks}.scim_external (team, external_id, "user", creation_status) VALUES (?, ?, ?, 1) IF NOT EXISTS`,
      params: [team, externalId, uid],
      row: externalId,
    });
    if (applied(rs)) return { ok: true, record: { team, externalId, uid, status: 'creating' } };
    const owner = recordFromRow(team, externalId, rs.first());
    if (!owner) throw new Error(`scim_external claim of ${externalId} neither applied nor answered with an owner`);
    return owner.uid === uid ? { ok: true, record: owner } : { ok: false, owner };
  }

  async markCreated(team: TeamId, externalId: string, uid: UserId): Promise<boolean> {
    const rs = await this.rounds.run(team, {
      name: 'scim_external.mark_created',
      query: `UPDATE ${this.ks}.scim_external SET creation_status = 0 WHERE team = ? AND external_id = ? IF "user" = ?`,
      params: [team, externalId, uid],
      row: externalId,
    });
    return applied(rs);
  }

  async release(team: TeamId, externalId: string, uid: UserId): Promise<boolean> {
    const rs = await this.db.execute(
      'scim_external.release',
      `DELETE FROM ${this.ks}.scim_external WHERE team = ? AND external_id = ? IF "user" = ?`,
      [team, externalId, uid],
    );
    return applied(rs);
  }

  async get(team: TeamId, externalId: string): Promise<ScimExternalRecord | null> {
    const rs = await this.db.execute(
      'scim_external.get',
      `SELECT "user", creation_status FROM ${this.ks}.scim_external WHERE team = ? AND external_id = ?`,
      [team, externalId],
      { idempotent: true },
    );
    return recordFromRow(team, externalId, rs.first());
  }

  listByTeam(team: TeamId, page?: PageRequest): Promise<Page<ScimExternalRecord>> {
    return selectPage(
      this.db,
      'scim_external.list_by_team',
      `SELECT external_id, "user", creation_status FROM ${this.ks}.scim_external WHERE team = ?`,
      [team],
      `scim_external:${team}`,
      page,
      (row) => recordFromRow(team, row.external_id as string, row),
    );
  }
}

function recordFromRow(team: TeamId, externalId: string, row: types.Row | null | undefined): ScimExternalRecord | null {
  if (!row || row.user == null) return null;
  return { team, externalId, uid: uuidText<UserId>(row.user), status: statusOf(row.creation_status as number | null) };
}
