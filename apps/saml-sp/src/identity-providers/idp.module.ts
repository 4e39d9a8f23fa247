import fs from 'node:fs';
import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import { TeamAccess } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { IdentityStores, IdpDomainStore, IdpLoginOptionsStore, IdpMetadataSourceStore, SparStores } from '@sso/persistence';
import {
  ACTIVITY_RECORDER,
  type ActivityRecorder,
  CLOCK,
  CONFIG,
  IDENTITY_STORES,
  IDP_DOMAINS,
  IDP_LOGIN_OPTIONS,
  IDP_METADATA_SOURCES,
  LOGGER,
  SPAR_STORES,
} from '@sso/platform';
import { type MetadataFetcher, metadataFetcher } from '@sso/saml';
import { SpSelector } from '../sp-settings';
import { IdpMetadataRefreshScheduler } from '../refresh-idp-metadata/idp-metadata-refresh.scheduler';
import { IdpMetadataRefresher } from '../refresh-idp-metadata/idp-metadata-refresher';
import { IdpBodyErrorHooks } from './idp-body-errors';
import { IdpController } from './idp.controller';
import { IdpHandler } from './idp.handler';

export { IDP_DOMAINS, IDP_METADATA_SOURCES } from '@sso/platform';
export const METADATA_FETCHER = Symbol('METADATA_FETCHER');

@Module({
  controllers: [IdpController],
  providers: [
    {
      provide: METADATA_FETCHER,
      inject: [CONFIG],
      useFactory: (config: Config): MetadataFetcher =>
        metadataFetcher({
          allowLoopback: config.saml.metadataAllowLoopback,
          extraCa: config.saml.metadataCaFile ? fs.readFileSync(config.saml.metadataCaFile, 'utf8') : undefined,
        }),
    },
    {
      provide: IdpHandler,
      inject: [
        SPAR_STORES,
        IDENTITY_STORES,
        IDP_METADATA_SOURCES,
        IDP_LOGIN_OPTIONS,
        METADATA_FETCHER,
        CLOCK,
        CONFIG,
        IDP_DOMAINS,
        ACTIVITY_RECORDER,
      ],
      useFactory: (
        spar: SparStores,
        identity: IdentityStores,
        sources: IdpMetadataSourceStore,
        options: IdpLoginOptionsStore,
        fetcher: MetadataFetcher,
        clock: Clock,
        config: Config,
        domains: IdpDomainStore,
        activity: ActivityRecorder,
      ) =>
        new IdpHandler(
          spar,
          identity,
          new TeamAccess(identity.teams),
          sources,
          options,
          fetcher,
          clock,
          config.features.sso === 'enabled-by-default',
          new SpSelector(config),
          domains,
          activity,
        ),
    },
    {
      provide: IdpMetadataRefresher,
      inject: [SPAR_STORES, IDP_METADATA_SOURCES, IDP_LOGIN_OPTIONS, METADATA_FETCHER, CLOCK, LOGGER, CONFIG, ACTIVITY_RECORDER],
      useFactory: (
        spar: SparStores,
        sources: IdpMetadataSourceStore,
        options: IdpLoginOptionsStore,
        fetcher: MetadataFetcher,
        clock: Clock,
        log: Logger,
        config: Config,
        activity: ActivityRecorder,
      ) => new IdpMetadataRefresher(spar, sources, options, fetcher, clock, log, config.saml.metadataRefreshSeconds, activity),
    },
    IdpMetadataRefreshScheduler,
    IdpBodyErrorHooks,
  ],
  // The internal API lists a team's IdPs as the public list does, and deletes them with their sources.
  exports: [IdpHandler],
})
export class IdpModule {}
