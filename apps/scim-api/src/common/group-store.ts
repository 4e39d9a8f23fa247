import type { Provider } from '@nestjs/common';
import { CassandraDb, CassandraScimGroupStore, type ScimGroupStore } from '@sso/persistence';

/** The group tables; Users need them too (a deleted user leaves its groups, a user shows its groups). */
export const SCIM_GROUPS = Symbol('SCIM_GROUPS');

export const scimGroupsProvider: Provider = {
  provide: SCIM_GROUPS,
  inject: [CassandraDb],
  useFactory: (db: CassandraDb): ScimGroupStore => new CassandraScimGroupStore(db),
};
