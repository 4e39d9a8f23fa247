/** Page size when the client gives no `count` (Okta pages with 100). */
export const DEFAULT_COUNT = 100;
/** How long a list cursor stays valid (advertised as `pagination.cursorTimeout`). */
export const CURSOR_TTL_SECONDS = 600;
