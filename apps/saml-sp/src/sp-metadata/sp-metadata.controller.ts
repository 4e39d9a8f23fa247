import { Controller, Get, Header, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Config } from '@sso/config';
import { type Clock, teamId } from '@sso/domain';
import { CLOCK, CONFIG } from '@sso/platform';
import { renderSpMetadata } from '@sso/saml';
import { spSettings } from '../sp-settings';

const EXAMPLE =
  '<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" ID="_0f8c..." entityID="https://wire.example.com/sso/finalize-login/b8d1f6a0-2a43-4c4e-9d3e-1f1c7a2b3c4d" validUntil="2027-11-30T06:00:00.000Z">…</md:EntityDescriptor>';

@ApiTags('sso')
@Controller('sso/metadata')
export class SpMetadataController {
  constructor(
    @Inject(CONFIG) private readonly config: Config,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get()
  @Header('content-type', 'application/xml')
  @ApiOperation({ summary: 'SP metadata with the v1 (instance-wide) entity id', deprecated: true })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string', example: EXAMPLE } })
  v1(): string {
    return renderSpMetadata(spSettings(this.config), null, this.clock.now());
  }

  @Get(':team')
  @Header('content-type', 'application/xml')
  @ApiOperation({ summary: "SP metadata with the team's (v2) entity id" })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string', example: EXAMPLE } })
  @ApiResponse({ status: 400, description: '`bad-request`: the team is not a UUID' })
  v2(@Param('team', new ParseUUIDPipe()) team: string): string {
    return renderSpMetadata(spSettings(this.config), teamId(team), this.clock.now());
  }
}
