import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiHeader, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError, idpId, labelOf, statusOf } from '@sso/domain';
import { type IdpDiscovery, discoveryRateKey } from '@sso/auth';
import type { Config } from '@sso/config';
import { CONFIG, RateLimiter, sendPage, sessionCookie } from '@sso/platform';
import { InitiateLoginHandler } from '../initiate-login/initiate-login.handler';
import { Z_HOST_DOC, ZHost } from '../sp-settings';
import { MAX_CODE_INPUT, parseSsoCode } from './sso-code';
import { LoginResultReader } from './login-result';
import { IDP_DISCOVERY } from './sso-login.module-tokens';
import {
  MALFORMED_CODE,
  NO_COMPANY_LOGIN,
  TOO_MANY_LOOKUPS,
  UNKNOWN_CODE,
  isKnownLabel,
  loggedInPage,
  type CodeError,
  loginFormPage,
  notLoggedInPage,
  refusedPage,
  unknownResultPage,
} from './sso-login.pages';

const page = (title: string, body: string) => ({
  'text/html': {
    schema: { type: 'string' },
    example: `<!doctype html><html lang="en"><head><title>${title}</title>…</head><body>…${body}…</body></html>`,
  },
});

/**
 * The enterprise-login page (docs/sso-login.md): an employee types or pastes the SSO code, or
 * follows a deep link with it, and goes to the company IdP; the ACS sends the browser back to the
 * result page. Pages only: the API for clients stays /sso/initiate-login.
 */
@ApiTags('sso')
@Controller('sso/login')
export class SsoLoginController {
  constructor(
    @Inject(InitiateLoginHandler) private readonly initiate: InitiateLoginHandler,
    @Inject(LoginResultReader) private readonly results: LoginResultReader,
    @Inject(IDP_DISCOVERY) private readonly discovery: IdpDiscovery,
    @Inject(RateLimiter) private readonly limiter: RateLimiter,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  /** IdP discovery by email (docs/decisions.md): the IdP of the team that verified the domain, rate-limited per address. */
  private async idpForEmail(email: string, clientIp: string): Promise<{ id: string } | { error: CodeError; status: number }> {
    const rule = this.config.rateLimits.discoveryPerAddress;
    const d = await this.limiter.hit(discoveryRateKey(clientIp), rule.limit, rule.windowSeconds);
    if (!d.allowed) return { error: TOO_MANY_LOOKUPS, status: 429 };
    const id = await this.discovery.idpFor(email.trim());
    return id ? { id } : { error: NO_COMPANY_LOGIN, status: 404 };
  }

  @Get()
  @ApiOperation({
    summary: 'Enterprise login page: a form for the SSO code or a work email; with `code`, starts the login at the IdP at once (deep link)',
    description:
      'Without `code`: the form. With a known code: what /sso/initiate-login answers (the auto-POST form to the IdP, or a 303 to a Redirect-binding IdP); the login then ends at /sso/login/result. A code that is not one, or that no IdP has, is the form again with the reason next to the field (label `not-found`).',
  })
  @ApiQuery({
    name: 'code',
    required: false,
    description:
      'The SSO code, `wire-<IdP id>` or the bare IdP id; or a work email, whose domain a team verified (IdP discovery, rate-limited per address: 429); surrounding whitespace is ignored',
    example: 'wire-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
  })
  @ApiHeader(Z_HOST_DOC)
  @ApiResponse({
    status: 200,
    description: 'The form; or, with a known code, the auto-POST form that sends the AuthnRequest to the IdP',
    content: page('Enterprise login', '<form method="get" action="/sso/login"><label for="code">SSO code or work email</label>'),
  })
  @ApiResponse({
    status: 303,
    description: 'With a known code of an IdP that offers only the HTTP-Redirect binding: to the IdP with the AuthnRequest',
    headers: { location: { schema: { type: 'string', example: 'https://idp.example.com/sso?SAMLRequest=fVFBTsMw…' } } },
  })
  @ApiResponse({
    status: 404,
    description: 'The code is not an SSO code, or no IdP has it: the form with the reason (`not-found`)',
    content: page(
      'Enterprise login: check your SSO code',
      '<p id="code-error" class="error" role="alert">No company login has this SSO code.',
    ),
  })
  async form(
    @Query('code') code: unknown,
    @ZHost() zHost: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (code === undefined) {
      await sendPage(reply, loginFormPage());
      return;
    }
    const typed = typeof code === 'string' ? code.slice(0, MAX_CODE_INPUT) : '';
    let id = typeof code === 'string' ? parseSsoCode(code) : null;
    if (id === null && typed.includes('@')) {
      const found = await this.idpForEmail(typed, req.ip);
      if ('error' in found) {
        await sendPage(reply, loginFormPage({ value: typed, error: found.error }), found.status);
        return;
      }
      id = idpId(found.id);
    }
    if (id === null) {
      await sendPage(reply, loginFormPage({ value: typed, error: MALFORMED_CODE }), 404);
      return;
    }
    let out: Awaited<ReturnType<InitiateLoginHandler['initiate']>>;
    try {
      out = await this.initiate.initiate(id, {}, zHost, true);
    } catch (e) {
      if (!(e instanceof DomainError)) throw e;
      const error =
        e.code === 'not-found' && e.message === 'Could not find IdP.' ? UNKNOWN_CODE : { label: labelOf(e.code), message: e.message };
      await sendPage(reply, loginFormPage({ value: typed, error }), statusOf(e.code));
      return;
    }
    if (out.kind === 'redirect') {
      await reply.status(303).header('location', out.location).header('cache-control', 'no-store').send('');
      return;
    }
    await reply
      .status(200)
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-security-policy', out.csp)
      .header('cache-control', 'no-store')
      .send(out.html);
  }

  @Get('result')
  @ApiOperation({
    summary: 'Enterprise login result: who is now logged in (from the session cookie), or why the login was refused (`label`)',
    description:
      'Where the ACS sends a login started at /sso/login. With `label` (one of the API error labels), the refusal in plain words; without, the account of the `zuid` session cookie, or that no one is logged in.',
  })
  @ApiQuery({ name: 'label', required: false, description: 'Why the login was refused: an API error label', example: 'suspended' })
  @ApiResponse({
    status: 200,
    description: 'The result page',
    content: page('Enterprise login: logged in', '<p class="ok"><strong>You are logged in as Alice Example.</strong></p>'),
  })
  @ApiResponse({
    status: 400,
    description: '`label` is not one of the API error labels',
    content: page('Enterprise login: unknown result', '<p class="error" role="alert">This address does not name a login result.</p>'),
  })
  async result(@Query('label') label: unknown, @Req() req: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    if (label !== undefined) {
      if (typeof label !== 'string' || !isKnownLabel(label)) await sendPage(reply, unknownResultPage(), 400);
      else await sendPage(reply, refusedPage(label));
      return;
    }
    const who = await this.results.whoIsLoggedIn(sessionCookie(req));
    await sendPage(reply, who ? loggedInPage(who.user, who.teamName) : notLoggedInPage());
  }
}
