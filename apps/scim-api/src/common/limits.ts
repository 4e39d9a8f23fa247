/** Page size when the client gives no `count` (Okta pages with 100). */
export const DEFAULT_COUNT = 100;
/** How long a list cursor stays valid (advertised as `pagination.cursorTimeout`). */
export const CURSOR_TTL_SECONDS = 600;
/**
 * How long an index-paging checkpoint lives (docs/decisions.md, "Checkpoints for index paging"):
 * longer than a client's pause between two pages, short enough that the table stays small.
 */
export const CHECKPOINT_TTL_SECONDS = 900;
