export * from './ids';
export * from './clock';
export * from './errors';
export * from './identity';
export * from './text';
export * from './mail';
