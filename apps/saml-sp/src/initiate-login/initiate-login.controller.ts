import { Controller, Get, Head, Inject, Param, Query, Res, applyDecorators } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiParam, ApiProduces, ApiQuery, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Z_HOST_DOC, ZHost } from '../sp-settings';
import { type InitiateLoginQuery, InitiateLoginHandler } from './initiate-login.handler';

const QueryDocs = () =>
  applyDecorators(
    ApiParam({ name: 'idp', description: 'The SSO code (IdP id)', example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d' }),
    ApiQuery({
      name: 'success_redirect',
      required: false,
      example: 'wire://sso/success?cookie=$cookie&userId=$userid',
      description: 'Mobile: with error_redirect; scheme wire*, at most 140 bytes.',
    }),
    ApiQuery({ name: 'error_redirect', required: false, example: 'wire://sso/error?label=$label' }),
    ApiQuery({ name: 'label', required: false, example: 'my-phone', description: 'Cookie label' }),
  );

@ApiTags('sso')
@Controller('sso/initiate-login')
export class InitiateLoginController {
  constructor(@Inject(InitiateLoginHandler) private readonly handler: InitiateLoginHandler) {}

  @Head(':idp')
  @QueryDocs()
  @ApiOperation({ summary: 'Check the SSO code and redirect parameters without starting a login' })
  @ApiOkResponse({ description: 'Empty' })
  @ApiResponse({ status: 400, description: '`need-both-redirect-urls`, `invalid-schema`, `url-too-long`' })
  @ApiResponse({ status: 404, description: '`not-found`' })
  async head(@Param('idp') idp: string, @Query() q: InitiateLoginQuery): Promise<void> {
    await this.handler.check(idp, q);
  }

  @Get(':idp')
  @QueryDocs()
  @ApiOperation({
    summary:
      'Start a login: an HTML form that POSTs the AuthnRequest to the IdP, or, for an IdP that offers only the HTTP-Redirect binding, a 303 to it',
  })
  @ApiProduces('text/html')
  @ApiOkResponse({
    schema: {
      type: 'string',
      example:
        '<html …><form action="https://idp.example.com/sso" method="post"><input name="SAMLRequest" type="hidden" value="PHNhbWxwOkF1dGhu…"/></form></html>',
    },
  })
  @ApiResponse({
    status: 303,
    description:
      'HTTP-Redirect IdP (`extraInfo.ssoBinding`): `Location: <requestURI>?SAMLRequest=<base64 DEFLATE>`, with `&SigAlg=…&Signature=…` when the SP has a key',
    headers: {
      location: {
        schema: {
          type: 'string',
          example:
            'https://idp.example.com/sso?SAMLRequest=fVFBTsMw…&SigAlg=http%3A%2F%2Fwww.w3.org%2F2001%2F04%2Fxmldsig-more%23rsa-sha256&Signature=kT3…',
        },
      },
    },
  })
  @ApiResponse({ status: 400, description: '`need-both-redirect-urls`, `invalid-schema`, `url-too-long`' })
  @ApiHeader(Z_HOST_DOC)
  @ApiResponse({
    status: 404,
    description: '`not-found`: no such IdP, or (multi-ingress) "Could not find SP." for a missing or unconfigured `Z-Host`',
  })
  async initiate(
    @Param('idp') idp: string,
    @Query() q: InitiateLoginQuery,
    @ZHost() zHost: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const out = await this.handler.initiate(idp, q, zHost);
    if (out.kind === 'redirect') {
      reply.status(303).header('location', out.location).header('cache-control', 'no-store');
      return '';
    }
    reply.header('content-type', 'text/html;charset=utf-8');
    reply.header('content-security-policy', out.csp);
    return out.html;
  }
}
