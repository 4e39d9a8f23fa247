import { type TeamId, newIdpId, newTeamId } from '@sso/domain';
import type { IdpRecord } from '../ports/idp-store';

/** An IdP record for tests: of `team`, with `issuer`; any field can be replaced. */
export function testIdpRecord(team: TeamId = newTeamId(), issuer = 'https://idp.example.com', fields: Partial<IdpRecord> = {}): IdpRecord {
  return {
    id: newIdpId(),
    team,
    issuer,
    requestUri: 'https://idp.example.com/sso',
    certs: ['<ds:KeyInfo/>'],
    apiVersion: 2,
    oldIssuers: [],
    replacedBy: null,
    handle: 'IdP 1',
    domain: null,
    ...fields,
  };
}

/** `inner` behind a proxy that counts the calls of `methods` reaching it (what a cache in front lets through). */
export function countingCalls<T extends object>(inner: T, methods: ReadonlyArray<keyof T>): { store: T; calls: () => number } {
  let calls = 0;
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        if (methods.includes(prop as keyof T)) calls++;
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });
  return { store, calls: () => calls };
}
