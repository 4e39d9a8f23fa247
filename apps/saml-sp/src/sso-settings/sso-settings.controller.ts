import { Body, Controller, Get, HttpCode, Inject, Post, Put, Res } from '@nestjs/common';
import { ApiBody, ApiExcludeEndpoint, ApiHeader, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { DomainError } from '@sso/domain';
import { ApiVersion } from '@sso/platform';
import { Z_HOST_DOC, ZHost } from '../sp-settings';
import { SsoSettingsHandler } from './sso-settings.handler';

/** get-by-email exists from API version 15 on (spar). */
const GET_BY_EMAIL_FROM = 15;

@ApiTags('sso')
@Controller()
export class SsoSettingsController {
  constructor(@Inject(SsoSettingsHandler) private readonly handler: SsoSettingsHandler) {}

  @Get('sso/settings')
  @ApiOperation({ summary: 'The default SSO code of this instance' })
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { default_sso_code: { type: 'string', nullable: true, example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' } },
    },
  })
  get() {
    return this.handler.get();
  }

  /** 200 with an empty body, as spar's `NoContent`. */
  @Put('i/sso/settings')
  @ApiExcludeEndpoint()
  async set(@Body() body: unknown, @Res() reply: FastifyReply): Promise<void> {
    await this.handler.set(body);
    await reply.status(200).send();
  }

  @Post('sso/get-by-email')
  @HttpCode(200)
  @ApiOperation({ summary: 'The SSO code for an email address (API version 15 and later; off unless enabled)' })
  @ApiBody({ schema: { type: 'object', required: ['email'], properties: { email: { type: 'string', example: 'alice@example.com' } } } })
  @ApiOkResponse({
    schema: { type: 'object', properties: { sso_code: { type: 'string', example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' } } },
  })
  @ApiResponse({
    status: 404,
    description: '`{}`: disabled, unknown email, or no IdP; before API version 15, a Wire error `no-endpoint`',
    content: {
      'application/json': {
        schema: { oneOf: [{ type: 'object', maxProperties: 0 }, { $ref: '#/components/schemas/WireError' }] },
        example: {},
      },
    },
  })
  @ApiHeader({
    ...Z_HOST_DOC,
    description: `${Z_HOST_DOC.description} When the team has several IdPs, the one whose domain is this host is returned.`,
  })
  async byEmail(
    @Body() body: unknown,
    @ApiVersion() version: number,
    @ZHost() zHost: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (version < GET_BY_EMAIL_FROM) throw new DomainError('no-endpoint', 'This endpoint exists from API version 15 on');
    const found = await this.handler.byEmail(
      typeof body === 'object' && body !== null ? (body as { email?: unknown }).email : undefined,
      zHost,
    );
    if (!found) {
      void reply.status(404);
      return {};
    }
    return found;
  }
}
