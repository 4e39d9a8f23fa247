export * from './xml';
export * from './idp-metadata';
export * from './sp';
export * from './authn-request';
export * from './verdict';
export * from './name-id';
export * from './response';
export * from './metadata-fetch';
