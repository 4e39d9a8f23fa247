import { type DynamicModule, Global, Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppName, Config } from '@sso/config';
import { InternalController } from './internal.controller';
import { Metrics } from './metrics';
import { APP_NAME, CONFIG } from './tokens';

export const LOGGER = Symbol('LOGGER');

/** What every app gets: config, logger, metrics and the internal routes. The stores come from the app's StoresModule. */
@Global()
@Module({})
export class PlatformModule {
  static forRoot(opts: { app: AppName; config: Config; logger: Logger; metrics: Metrics }): DynamicModule {
    return {
      module: PlatformModule,
      controllers: [InternalController],
      providers: [
        { provide: APP_NAME, useValue: opts.app },
        { provide: CONFIG, useValue: opts.config },
        { provide: LOGGER, useValue: opts.logger },
        { provide: Metrics, useValue: opts.metrics },
      ],
      exports: [APP_NAME, CONFIG, LOGGER, Metrics],
    };
  }
}
