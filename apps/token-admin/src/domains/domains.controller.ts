import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Put, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { UserId } from '@sso/domain';
import { AccessGuard, CurrentUser } from '@sso/platform';
import { type DiscoveryAnswer, type DomainView, DomainsHandler } from './domains.handler';

const DOMAIN = { name: 'domain', example: 'example.com' };
const forbidden = { status: 403, description: '`no-team-member` or `insufficient-permissions` (team owners and admins only)' };
const pending = {
  domain: 'example.com',
  status: 'pending',
  dns_record: { type: 'TXT', name: '_wire-challenge.example.com', value: 'wire-domain-verification=3q2-7wAAAAB9zQ1kS0mYp4u8XlFh' },
};
const verifiedExample = { domain: 'example.com', status: 'verified', idp: null, verified_at: '2026-12-04T15:00:00.000Z' };

@ApiTags('domain-verification')
@ApiBearerAuth()
@Controller('domain-verification')
@UseGuards(AccessGuard)
export class DomainsController {
  constructor(@Inject(DomainsHandler) private readonly handler: DomainsHandler) {}

  @Get()
  @ApiOperation({ summary: "The team's verified email domains" })
  @ApiOkResponse({ schema: { example: { domains: [verifiedExample] } } })
  @ApiResponse(forbidden)
  async list(@CurrentUser() uid: UserId): Promise<{ domains: DomainView[] }> {
    return { domains: await this.handler.list(uid) };
  }

  @Post(':domain/challenges')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Start proving an email domain',
    description:
      'Answers the TXT record to publish at `_wire-challenge.<domain>` (the same value until the challenge expires after 7 days), or the registration when the team already holds the domain.',
  })
  @ApiParam(DOMAIN)
  @ApiOkResponse({ schema: { example: pending } })
  @ApiResponse({ status: 400, description: '`invalid-domain`' })
  @ApiResponse(forbidden)
  challenge(@CurrentUser() uid: UserId, @Param('domain') domain: string): Promise<DomainView> {
    return this.handler.challenge(uid, domain);
  }

  @Post(':domain/verify')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Verify an email domain by its DNS TXT record',
    description: "Looks the record up now. The first team to prove a domain holds it; its users are then sent to the team's IdP.",
  })
  @ApiParam(DOMAIN)
  @ApiOkResponse({ schema: { example: verifiedExample } })
  @ApiResponse({ status: 400, description: '`invalid-domain`, `domain-verification-failed` (no TXT record carries the value yet)' })
  @ApiResponse(forbidden)
  @ApiResponse({ status: 404, description: '`not-found`: no pending challenge' })
  @ApiResponse({ status: 409, description: '`domain-already-registered`: another team holds the domain' })
  @ApiResponse({ status: 503, description: '`service-unavailable`: the DNS lookup failed' })
  verify(@CurrentUser() uid: UserId, @Param('domain') domain: string): Promise<DomainView> {
    return this.handler.verify(uid, domain);
  }

  @Put(':domain/idp')
  @ApiOperation({ summary: "Choose the IdP the domain's users are sent to (null: the team's only IdP)" })
  @ApiParam(DOMAIN)
  @ApiBody({
    schema: {
      type: 'object',
      required: ['idp'],
      properties: { idp: { type: 'string', nullable: true } },
      example: { idp: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' },
    },
  })
  @ApiOkResponse({ schema: { example: { ...verifiedExample, idp: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' } } })
  @ApiResponse({ status: 400, description: '`invalid-domain`, `bad-request`' })
  @ApiResponse(forbidden)
  @ApiResponse({ status: 404, description: '`not-found`: the team does not hold the domain, or the IdP is not one of the team' })
  setIdp(@CurrentUser() uid: UserId, @Param('domain') domain: string, @Body() body: unknown): Promise<DomainView> {
    const idp = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['idp'] : undefined;
    return this.handler.setIdp(uid, domain, idp === undefined ? 'missing' : idp);
  }

  @Delete(':domain')
  @HttpCode(204)
  @ApiOperation({ summary: 'Give a verified domain up' })
  @ApiParam(DOMAIN)
  @ApiNoContentResponse({ description: 'Released' })
  @ApiResponse({ status: 400, description: '`invalid-domain`' })
  @ApiResponse(forbidden)
  @ApiResponse({ status: 404, description: '`not-found`: the team does not hold the domain' })
  async release(@CurrentUser() uid: UserId, @Param('domain') domain: string): Promise<void> {
    await this.handler.release(uid, domain);
  }
}

@ApiTags('domain-verification')
@Controller('get-domain-registration')
export class DomainDiscoveryController {
  constructor(@Inject(DomainsHandler) private readonly handler: DomainsHandler) {}

  @Post()
  @HttpCode(200)
  @ApiOperation({
    summary: 'Where a user logs in, by email (IdP discovery)',
    description:
      "No authentication. `sso` with the SSO code when the address's domain is verified by a team with an IdP; `none` otherwise, identical for unknown domains and for verified ones without IdP. Rate-limited per client address (429 with Retry-After).",
  })
  @ApiBody({
    schema: { type: 'object', required: ['email'], properties: { email: { type: 'string' } }, example: { email: 'alice@example.com' } },
  })
  @ApiOkResponse({
    description: '`sso` with the code of the IdP to log in at, or `none`',
    schema: {
      type: 'object',
      required: ['domain_redirect'],
      properties: {
        domain_redirect: { type: 'string', enum: ['sso', 'none'] },
        sso_code: { type: 'string', description: 'Only with `sso`: the SSO code `wire-<IdP id>`' },
      },
      example: { domain_redirect: 'sso', sso_code: 'wire-9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' },
    },
  })
  @ApiResponse({ status: 400, description: '`bad-request`: no email' })
  @ApiResponse({ status: 429, description: '`too-many-requests`' })
  discover(@Body() body: unknown, @Req() req: FastifyRequest): Promise<DiscoveryAnswer> {
    const email = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['email'] : undefined;
    return this.handler.discover(email, req.ip);
  }
}
