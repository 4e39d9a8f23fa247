import type { AppName } from './schema';
import table from './routes.json';

/**
 * The public route table: which app serves which path prefix. The dev gateway and the Helm
 * ingress are both generated from routes.json, so they cannot drift apart. Internal routes
 * (/i/...) are never public.
 */
export interface PublicRoute {
  prefix: string;
  app: AppName;
}

export const publicRoutes: readonly PublicRoute[] = table.routes as PublicRoute[];

/** Wire clients may put an API version in front of any public path: /v7/scim/auth-tokens. */
const versionPrefix = /^\/v(\d{1,2})(?=\/)/;

/** The app that serves `path` publicly, or undefined (unknown path, or an internal route). */
export function routeFor(path: string): AppName | undefined {
  const bare = path.split('?')[0].replace(versionPrefix, '');
  if (bare === '/i' || bare.startsWith('/i/')) return undefined;
  for (const r of publicRoutes) {
    if (bare === r.prefix || bare.startsWith(`${r.prefix}/`)) return r.app;
  }
  return undefined;
}
