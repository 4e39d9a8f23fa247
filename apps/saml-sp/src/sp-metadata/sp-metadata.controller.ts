import { Controller, Get, Header, Inject, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiHeader, ApiOkResponse, ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Config } from '@sso/config';
import { type Clock, teamId } from '@sso/domain';
import type { IdpLoginOptionsStore, SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDP_LOGIN_OPTIONS, SPAR_STORES } from '@sso/platform';
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
    @Inject(SPAR_STORES) private readonly spar: SparStores,
    @Inject(IDP_LOGIN_OPTIONS) private readonly options: IdpLoginOptionsStore,
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
  @ApiOperation({
    summary: "SP metadata with the team's (v2) entity id",
    description: 'Lists the SingleLogoutService (HTTP-Redirect and HTTP-POST) when an IdP of the team takes part in single logout.',
  })
  @ApiProduces('application/xml')
  @ApiOkResponse({ schema: { type: 'string', example: EXAMPLE } })
  @ApiResponse({ status: 400, description: '`bad-request`: the team is not a UUID' })
  @ApiHeader(Z_HOST_DOC)
  @ApiResponse(NO_SP)
  async v2(@Param('team', new ParseUUIDPipe()) team: string, @ZHost() zHost: string | undefined): Promise<string> {
    const sp = this.sps.forHost(zHost);
    const idps = await this.spar.idps.listByTeam(teamId(team));
    const options = await Promise.all(idps.map((idp) => this.options.get(idp.id)));
    return renderSpMetadata(sp, teamId(team), this.clock.now(), { singleLogout: options.some((o) => o.singleLogout) });
  }
}
