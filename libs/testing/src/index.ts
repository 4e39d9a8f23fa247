export * from './cassandra';
export * from './cql-schema';
