import { type DynamicModule, Inject, Injectable, Module, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { MailOutboxStore } from '@sso/persistence';
import { Metrics } from '../metrics';
import { LOGGER } from '../platform.module';
import { CLOCK, MAIL_OUTBOX } from '../store-tokens';
import { CONFIG } from '../tokens';
import { type Mailer, SmtpMailer } from './mailer';
import { OutboxWorker } from './outbox-worker';

/** The SMTP mailer (only the app that runs the outbox worker has one). */
export const MAILER = Symbol('MAILER');

/** Runs the worker: at once after a round that did something, else every `mail.worker.intervalMs`. */
@Injectable()
export class OutboxScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    @Inject(OutboxWorker) private readonly worker: OutboxWorker,
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(CONFIG) private readonly config: Config,
    @Inject(LOGGER) private readonly log: Logger,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.mail.worker.enabled) this.schedule(0);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running;
    this.mailer.close();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.worker
        .runOnce()
        .then((r) => r.sent + r.failed + r.givenUp > 0)
        .catch((e: Error) => {
          this.log.warn({ err: { message: e.message } }, 'mail outbox round failed; trying again later');
          return false;
        })
        .then((busy) => this.schedule(busy ? 0 : this.config.mail.worker.intervalMs));
    }, ms);
    this.timer.unref();
  }
}

/**
 * Sending mail: the SMTP mailer and the outbox worker that feeds it. Imported by token-admin only
 * (docs/decisions.md, "Who sends mail"); the other apps only queue mail (MAIL_OUTBOX).
 */
@Module({})
export class MailModule {
  static forRoot(): DynamicModule {
    return {
      module: MailModule,
      providers: [
        { provide: MAILER, inject: [CONFIG], useFactory: (config: Config): Mailer => new SmtpMailer(config.mail) },
        {
          provide: OutboxWorker,
          inject: [MAIL_OUTBOX, MAILER, CLOCK, LOGGER, CONFIG, Metrics],
          useFactory: (store: MailOutboxStore, mailer: Mailer, clock: Clock, log: Logger, config: Config, metrics: Metrics) =>
            new OutboxWorker(store, mailer, clock, log.child({ component: 'mail-outbox' }), config.mail.worker, {
              sent: (kind) => metrics.mailSent.inc({ kind }),
              failed: (kind) => metrics.mailFailed.inc({ kind }),
              givenUp: (kind) => metrics.mailGivenUp.inc({ kind }),
            }),
        },
        OutboxScheduler,
      ],
      exports: [MAILER, OutboxWorker],
    };
  }
}
