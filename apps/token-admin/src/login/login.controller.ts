import { Body, Controller, HttpCode, Inject, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Config } from '@sso/config';
import { CONFIG, clearSessionCookie, sessionCookie, setSessionCookie } from '@sso/platform';
import { AccessTokenDto, LoginDto } from './login.dto';
import { LoginHandler } from './login.handler';

const tokenBody = (userId: string, accessToken: string, expiresIn: number): AccessTokenDto => ({
  access_token: accessToken,
  expires_in: expiresIn,
  token_type: 'Bearer',
  user: userId,
});

@ApiTags('login')
@Controller()
export class LoginController {
  constructor(
    @Inject(LoginHandler) private readonly handler: LoginHandler,
    @Inject(CONFIG) private readonly config: Config,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Log in with email and password',
    description: 'Sets the `zuid` session cookie and returns an access token (15 minutes).',
  })
  @ApiQuery({ name: 'persist', required: false, example: 'false', description: 'true: a persistent cookie; otherwise a session cookie.' })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiResponse({ status: 403, description: '`invalid-credentials`, `suspended`, or `pending-activation` (an invitation not accepted yet)' })
  @ApiResponse({ status: 429, description: '`too-many-requests`, with Retry-After' })
  async login(
    @Body() body: LoginDto,
    @Query('persist') persist: string | undefined,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<AccessTokenDto> {
    const s = await this.handler.login(body, persist === 'true', req.ip);
    setSessionCookie(reply, this.config, s.cookie, s.cookieExpires, s.persistent);
    return tokenBody(s.userId, s.accessToken, s.accessExpiresIn);
  }

  @Post('access')
  @HttpCode(200)
  @ApiCookieAuth('zuid')
  @ApiOperation({ summary: 'A fresh access token for the session cookie' })
  @ApiOkResponse({ type: AccessTokenDto })
  @ApiResponse({ status: 403, description: '`invalid-credentials`: missing, invalid, expired or revoked cookie' })
  async access(@Req() req: FastifyRequest): Promise<AccessTokenDto> {
    const r = await this.handler.access(sessionCookie(req));
    return tokenBody(r.userId, r.accessToken, r.accessExpiresIn);
  }

  @Post(['access/logout', 'logout'])
  @HttpCode(200)
  @ApiCookieAuth('zuid')
  @ApiOperation({ summary: 'End the session: revokes the cookie and clears it' })
  @ApiOkResponse({ description: 'Empty body' })
  async logout(@Req() req: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.handler.logout(sessionCookie(req));
    clearSessionCookie(reply, this.config);
  }
}
