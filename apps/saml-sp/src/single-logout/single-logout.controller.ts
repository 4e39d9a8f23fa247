import { Body, Controller, Get, Inject, Param, Post, Req, Res, applyDecorators } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@sso/config';
import { DomainError, isUuid, labelOf, statusOf, teamId } from '@sso/domain';
import { CONFIG, clearSessionCookie, html, pageResponseDoc, sendPage, sessionCookie } from '@sso/platform';
import { LogoutRejected, type ReceivedLogoutMessage, readPostMessage, readRedirectMessage } from '@sso/saml';
import { ZHost } from '../sp-settings';
import { type LogoutOutcome, SingleLogoutHandler } from './single-logout.handler';

const signedOut = (description: string) => pageResponseDoc(200, description, 'Signed out', 'You are signed out of this service.');
/** A failed sign-out: the page names the label (the first `code` of the description). */
const errorPage = (status: number, description: string) =>
  pageResponseDoc(status, description, 'Sign-out failed', description.split('`')[1] ?? '');
const ERRORS = [
  errorPage(
    400,
    '`bad-logout-message`: not a LogoutRequest/LogoutResponse, unsigned, a bad signature, stale, or another Destination; `bad-request`: the team is not a UUID',
  ),
  errorPage(403, '`bad-logout-message` (replayed) or `single-logout-disabled`'),
  errorPage(404, "`not-found`: no IdP of this team has the message's Issuer"),
];
const ApiErrors = () => applyDecorators(...ERRORS.map((e) => ApiResponse(e)));

async function answer(reply: FastifyReply, outcome: LogoutOutcome): Promise<void> {
  switch (outcome.kind) {
    case 'redirect':
      await reply.status(303).header('location', outcome.location).header('cache-control', 'no-store').send();
      return;
    case 'form':
      await reply
        .status(200)
        .header('content-type', 'text/html; charset=utf-8')
        .header('content-security-policy', outcome.csp)
        .header('cache-control', 'no-store')
        .send(outcome.html);
      return;
    case 'signed-out': {
      const atIdp =
        outcome.atIdp === 'confirmed'
          ? html`<p>Your identity provider confirmed that you are signed out there too.</p>`
          : outcome.atIdp === 'refused'
            ? html`<p class="warning">Your identity provider did not confirm the sign-out (status <code>${outcome.idpStatus}</code>). You may still be signed in there; close the browser to be sure.</p>`
            : '';
      await sendPage(reply, { title: 'Signed out', main: html`<p>You are signed out of this service.</p>${atIdp}` });
      return;
    }
  }
}

/** A failed logout as a page with the API's label, in words first. */
async function refuse(reply: FastifyReply, e: unknown): Promise<void> {
  if (!(e instanceof DomainError)) throw e;
  await sendPage(
    reply,
    {
      title: 'Sign-out failed',
      main: html`<div class="notice error" role="alert"><p>${e.message}</p><p class="muted">Error: <code>${labelOf(e.code)}</code></p></div>`,
    },
    statusOf(e.code),
  );
}

/** A request another site started: the browser says so (Fetch Metadata), or its Origin is not this host. */
function crossSite(req: FastifyRequest): boolean {
  if (req.headers['sec-fetch-site'] === 'cross-site') return true;
  const origin = req.headers.origin;
  if (origin === undefined || origin === 'null') return origin === 'null';
  const host = String(req.headers['x-forwarded-host'] ?? req.headers.host ?? '')
    .split(',')[0]!
    .trim()
    .toLowerCase();
  try {
    return new URL(origin).host.toLowerCase() !== host;
  } catch {
    return true;
  }
}

const rawQuery = (req: FastifyRequest) => {
  const url = req.raw.url ?? '';
  const q = url.indexOf('?');
  return q === -1 ? '' : url.slice(q + 1);
};

