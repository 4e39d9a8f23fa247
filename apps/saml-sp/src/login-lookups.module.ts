import { Module } from '@nestjs/common';

// The login caches are bound by the app's composition root (platform's StoresModule, from
// persistence's openStores); these names stay importable from here.
export { IDP_LOGIN_OPTIONS, LOGIN_LOOKUPS } from '@sso/platform';
export type { LoginLookups } from '@sso/persistence';

/** Empty: IDP_LOGIN_OPTIONS and LOGIN_LOOKUPS are global (StoresModule). Kept so that modules importing it still compile. */
@Module({})
export class LoginLookupsModule {}
