import { afterAll, beforeAll } from 'vitest';
import { TestIdp } from '@sso/testing';
import type { SamlHarness } from './harness';

/**
 * Starts `h` and one fresh test IdP before the enclosing describe block and stops `h` after it;
 * `gotIdp` receives the IdP (the suites keep it in a `let`, so their tests read it as `idp`).
 */
export function runWithTestIdp(h: SamlHarness, gotIdp: (idp: TestIdp) => void): void {
  beforeAll(async () => {
    await h.start();
    gotIdp(await TestIdp.create());
  });
  afterAll(() => h.stop());
}