@ApiTags('sso')
@Controller('sso')
export class SingleLogoutController {
  constructor(
    @Inject(SingleLogoutHandler) private readonly handler: SingleLogoutHandler,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Get('logout')
  @ApiOperation({ summary: 'The sign-out page: a button that signs out here and, for SSO users, at the identity provider' })
  @ApiProduces('text/html')
  @ApiResponse(
    pageResponseDoc(
      200,
      'The sign-out page',
      'Sign out',
      '<form method="post" action="logout"><button type="submit">Sign out</button></form>',
    ),
  )
  async page(@Res() reply: FastifyReply): Promise<void> {
    await sendPage(reply, {
      title: 'Sign out',
      main: html`<p>Sign out of this service. If you signed in with your company account and your team turned on single logout, you are signed out there too.</p>
<form method="post" action="logout"><button type="submit">Sign out</button></form>`,
    });
  }

  @Post('logout')
  @ApiOperation({
    summary: 'Sign out (SP-initiated Single Logout)',
    description:
      "Ends the session of the `zuid` cookie. When the user logged in with an IdP that takes part in single logout (`single_logout`), the browser then goes to the IdP's SingleLogoutService with a LogoutRequest (HTTP-Redirect: 303; HTTP-POST: an auto-submitting form), signed when the SP has keys, with the same Issuer as the AuthnRequests to that IdP. Otherwise a page says the user is signed out.",
  })
  @ApiProduces('text/html')
  @ApiResponse(signedOut('Signed out here (and, when the IdP answered, there too)'))
  @ApiResponse({ status: 303, description: "To the IdP's SingleLogoutService with the LogoutRequest in the query" })
  @ApiResponse(errorPage(404, '`not-found` "Could not find SP." (multi-ingress without a known `Z-Host`)'))
  @ApiResponse(errorPage(403, '`access-denied`: the sign-out was started by another site (Sec-Fetch-Site, Origin)'))
  async logout(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @ZHost() zHost: string | undefined): Promise<void> {
    // The session cookie is SameSite=None in production: a form on another site must not sign the
    // user out here, let alone at the company IdP (single logout) for every app behind it.
    if (crossSite(req)) {
      await refuse(reply, new DomainError('access-denied', 'Sign out from this site: a sign-out started by another site is refused'));
      return;
    }
    clearSessionCookie(reply, this.config);
    try {
      await answer(reply, await this.handler.start(sessionCookie(req), zHost));
    } catch (e) {
      await refuse(reply, e);
    }
  }

  private async receive(reply: FastifyReply, read: () => ReceivedLogoutMessage, team: string | null, zHost: string | undefined) {
    try {
      let msg: ReceivedLogoutMessage;
      try {
        msg = read();
      } catch (e) {
        if (e instanceof LogoutRejected) throw new DomainError('bad-logout-message', `Bad logout message: ${e.message}`);
        throw e;
      }
      if (team !== null && !isUuid(team)) throw new DomainError('bad-request', 'The team in the path is not a UUID');
      await answer(reply, await this.handler.receive(msg, team === null ? null : teamId(team), zHost));
    } catch (e) {
      await refuse(reply, e);
    }
  }

  @Get('slo')
  @ApiOperation({ summary: 'SingleLogoutService of the v1 SP (HTTP-Redirect binding)', deprecated: true })
  @ApiQuery({ name: 'SAMLRequest', required: false, example: 'fZFBb4Mw…' })
  @ApiQuery({ name: 'SAMLResponse', required: false, example: 'fZFBb4Mw…' })
  @ApiResponse(signedOut('Signed out here (and, when the IdP answered, there too)'))
  @ApiErrors()
  async v1Redirect(@Req() req: FastifyRequest, @Res() reply: FastifyReply, @ZHost() zHost: string | undefined): Promise<void> {
    await this.receive(reply, () => readRedirectMessage(rawQuery(req)), null, zHost);
  }

  @Post('slo')
  @ApiOperation({ summary: 'SingleLogoutService of the v1 SP (HTTP-POST binding)', deprecated: true })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiResponse(signedOut('Signed out here (and, when the IdP answered, there too)'))
  @ApiErrors()
  async v1Post(@Body() body: unknown, @Res() reply: FastifyReply, @ZHost() zHost: string | undefined): Promise<void> {
    await this.receive(reply, () => readPostMessage(formOf(body)), null, zHost);
  }

  @Get('slo/:team')
  @ApiOperation({
    summary: "SingleLogoutService of the team's SP (HTTP-Redirect binding)",
    description:
      "An IdP's LogoutRequest (signed query; fresh; Destination this URL; its ID used once) ends every session of the NameID's user and is answered with a LogoutResponse at the IdP's SingleLogoutService; an IdP's LogoutResponse to our LogoutRequest shows the outcome. Only for IdPs with `single_logout`.",
  })
  @ApiParam({ name: 'team', example: 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d' })
  @ApiQuery({ name: 'SAMLRequest', required: false, example: 'fZFBb4Mw…' })
  @ApiQuery({ name: 'SAMLResponse', required: false, example: 'fZFBb4Mw…' })
  @ApiQuery({ name: 'SigAlg', required: false, example: 'http://www.w3.org/2001/04/xmldsig-more#rsa-sha256' })
  @ApiQuery({ name: 'Signature', required: false, example: 'dGhpcyBpcyBub3QgYSBzaWduYXR1cmU=' })
  @ApiResponse(signedOut('Signed out here (and, when the IdP answered, there too)'))
  @ApiResponse({ status: 303, description: "The LogoutResponse, to the IdP's SingleLogoutService" })
  @ApiErrors()
  async v2Redirect(
    @Param('team') team: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
    @ZHost() zHost: string | undefined,
  ): Promise<void> {
    await this.receive(reply, () => readRedirectMessage(rawQuery(req)), team, zHost);
  }

  @Post('slo/:team')
  @ApiOperation({ summary: "SingleLogoutService of the team's SP (HTTP-POST binding; the message carries an XML signature)" })
  @ApiParam({ name: 'team', example: 'b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d' })
  @ApiConsumes('application/x-www-form-urlencoded')
  @ApiResponse(signedOut('Signed out here (and, when the IdP answered, there too)'))
  @ApiErrors()
  async v2Post(
    @Param('team') team: string,
    @Body() body: unknown,
    @Res() reply: FastifyReply,
    @ZHost() zHost: string | undefined,
  ): Promise<void> {
    await this.receive(reply, () => readPostMessage(formOf(body)), team, zHost);
  }
}

const formOf = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
