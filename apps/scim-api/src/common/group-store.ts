// The group tables are bound by the app's composition root (platform's StoresModule); Users need
// them too (a deleted user leaves its groups, a user shows its groups).
export { SCIM_GROUPS } from '@sso/platform';
