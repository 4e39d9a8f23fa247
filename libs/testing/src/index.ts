export * from '@sso/persistence/testing';
export * from './apps';
