import type { AppSpec } from './bootstrap';
import { StoresModule } from './stores.module';

// Test helper: only spec files import it, so the build (tools/build.mjs) leaves it out of dist/.

/** A test app on token-admin's port config, on the memory stores, that serves `module`'s controllers and takes SCIM JSON bodies as JSON. */
export function testAppSpec(module: AppSpec['imports'][number]): AppSpec {
  return {
    name: 'token-admin',
    title: 'test',
    description: 'test app',
    imports: [StoresModule.forRoot({ backend: 'memory' }), module],
    port: (c) => c.ports.tokenAdmin,
    jsonContentTypes: ['application/scim+json'],
  };
}
