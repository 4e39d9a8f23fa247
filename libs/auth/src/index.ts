export * from './password';
export * from './scim-token';
export * from './signing-keys';
export * from './tokens';
export * from './sessions';
export * from './team-access';
export * from './scim-token-verifier';
export * from './email-links';
