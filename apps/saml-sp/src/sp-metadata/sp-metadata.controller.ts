import { Controller, Get, Header, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Config } from '@sso/config';
import { type Clock, teamId } from '@sso/domain';
import { CLOCK, CONFIG } from '@sso/platform';
import { renderSpMetadata } from '@sso/saml';
import { SpSelector, Z_HOST_DOC, ZHost } from '../sp-settings';

const EXAMPLE =
  '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_0f8c..." entityID="https://wire.example.com/sso/finalize-login/b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d" validUntil="2027-11-30T06:00:00.000Z">…</md:EntityDescriptor>';

const NO_SP = {
  status: 404,
  description: '`not-found` "Could not find SP.": multi-ingress, and `Z-Host` is missing or names no configured host',
};

@ApiTags('sso')
@Controller('sso/metadata')
export class SpMetadataController {
  private readonly sps: SpSelector;

  constructor(
    @Inject(CONFIG) config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    this.sps = new SpSelector(config);
  }

  @Get()
  @Header('content-type', 'application/xml')
  @ApiOperation({ summary: 'SP metadata with the v1 (instance-wide) entity id', deprecated: true })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string', example: EXAMPLE } })
  @ApiHeader(Z_HOST_DOC)
  @ApiResponse(NO_SP)
  v1(@ZHost() zHost: string | undefined): string {
    return renderSpMetadata(this.sps.forHost(zHost), null, this.clock.now());
  }

  @Get(':team')
  @Header('content-type', 'application/xml')
  @ApiOperation({ summary: "SP metadata with the team's (v2) entity id" })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string', example: EXAMPLE } })
  @ApiResponse({ status: 400, description: '`bad-request`: the team is not a UUID' })
  @ApiHeader(Z_HOST_DOC)
  @ApiResponse(NO_SP)
  v2(@Param('team', new ParseUUIDPipe()) team: string, @ZHost() zHost: string | undefined): string {
    return renderSpMetadata(this.sps.forHost(zHost), teamId(team), this.clock.now());
  }
}
