import type { TeamAccess } from '@sso/auth';
import {
  type ActivityEvent,
  type ActivityKind,
  type ActivityOutcome,
  type TeamId,
  type UserId,
  DomainError,
  activityKinds,
  activityOutcomes,
  isUuid,
} from '@sso/domain';
import { type ActivityFilter, type ActivityStore, InvalidCursorError, queryActivity } from '@sso/persistence';
import type { ActivityEventDto, ActivityPageDto } from './activity.dto';

export const ACTIVITY_PAGE_DEFAULT = 50;
export const ACTIVITY_PAGE_MAX = 200;

/** The query string as Fastify gives it: a repeated parameter is an array. */
export type ActivityQueryString = Record<string, string | string[] | undefined>;

const bad = (message: string) => new DomainError('bad-request', message);

function one(q: ActivityQueryString, name: string): string | undefined {
  const v = q[name];
  if (Array.isArray(v)) throw bad(`${name}: give it once`);
  return v;
}

/** Parses and checks the query; every refusal is a 400 naming the parameter. */
export function parseActivityQuery(q: ActivityQueryString): { limit: number; cursor: string | null; filter: ActivityFilter } {
  const filter: ActivityFilter = {};
  const limitText = one(q, 'limit');
  let limit = ACTIVITY_PAGE_DEFAULT;
  if (limitText !== undefined) {
    if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > ACTIVITY_PAGE_MAX)
      throw bad(`limit: an integer from 1 to ${ACTIVITY_PAGE_MAX}`);
    limit = Number(limitText);
  }
  const cursor = one(q, 'cursor');
  if (cursor !== undefined && (cursor === '' || cursor.length > 512)) throw bad('cursor: give the `next` of the previous page');
  const kind = one(q, 'kind');
  if (kind !== undefined) {
    const kinds = kind.split(',').map((k) => k.trim());
    const unknown = kinds.filter((k) => !(activityKinds as readonly string[]).includes(k));
    if (unknown.length > 0)
      throw bad(`kind: unknown ${unknown.map((k) => `'${k.slice(0, 64)}'`).join(', ')}; one or more of ${activityKinds.join(', ')}`);
    filter.kinds = [...new Set(kinds)] as ActivityKind[];
  }
  const outcome = one(q, 'outcome');
  if (outcome !== undefined) {
    if (!(activityOutcomes as readonly string[]).includes(outcome)) throw bad(`outcome: ${activityOutcomes.join(' or ')}`);
    filter.outcome = outcome as ActivityOutcome;
  }
  const actor = one(q, 'actor');
  if (actor !== undefined) {
    if (!isUuid(actor)) throw bad('actor: the id (uuid) of a SCIM token, a user or an IdP');
    filter.actor = actor;
  }
  const subject = one(q, 'subject');
  if (subject !== undefined) {
    if (subject.trim() === '' || subject.length > 256) throw bad('subject: an id, or 1 to 256 characters of a name');
    filter.subject = subject.trim();
  }
  return { limit, cursor: cursor ?? null, filter };
}

function render(e: ActivityEvent): ActivityEventDto {
  return {
    id: e.id,
    at: e.at.toISOString(),
    kind: e.kind,
    outcome: e.outcome,
    actor: { ...e.actor },
    ...(e.subject ? { subject: { ...e.subject } } : {}),
    ...(e.idp ? { idp: e.idp } : {}),
    ...(e.reason ? { reason: e.reason } : {}),
    detail: e.detail,
  };
}

/** `GET /team-settings/activity`: the caller's team's activity, for its owners and admins. */
export class ActivityHandler {
  constructor(
    private readonly store: ActivityStore,
    private readonly access: TeamAccess,
  ) {}

  async list(caller: UserId, q: ActivityQueryString): Promise<ActivityPageDto> {
    // The same check, label and message as the SCIM token routes.
    const team: TeamId = await this.access.requireSsoAdmin(caller, 'CreateReadDeleteScimToken');
    const query = parseActivityQuery(q);
    try {
      const page = await queryActivity(this.store, team, query);
      return { events: page.events.map(render), next: page.next };
    } catch (e) {
      if (e instanceof InvalidCursorError) throw bad('cursor: not a cursor of this listing; give the `next` of the previous page');
      throw e;
    }
  }
}
