export * from './cassandra/db';
export * from './migrations';
export * from './ports';
export * from './cassandra/spar-store';
export * from './memory';
export * from './cassandra/identity-stores';
export { CassandraScimUserDocStore } from './cassandra/scim-user-doc-store';
export { CassandraIdpMetadataSourceStore } from './cassandra/idp-metadata-source-store';
export { CassandraScimGroupStore } from './cassandra/scim-group-store';
