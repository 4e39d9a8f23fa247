// Test helpers that belong to persistence (its own tests use them, so they cannot live in the
// testing lib, which builds on persistence). Re-exported by @sso/testing for everyone else.
export * from './cassandra';
export * from './cql-schema';
export * from './fixtures';
