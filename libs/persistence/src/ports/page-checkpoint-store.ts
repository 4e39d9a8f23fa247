import type { TeamId } from '@sso/domain';

/** Where an index walk stopped: the store cursor at which the page starting at `index` begins. */
export interface PageCheckpoint {
  /** The 1-based startIndex of the page that begins at `cursor`. */
  index: number;
  /** The store's cursor (Cassandra's paging state, wrapped: ports/paging.ts). */
  cursor: string;
}

/**
 * Table `brig.scim_page_checkpoint` (ours, rows with a TTL): the short-lived checkpoints of SCIM
 * index paging (docs/decisions.md, "Checkpoints for index paging"). Keyed by team, by the query's
 * scope (kind, team, filter, sort: what decides the row set and its order) and by index, so a
 * page at `startIndex=k` resumes where the page that ended at k-1 stopped. One team's
 * checkpoints are in partitions of its own: nothing reads across teams.
 */
export interface PageCheckpointStore {
  /** Keeps (or replaces) the checkpoint for `ttlSeconds`. Idempotent. */
  put(team: TeamId, scope: string, checkpoint: PageCheckpoint, ttlSeconds: number): Promise<void>;
  /** The live checkpoint with the greatest index at most `index`, or null. */
  nearest(team: TeamId, scope: string, index: number): Promise<PageCheckpoint | null>;
}
