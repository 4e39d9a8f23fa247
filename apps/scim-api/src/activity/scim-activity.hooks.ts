import { Inject, Injectable, Module, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { type ActivityKind, type ErrorCode, errorSpecs } from '@sso/domain';
import type { ScimTokenRecord } from '@sso/persistence';
import { ACTIVITY_RECORDER, type ActivityInput, type ActivityRecorder, type ScimRequest, errorCodeOf } from '@sso/platform';

const PAYLOAD = Symbol('scimActivityPayload');
/** Larger answers are not parsed for the resource's name (a list never is: lists are not writes). */
const MAX_PARSED = 256 * 1024;

type Verb = 'created' | 'replaced' | 'patched' | 'deleted';
const VERBS: Record<string, Verb> = { POST: 'created', PUT: 'replaced', PATCH: 'patched', DELETE: 'deleted' };
const PAST: Record<Verb, string> = { created: 'created', replaced: 'replaced', patched: 'modified', deleted: 'deleted' };
const GERUND: Record<Verb, string> = { created: 'Creating', replaced: 'Replacing', patched: 'Modifying', deleted: 'Deleting' };

/** The SCIM write a route template stands for: POST /Users, PUT|PATCH|DELETE /Users/:id, and the same on Groups. */
export function scimWrite(method: string, route: string | undefined): { resource: 'user' | 'group'; verb: Verb } | null {
  const verb = VERBS[method];
  const m = route ? /^\/scim\/v2\/(users|groups)(\/:id)?$/i.exec(route) : null;
  if (!verb || !m || (verb === 'created') === (m[2] !== undefined)) return null;
  return { resource: m[1]!.toLowerCase() === 'users' ? 'user' : 'group', verb };
}

/** The token as the actor: its id, and its name, else its description. */
function tokenActor(t: ScimTokenRecord): ActivityInput['actor'] {
  const name = t.name && t.name !== t.id ? t.name : t.description || undefined;
  return { type: 'scim-token', id: t.id, ...(name ? { name } : {}) };
}

/** The label an admin sees for a failure: the SCIM `scimType` where the error has one, else its Wire label. */
function reasonOf(code: ErrorCode | undefined, status: number): string {
  if (!code) return status >= 500 ? 'server-error' : 'client-error';
  const spec = errorSpecs[code];
  return spec.scimType ?? spec.label ?? code;
}

/** `userName` or `displayName` of a JSON document, if it has one (never anything else of it). */
function nameIn(doc: unknown, key: 'userName' | 'displayName'): string | undefined {
  if (typeof doc !== 'object' || doc === null) return undefined;
  const v = (doc as Record<string, unknown>)[key];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

function idIn(doc: unknown): string | undefined {
  const v = typeof doc === 'object' && doc !== null ? (doc as Record<string, unknown>).id : undefined;
  return typeof v === 'string' && /^[0-9a-f-]{36}$/i.test(v) ? v : undefined;
}

function parse(payload: unknown): unknown {
  if (typeof payload !== 'string' || payload.length === 0 || payload.length > MAX_PARSED) return undefined;
  try {
    return JSON.parse(payload);
  } catch {
    return undefined;
  }
}

/**
 * The activity of SCIM writes, from the outside of the handlers (docs/decisions.md, "Activity
 * log"): an onSend hook keeps a reference to the answer's body, and an onResponse hook, after
 * the answer has gone, hands the recorder a deferred event. The event is built in the
 * background: the resource id from the path or the answer, the name from the answer or the
 * request (`userName` / `displayName` only, never another field of either), the token from the
 * guard, the outcome from the status, the reason from the error code. Requests the guard refused
 * have no team and are not recorded.
 */
@Injectable()
export class ScimActivityHooks implements OnModuleInit {
  constructor(
    @Inject(HttpAdapterHost) private readonly host: HttpAdapterHost,
    @Inject(ACTIVITY_RECORDER) private readonly activity: ActivityRecorder,
  ) {}

  onModuleInit(): void {
    const fastify = this.host.httpAdapter.getInstance<FastifyInstance>();
    // Synchronous, as the platform's other onSend hooks.
    fastify.addHook('onSend', (req, _reply, payload, done) => {
      if (scimWrite(req.method, req.routeOptions.url)) (req as unknown as Record<symbol, unknown>)[PAYLOAD] = payload;
      done(null, payload);
    });
    fastify.addHook('onResponse', async (req, reply) => {
      const write = scimWrite(req.method, req.routeOptions.url);
      const token = (req as ScimRequest).scimToken;
      if (!write || !token) return;
      const status = reply.statusCode;
      const payload = (req as unknown as Record<symbol, unknown>)[PAYLOAD];
      const code = status >= 400 ? errorCodeOf(req) : undefined;
      const pathId = (req.params as Record<string, unknown> | undefined)?.id;
      const body = req.body;
      this.activity.defer(async () => ({ team: token.team, input: event(write, token, status, code, pathId, body, payload) }));
    });
  }
}

function event(
  write: { resource: 'user' | 'group'; verb: Verb },
  token: ScimTokenRecord,
  status: number,
  code: ErrorCode | undefined,
  pathId: unknown,
  body: FastifyRequest['body'],
  payload: unknown,
): ActivityInput {
  const ok = status < 400;
  const key = write.resource === 'user' ? 'userName' : 'displayName';
  const answer = ok ? parse(payload) : undefined;
  const id = typeof pathId === 'string' ? pathId : idIn(answer);
  const name = nameIn(answer, key) ?? (write.verb !== 'deleted' ? nameIn(body, key) : undefined);
  const noun = write.resource === 'user' ? 'User' : 'Group';
  const shown = name ?? id;
  const reason = ok ? undefined : reasonOf(code, status);
  return {
    kind: `scim.${write.resource}.${write.verb}` as ActivityKind,
    outcome: ok ? 'ok' : 'failed',
    actor: tokenActor(token),
    subject: { type: write.resource, ...(id ? { id } : {}), ...(name ? { name } : {}) },
    ...(token.idp ? { idp: token.idp } : {}),
    ...(reason ? { reason } : {}),
    detail: ok
      ? `${noun}${shown ? ` ${shown}` : ''} was ${PAST[write.verb]} by SCIM.`
      : `${GERUND[write.verb]} ${noun.toLowerCase()}${shown ? ` ${shown}` : ''} by SCIM failed (${status} ${reason}).`,
  };
}

@Module({ providers: [ScimActivityHooks] })
export class ScimActivityModule {}
