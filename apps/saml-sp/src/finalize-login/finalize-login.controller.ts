import { Body, Controller, Inject, Param, ParseUUIDPipe, Post, Res, applyDecorators } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiHeader, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { teamId } from '@sso/domain';
import { LOGIN_PAGE_RELAY_STATE, renderLoginPageRefusal } from '@sso/saml';
import { Z_HOST_DOC, ZHost } from '../sp-settings';
import { FinalizeLoginHandler, type FinalizeResult } from './finalize-login.handler';
import { LoginActivity } from './login-activity';

const formBody = {
  schema: {
    type: 'object',
    required: ['SAMLResponse'],
    properties: {
      SAMLResponse: {
        type: 'string',
        description: "base64 of the IdP's samlp:Response",
        example: 'PHNhbWxwOlJlc3BvbnNlIHhtbG5zOnNhbWxwPSJ1cm46b2FzaXM6…',
      },
      RelayState: {
        type: 'string',
        description:
          'Echoed by the IdP. `sso-login` (logins started at /sso/login): an error found before the verdict is read is a 303 to /sso/login/result too',
        example: 'sso-login',
      },
    },
  },
};

function field(body: unknown): unknown {
  return typeof body === 'object' && body !== null ? (body as Record<string, unknown>).SAMLResponse : undefined;
}

/**
 * A login started at /sso/login (its RelayState) that failed before its verdict could be read
 * ends on the result page too; every other answer is the handler's (docs/sso-login.md).
 */
function forLoginPage(r: FinalizeResult, body: unknown): FinalizeResult {
  const relayState = typeof body === 'object' && body !== null ? (body as Record<string, unknown>).RelayState : undefined;
  if (r.audit.outcome !== 'error' || relayState !== LOGIN_PAGE_RELAY_STATE || !r.audit.label) return r;
  return { ...r, ...renderLoginPageRefusal(r.audit.label) };
}

async function send(reply: FastifyReply, r: FinalizeResult): Promise<void> {
  // The NameID (often an email address) goes to the team's activity log, not to the log lines.
  const { nameId: _nameId, ...audit } = r.audit;
  reply.log.info({ sso: audit }, `sso login ${r.audit.outcome}`);
  if (r.setCookie) void reply.header('set-cookie', r.setCookie);
  await reply.status(r.status).headers(r.headers).send(r.body);
}

const html = (example: string) => ({ 'text/html': { schema: { type: 'string', example } } });
const errorPage = (label: string) =>
  html(`<!DOCTYPE html …><html …><head><title>wire:sso:error:${label}</title>…</head><body><p>wire:sso:error:${label}</p></body></html>`);
const wireError = { $ref: '#/components/schemas/WireError' };

const Docs = () =>
  applyDecorators(
    ApiConsumes('application/x-www-form-urlencoded', 'multipart/form-data'),
    ApiBody(formBody),
    ApiResponse({
      status: 200,
      description: 'Web: XHTML page titled `wire:sso:success` (with Set-Cookie zuid) or `wire:sso:error:<label>`',
      content: html('<!DOCTYPE html …><html …><head><title>wire:sso:success</title>…</head>…</html>'),
    }),
    ApiResponse({
      status: 303,
      description:
        'Mobile: to success_redirect ($cookie, $userid) or error_redirect ($label); unsolicited responses: to /sso/initiate-login/<idp>',
    }),
    ApiResponse({
      status: 400,
      description:
        'HTML error page: `bad-response-encoding`, `bad-response-xml`, `bad-response-saml`, `bad-response-signature`, `ttl-error`; or, for a body that cannot be read (malformed multipart), a Wire error',
      content: { ...errorPage('bad-response-encoding'), 'application/json': { schema: wireError } },
    }),
    ApiHeader(Z_HOST_DOC),
    ApiResponse({
      status: 404,
      description:
        'HTML error page: `not-found` (unknown IdP; or, with multi-ingress, "Could not find SP." for a missing or unconfigured `Z-Host`)',
      content: errorPage('not-found'),
    }),
    ApiResponse({
      status: 409,
      description: 'HTML error page: `idp-non-unique` (v1: more than one IdP has the issuer)',
      content: errorPage('idp-non-unique'),
    }),
  );

@ApiTags('sso')
@Controller('sso/finalize-login')
export class FinalizeLoginController {
  constructor(
    @Inject(FinalizeLoginHandler) private readonly handler: FinalizeLoginHandler,
    @Inject(LoginActivity) private readonly activity: LoginActivity,
  ) {}

  @Post()
  @ApiOperation({ summary: 'Assertion consumer service for v1 IdPs (instance-wide SP entity id)', deprecated: true })
  @Docs()
  async v1(@Body() body: unknown, @ZHost() zHost: string | undefined, @Res() reply: FastifyReply): Promise<void> {
    const r = await this.handler.finalize(null, field(body), zHost);
    this.activity.record(null, r.audit);
    await send(reply, forLoginPage(r, body));
  }

  @Post(':team')
  @ApiOperation({ summary: "Assertion consumer service for the team's (v2) IdPs" })
  @ApiParam({ name: 'team', example: 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d' })
  @Docs()
  async v2(
    @Param('team', new ParseUUIDPipe()) team: string,
    @Body() body: unknown,
    @ZHost() zHost: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const r = await this.handler.finalize(teamId(team), field(body), zHost);
    this.activity.record(teamId(team), r.audit);
    await send(reply, forLoginPage(r, body));
  }
}
