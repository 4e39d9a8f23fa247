export * from './cassandra/db';
export * from './migrations';
