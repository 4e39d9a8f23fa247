import { randomBytes } from 'node:crypto';

/**
 * The team activity log (docs/data-model.md, "team_activity"): what happened to a team's SSO and
 * SCIM setup, newest first. An event names who did it (actor), to what (subject), whether it
 * worked, and, when it failed, the error label. Never a secret, a token, a password, a cookie or
 * any part of a SAML assertion beyond the NameID value.
 */
export const activityKinds = [
  'scim.user.created',
  'scim.user.replaced',
  'scim.user.patched',
  'scim.user.deleted',
  'scim.group.created',
  'scim.group.replaced',
  'scim.group.patched',
  'scim.group.deleted',
  'sso.login.succeeded',
  'sso.login.failed',
  'token.created',
  'token.renamed',
  'token.deleted',
  'idp.created',
  'idp.updated',
  'idp.deleted',
] as const;
export type ActivityKind = (typeof activityKinds)[number];

export const activityOutcomes = ['ok', 'failed'] as const;
export type ActivityOutcome = (typeof activityOutcomes)[number];

export const actorTypes = ['scim-token', 'user', 'idp', 'system'] as const;
export type ActorType = (typeof actorTypes)[number];

export const subjectTypes = ['user', 'group', 'scim-token', 'idp'] as const;
export type SubjectType = (typeof subjectTypes)[number];

export interface ActivityParty<T extends string> {
  type: T;
  /** An id (uuid) where there is one; absent for e.g. a login whose user is unknown. */
  id?: string;
  /** A human name: token name, userName, displayName, NameID value, IdP handle. */
  name?: string;
}

/** One event as stored and as the API shows it. */
export interface ActivityEvent {
  /** A version-1 (time) uuid: its time is `at`, and ids order events within a bucket. */
  id: string;
  at: Date;
  kind: ActivityKind;
  outcome: ActivityOutcome;
  actor: ActivityParty<ActorType>;
  subject?: ActivityParty<SubjectType>;
  idp?: string;
  /** The error label, only when failed. */
  reason?: string;
  /** A short plain sentence. */
  detail: string;
}

/** Longest stored name and detail: enough for any userName or sentence, bounded against abuse. */
export const ACTIVITY_NAME_MAX = 256;
export const ACTIVITY_DETAIL_MAX = 500;

/** Cuts a free-text field to `max` characters (by code point) and drops control characters. */
export function activityText(s: string, max: number): string {
  const clean = s.replace(/[\u0000-\u001f\u007f]/g, ' ');
  const chars = [...clean];
  return chars.length <= max ? clean : `${chars.slice(0, max - 1).join('')}…`;
}

// 100-ns intervals between the Gregorian reform (1582-10-15) and the Unix epoch.
const GREGORIAN_OFFSET = 122_192_928_000_000_000n;
let lastTicks = 0n;

/**
 * A version-1 uuid (Cassandra's timeuuid) for `at`: its timestamp is `at` plus a per-process
 * counter in the sub-millisecond digits, so ids made in the same millisecond still differ and
 * still sort by time; clock sequence and node are random.
 */
export function timeUuid(at: Date, random: (n: number) => Buffer = randomBytes): string {
  let ticks = BigInt(at.getTime()) * 10_000n + GREGORIAN_OFFSET;
  if (ticks <= lastTicks && lastTicks - ticks < 10_000n) ticks = lastTicks + 1n;
  lastTicks = ticks;
  const low = ticks & 0xffffffffn;
  const mid = (ticks >> 32n) & 0xffffn;
  const high = ((ticks >> 48n) & 0x0fffn) | 0x1000n;
  const rnd = random(8);
  const seq = (((rnd[0]! << 8) | rnd[1]!) & 0x3fff) | 0x8000;
  const hex = (v: bigint | number, n: number) => v.toString(16).padStart(n, '0');
  return `${hex(low, 8)}-${hex(mid, 4)}-${hex(high, 4)}-${hex(seq, 4)}-${rnd.subarray(2, 8).toString('hex')}`;
}

const TIME_UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-1[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const isTimeUuid = (s: string): boolean => TIME_UUID.test(s);

/** The 100-ns timestamp of a version-1 uuid (for ordering as Cassandra orders timeuuids). */
export function timeUuidTicks(id: string): bigint {
  const [low, mid, high] = id.split('-');
  return (BigInt(`0x${high!.slice(1)}`) << 48n) | (BigInt(`0x${mid}`) << 32n) | BigInt(`0x${low}`);
}

/** The millisecond a version-1 uuid was made for. */
export function timeUuidDate(id: string): Date {
  return new Date(Number((timeUuidTicks(id) - GREGORIAN_OFFSET) / 10_000n));
}

/**
 * Cassandra's timeuuid order: by timestamp, then by the remaining bytes as signed bytes (as
 * TimeUUIDType compares them). Negative when `a` is older.
 */
export function compareTimeUuid(a: string, b: string): number {
  const ta = timeUuidTicks(a);
  const tb = timeUuidTicks(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  const rest = (s: string) => Buffer.from(s.replace(/-/g, '').slice(16), 'hex');
  const ra = rest(a);
  const rb = rest(b);
  for (let i = 0; i < 8; i++) {
    const x = (ra[i]! << 24) >> 24;
    const y = (rb[i]! << 24) >> 24;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
