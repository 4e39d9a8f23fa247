import { Body, Controller, Delete, Get, Header, HttpCode, Inject, Param, Post, Put, Query, UseGuards } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiExtraModels,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiQuery,
  ApiResponse,
  ApiTags,
  getSchemaPath,
} from '@nestjs/swagger';
import { DomainError, type UserId } from '@sso/domain';
import { AccessGuard, ApiVersion, CurrentUser } from '@sso/platform';
import { IdpDto, IdpListDto, IdpMetadataJsonDto, IdpMetadataUrlDto } from './idp.dto';
import { Z_HOST_DOC, ZHost } from '../sp-settings';
import { IdpHandler, type MetadataInput } from './idp.handler';

const METADATA_EXAMPLE =
  '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://idp.example.com/saml">' +
  '<md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"><md:KeyDescriptor use="signing">' +
  '<ds:KeyInfo xmlns:ds="http://www.w3.org/2000/09/xmldsig#"><ds:X509Data><ds:X509Certificate>MIIC8jCCAdqgAwIBAgIQ...</ds:X509Certificate></ds:X509Data></ds:KeyInfo>' +
  '</md:KeyDescriptor><md:SingleSignOnService Binding="urn:oasis:names:tc:SAML:2.0:bindings:HTTP-POST" Location="https://idp.example.com/saml/sso"/>' +
  '</md:IDPSSODescriptor></md:EntityDescriptor>';

const URL_EXAMPLE =
  'https://login.microsoftonline.com/5c7f5e3a-1c2b-4e8f-9a7b-6c5d4e3f2a1b/federationmetadata/2007-06/federationmetadata.xml';

/** The metadata XML from a raw `application/xml` body or `{"value": xml}`, or `{"url": "https://..."}`. */
function metadataOf(body: unknown): MetadataInput {
  if (typeof body === 'string' && body.length > 0) return { xml: body };
  if (typeof body === 'object' && body !== null) {
    const { value, url } = body as { value?: unknown; url?: unknown };
    if (typeof value === 'string' && url === undefined) return { xml: value };
    if (typeof url === 'string' && value === undefined && url.length <= 2048) return { url };
  }
  throw new DomainError('invalid-metadata', 'Expected IdP metadata as application/xml, {"value": "<xml>"} or {"url": "https://..."}');
}

const metadataBody = {
  description:
    'The metadata XML (raw `application/xml`, or `{"value": xml}`), or `{"url": "https://..."}`: fetched now (https only, 512 KiB, 10 s, ' +
    'no internal addresses) and refreshed every `saml.metadataRefreshSeconds`, which picks up signing-key rollover; metadata whose ' +
    '`validUntil` has passed is refused.',
  schema: {
    oneOf: [
      { type: 'string', example: METADATA_EXAMPLE },
      { $ref: getSchemaPath(IdpMetadataJsonDto) },
      { $ref: getSchemaPath(IdpMetadataUrlDto) },
    ],
  },
  examples: { xml: { value: METADATA_EXAMPLE }, json: { value: { value: METADATA_EXAMPLE } }, url: { value: { url: URL_EXAMPLE } } },
};

const allowIdpInitiatedQuery = {
  name: 'allow_idp_initiated',
  required: false,
  enum: ['true', 'false'],
  example: 'false',
  description:
    'Accept logins the IdP starts itself (responses without InResponseTo), with every other check. Off by default: such responses are redirected to initiate-login, as in spar. They are open to login CSRF, so turn this on only for IdPs whose users need it.',
};

const singleLogoutQuery = {
  name: 'single_logout',
  required: false,
  enum: ['true', 'false'],
  example: 'false',
  description:
    "Take part in SAML Single Logout with this IdP: the team's SP metadata lists SingleLogoutService, POST /sso/logout ends the session here and at the IdP, and signed LogoutRequests from the IdP end every session of that user. Off by default.",
};

const forbidden = { status: 403, description: '`no-team-member` or `insufficient-permissions`' };
const notFound = { status: 404, description: '`not-found`: no such IdP in the team' };

