export * from '@sso/persistence/testing';
export * from './apps';
export * from './saml-idp';
export * from './https-server';
export * from './self-signed';
export * from './saml-encrypt';
export * from './ports';
export * from './mailpit';
