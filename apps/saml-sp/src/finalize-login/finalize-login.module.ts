import { Module } from '@nestjs/common';
import { SessionService } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import { CassandraDb, CassandraIdpLoginOptionsStore, type IdentityStores, type SparStores } from '@sso/persistence';
import { CLOCK, CONFIG, IDENTITY_STORES, SPAR_STORES } from '@sso/platform';
import { spSettings } from '../sp-settings';
import { FinalizeLoginController } from './finalize-login.controller';
import { FinalizeLoginHandler } from './finalize-login.handler';
import { UserResolution } from './user-resolution';

@Module({
  controllers: [FinalizeLoginController],
  providers: [
    {
      provide: FinalizeLoginHandler,
      inject: [SPAR_STORES, IDENTITY_STORES, CassandraDb, SessionService, CONFIG, CLOCK],
      useFactory: (spar: SparStores, identity: IdentityStores, db: CassandraDb, sessions: SessionService, config: Config, clock: Clock) =>
        new FinalizeLoginHandler(spar, new CassandraIdpLoginOptionsStore(db), new UserResolution(spar, identity), sessions, spSettings(config), config, clock),
    },
  ],
})
export class FinalizeLoginModule {}
