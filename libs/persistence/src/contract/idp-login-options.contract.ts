import { describe, expect, it } from 'vitest';
import { newIdpId } from '@sso/domain';
import type { IdpLoginOptionsStore } from '../ports/idp-login-options-store';

export function idpLoginOptionsContract(label: string, make: () => IdpLoginOptionsStore): void {
  describe(`IdpLoginOptionsStore (idp_login_options): ${label}`, () => {
    it('is off by default, follows what is set, per IdP, and forgets a deleted IdP', async () => {
      const store = make();
      const [a, b] = [newIdpId(), newIdpId()];
      expect((await store.get(a)).idpInitiated).toBe(false);
      await store.setIdpInitiated(a, true);
      expect((await store.get(a)).idpInitiated).toBe(true);
      expect((await store.get(a.toUpperCase() as typeof a)).idpInitiated).toBe(true);
      expect((await store.get(b)).idpInitiated).toBe(false);
      await store.setIdpInitiated(a, false);
      expect((await store.get(a)).idpInitiated).toBe(false);
      await store.setIdpInitiated(a, true);
      await store.delete(a);
      await store.delete(b);
      expect((await store.get(a)).idpInitiated).toBe(false);
    });

    it('keeps the SSO binding apart from the IdP-initiated flag: POST by default, Redirect when set, forgotten on delete', async () => {
      const store = make();
      const [a, b] = [newIdpId(), newIdpId()];
      expect((await store.get(a)).ssoBinding).toBe('HTTP-POST');
      await store.setSsoBinding(a, 'HTTP-Redirect');
      expect((await store.get(a)).ssoBinding).toBe('HTTP-Redirect');
      expect((await store.get(a.toUpperCase() as typeof a)).ssoBinding).toBe('HTTP-Redirect');
      expect((await store.get(b)).ssoBinding).toBe('HTTP-POST');
      expect((await store.get(a)).idpInitiated).toBe(false);
      await store.setIdpInitiated(a, true);
      expect((await store.get(a)).ssoBinding).toBe('HTTP-Redirect');
      await store.setSsoBinding(a, 'HTTP-POST');
      expect((await store.get(a)).ssoBinding).toBe('HTTP-POST');
      expect((await store.get(a)).idpInitiated).toBe(true);
      await store.setSsoBinding(a, 'HTTP-Redirect');
      await store.delete(a);
      expect((await store.get(a)).ssoBinding).toBe('HTTP-POST');
      expect((await store.get(a)).idpInitiated).toBe(false);
    });

    it('keeps the Single Logout opt-in apart from the other options: off by default, forgotten on delete', async () => {
      const store = make();
      const [a, b] = [newIdpId(), newIdpId()];
      expect((await store.get(a)).singleLogout).toBe(false);
      await store.setSingleLogout(a, true);
      await store.setSsoBinding(a, 'HTTP-Redirect');
      expect(await store.get(a.toUpperCase() as typeof a)).toEqual({
        idpInitiated: false,
        ssoBinding: 'HTTP-Redirect',
        singleLogout: true,
      });
      expect((await store.get(b)).singleLogout).toBe(false);
      await store.setSingleLogout(a, false);
      expect((await store.get(a)).singleLogout).toBe(false);
      await store.setSingleLogout(a, true);
      await store.delete(a);
      expect((await store.get(a)).singleLogout).toBe(false);
    });
  });
}
