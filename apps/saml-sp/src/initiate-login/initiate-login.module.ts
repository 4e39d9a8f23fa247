import { Module } from '@nestjs/common';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import { CassandraDb, CassandraIdpLoginOptionsStore, type SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, SPAR_STORES } from '@sso/platform';
import { spSettings } from '../sp-settings';
import { InitiateLoginController } from './initiate-login.controller';
import { InitiateLoginHandler } from './initiate-login.handler';

@Module({
  controllers: [InitiateLoginController],
  providers: [
    {
      provide: InitiateLoginHandler,
      inject: [SPAR_STORES, CassandraDb, CONFIG, CLOCK],
      useFactory: (spar: SparStores, db: CassandraDb, config: Config, clock: Clock) =>
        new InitiateLoginHandler(spar, new CassandraIdpLoginOptionsStore(db), spSettings(config), clock, config.saml.maxttlAuthreq),
    },
  ],
})
export class InitiateLoginModule {}
