export * from './runner';
export * from './types';
