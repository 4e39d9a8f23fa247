export * from './password';
export * from './scim-token';
export * from './signing-keys';
export * from './tokens';
