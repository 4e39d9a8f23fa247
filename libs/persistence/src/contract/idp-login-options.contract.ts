import { describe, expect, it } from 'vitest';
import { newIdpId } from '@sso/domain';
import type { IdpLoginOptionsStore } from '../ports/idp-login-options-store';

export function idpLoginOptionsContract(label: string, make: () => IdpLoginOptionsStore): void {
  describe(`IdpLoginOptionsStore (idp_login_options): ${label}`, () => {
    it('is off by default, follows what is set, per IdP, and forgets a deleted IdP', async () => {
      const store = make();
      const [a, b] = [newIdpId(), newIdpId()];
      expect(await store.allowsIdpInitiated(a)).toBe(false);
      await store.setIdpInitiated(a, true);
      expect(await store.allowsIdpInitiated(a)).toBe(true);
      expect(await store.allowsIdpInitiated(a.toUpperCase() as typeof a)).toBe(true);
      expect(await store.allowsIdpInitiated(b)).toBe(false);
      await store.setIdpInitiated(a, false);
      expect(await store.allowsIdpInitiated(a)).toBe(false);
      await store.setIdpInitiated(a, true);
      await store.delete(a);
      await store.delete(b);
      expect(await store.allowsIdpInitiated(a)).toBe(false);
    });
  });
}