@ApiTags('identity-providers')
@ApiBearerAuth()
@ApiExtraModels(IdpMetadataJsonDto, IdpMetadataUrlDto)
@UseGuards(AccessGuard)
@Controller('identity-providers')
export class IdpController {
  constructor(@Inject(IdpHandler) private readonly handler: IdpHandler) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({
    summary: 'Register an IdP from its metadata or a metadata URL',
    description:
      'Team owners and admins. New IdPs default to the team-scoped (v2) SP entity id. With `{"url"}` the metadata is fetched now and refreshed on a schedule.',
  })
  @ApiConsumes('application/xml', 'application/json')
  @ApiBody(metadataBody)
  @ApiQuery({
    name: 'replaces',
    required: false,
    example: '9b1deb4d-3b7d-4bad-9bdd-2b0d7b3dcb6d',
    description: 'An IdP of the team this one replaces (key rollover to a new issuer).',
  })
  @ApiQuery({ name: 'api_version', required: false, enum: ['v1', 'v2'], example: 'v2', description: 'Default v2.' })
  @ApiQuery({ name: 'handle', required: false, example: 'Entra ID', description: '1-32 characters; default "IdP N".' })
  @ApiQuery(allowIdpInitiatedQuery)
  @ApiQuery(singleLogoutQuery)
  @ApiCreatedResponse({ type: IdpDto })
  @ApiResponse({ status: 400, description: '`invalid-metadata`, `idp-already-in-use`, `idp-must-be-https`, `more-than-one-idp`' })
  @ApiResponse({ status: 403, description: '`insufficient-permissions`, `no-team-member`, `sso-disabled`' })
  @ApiResponse({ status: 404, description: '`not-found`: `replaces` names no IdP of the team' })
  @ApiResponse({
    status: 409,
    description:
      '`cannot-mix-idp-api-verions`; `idp-duplicate-domain-for-team` (multi-ingress, from v8: the team has an IdP for this `Z-Host` already)',
  })
  @ApiHeader({
    ...Z_HOST_DOC,
    description: `${Z_HOST_DOC.description} From v8 on, a configured host becomes the IdP's \`extraInfo.domain\` (one IdP per host and team).`,
  })
  create(
    @CurrentUser() uid: UserId,
    @Body() body: unknown,
    @Query('replaces') replaces: string | undefined,
    @Query('api_version') apiVersionParam: string | undefined,
    @Query('handle') handle: string | undefined,
    @Query('allow_idp_initiated') allowIdpInitiated: string | undefined,
    @Query('single_logout') singleLogout: string | undefined,
    @ApiVersion() apiVersion: number,
    @ZHost() zHost: string | undefined,
  ): Promise<IdpDto> {
    return this.handler.create(
      uid,
      metadataOf(body),
      { replaces, api_version: apiVersionParam, handle, allow_idp_initiated: allowIdpInitiated, single_logout: singleLogout },
      apiVersion,
      zHost,
    );
  }

  @Get()
  @ApiOperation({ summary: "The team's IdPs" })
  @ApiOkResponse({ type: IdpListDto })
  @ApiResponse(forbidden)
  list(@CurrentUser() uid: UserId) {
    return this.handler.list(uid);
  }

  @Get(':id/raw')
  @Header('content-type', 'application/xml')
  @ApiOperation({ summary: 'The metadata XML as uploaded' })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string', example: METADATA_EXAMPLE } })
  @ApiResponse(forbidden)
  @ApiResponse(notFound)
  raw(@CurrentUser() uid: UserId, @Param('id') id: string): Promise<string> {
    return this.handler.raw(uid, id);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One IdP' })
  @ApiOkResponse({ type: IdpDto })
  @ApiResponse(forbidden)
  @ApiResponse(notFound)
  get(@CurrentUser() uid: UserId, @Param('id') id: string): Promise<IdpDto> {
    return this.handler.get(uid, id);
  }

  @Put(':id')
  @ApiOperation({
    summary: 'Replace the metadata (key rollover, new SSO URL or issuer)',
    description: 'Uploaded XML stops any refreshing from a URL; `{"url"}` fetches now and refreshes from that URL from then on.',
  })
  @ApiConsumes('application/xml', 'application/json')
  @ApiBody(metadataBody)
  @ApiQuery({ name: 'handle', required: false, example: 'Okta' })
  @ApiQuery({ ...allowIdpInitiatedQuery, description: `${allowIdpInitiatedQuery.description} Absent: unchanged.` })
  @ApiQuery({ ...singleLogoutQuery, description: `${singleLogoutQuery.description} Absent: unchanged.` })
  @ApiOkResponse({ type: IdpDto })
  @ApiResponse({ status: 400, description: '`invalid-metadata`, `idp-issuer-in-use`, `idp-must-be-https`' })
  @ApiResponse({ ...forbidden, description: `${forbidden.description} or \`sso-disabled\`` })
  @ApiResponse(notFound)
  @ApiResponse({ status: 409, description: '`idp-duplicate-domain-for-team` (multi-ingress: another IdP of the team has this `Z-Host`)' })
  @ApiHeader({
    ...Z_HOST_DOC,
    description: `${Z_HOST_DOC.description} The IdP's \`extraInfo.domain\` becomes this host when configured, else null.`,
  })
  update(
    @CurrentUser() uid: UserId,
    @Param('id') id: string,
    @Body() body: unknown,
    @Query('handle') handle: string | undefined,
    @Query('allow_idp_initiated') allowIdpInitiated: string | undefined,
    @Query('single_logout') singleLogout: string | undefined,
    @ZHost() zHost: string | undefined,
  ): Promise<IdpDto> {
    return this.handler.update(
      uid,
      id,
      metadataOf(body),
      handle,
      { allow_idp_initiated: allowIdpInitiated, single_logout: singleLogout },
      zHost,
    );
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an IdP', description: 'Refused with 412 while users are bound to it, unless purge=true deletes them.' })
  @ApiQuery({ name: 'purge', required: false, example: 'false' })
  @ApiNoContentResponse()
  @ApiResponse(forbidden)
  @ApiResponse(notFound)
  @ApiResponse({ status: 409, description: '`cannot-delete-own-idp`' })
  @ApiResponse({ status: 412, description: '`idp-has-bound-users`' })
  async delete(@CurrentUser() uid: UserId, @Param('id') id: string, @Query('purge') purge: string | undefined): Promise<void> {
    await this.handler.delete(uid, id, purge === 'true');
  }
}
