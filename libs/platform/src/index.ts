export * from './api-version';
export * from './bootstrap';
export * from './error-status';
export * from './logger';
export * from './metrics';
export * from './platform.module';
export * from './tokens';
export * from './wire-error';
