import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Config } from '@sso/config';
import { CONFIG, LOGGER } from '@sso/platform';
import { IdpMetadataRefresher } from './idp-metadata-refresher';

/**
 * Runs the refresher every `saml.metadataRefreshSeconds`, jittered by ±10 % so replicas do not
 * tick together; the per-IdP lease (LWT) keeps two replicas from refreshing one IdP at once.
 */
@Injectable()
export class IdpMetadataRefreshScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    @Inject(IdpMetadataRefresher) private readonly refresher: IdpMetadataRefresher,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.saml.metadataRefreshSeconds > 0) this.schedule();
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    const ms = this.config.saml.metadataRefreshSeconds * 1000 * (0.9 + Math.random() * 0.2);
    this.timer = setTimeout(() => {
      this.refresher
        .refreshDue()
        .then((c) => this.log.info({ refresh: c }, 'idp metadata refresh round done'))
        .catch((e: Error) => this.log.error({ err: e }, 'idp metadata refresh round failed'))
        .finally(() => this.schedule());
    }, ms);
    this.timer.unref();
  }
}
