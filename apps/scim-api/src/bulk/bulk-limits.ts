import type { Config } from '@sso/config';
import type { BulkLimits } from './bulk-request';

/** The Bulk limits in force and advertised: the payload cap never above the body limit, which refuses first. */
export const bulkLimits = (config: Config): BulkLimits => ({
  maxOperations: config.scim.bulkMaxOperations,
  maxPayloadSize: Math.min(config.scim.bulkMaxPayloadSize, config.http.bodyLimit),
});
