import type { TeamId } from '@sso/domain';

/** What a team's count counts: its SCIM users (user-view.ts `visibleIn`) or its SCIM groups. */
export type CountedKind = 'users' | 'groups';

/** A team's kept count and what is known about its accuracy. */
export interface TeamCount {
  /** The counter's value (0 when nothing was ever counted). */
  n: number;
  /** When the last recount started that set the counter to the walked total; null: never. */
  checkedAt: Date | null;
  /** The latest write whose count update had an unknown outcome (timed out, failed); null: none. */
  doubtAt: Date | null;
}

/**
 * Tables `brig.scim_team_count` (a counter per team and kind) and `brig.scim_team_count_state`
 * (when it was last recounted, the latest doubt, the recount lease); docs/decisions.md, "Counts
 * for index paging". The counter is not idempotent: `add` is never retried, and a failed `add`
 * has an unknown outcome, which the caller records with `markDoubt`. A recount (one walk, under
 * the lease) corrects the counter by a delta and stamps `checkedAt`.
 */
export interface TeamCountStore {
  /** Adds `delta` to the counter once (no retry). Throws when the outcome is unknown. */
  add(team: TeamId, kind: CountedKind, delta: number): Promise<void>;
  /** Records that a count update of `at` may or may not have landed (idempotent). */
  markDoubt(team: TeamId, kind: CountedKind, at: Date): Promise<void>;
  /** The counter and its state, read together. */
  get(team: TeamId, kind: CountedKind): Promise<TeamCount>;
  /** Takes the recount lease (a lightweight transaction) for `ttlSeconds`; false when another holds it. */
  takeLease(team: TeamId, kind: CountedKind, lease: string, ttlSeconds: number): Promise<boolean>;
  /** Stamps `checkedAt` and frees the lease, only while `lease` holds it. */
  finish(team: TeamId, kind: CountedKind, lease: string, checkedAt: Date): Promise<boolean>;
  /** Frees the lease without stamping (a recount that gave up). */
  dropLease(team: TeamId, kind: CountedKind, lease: string): Promise<void>;
}
