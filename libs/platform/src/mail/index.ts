export * from './templates';
export * from './mailer';
export * from './outbox-worker';
export * from './mail.module';
