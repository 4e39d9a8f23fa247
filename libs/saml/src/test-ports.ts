import { DomainError } from '@sso/domain';
import { keyInfoXml } from './idp-metadata';
import type { ResponsePorts } from './response';

/**
 * In-memory ports for validateResponse specs: one IdP (the issuer and certificate `idp()` gives
 * at call time), the requests the spec issued (`requests`: id → IdP issuer) and a replay cache.
 */
export function memoryResponsePorts(idp: () => { issuer: string; certBase64: string }): {
  ports: () => ResponsePorts;
  requests: Map<string, string>;
  claimed: Set<string>;
} {
  const requests = new Map<string, string>();
  const claimed = new Set<string>();
  const ports = (): ResponsePorts => ({
    findIdp: async (issuer) => {
      const { issuer: known, certBase64 } = idp();
      if (issuer !== known) throw new DomainError('not-found', 'Could not find IdP.');
      return { id: 'idp-1', issuer, certs: [keyInfoXml(certBase64)] };
    },
    consumeRequest: async (id, issuer) => {
      const sentTo = requests.get(id);
      if (sentTo === undefined) return 'unknown';
      if (sentTo !== issuer) return 'other-idp';
      requests.delete(id);
      return 'consumed';
    },
    allowsIdpInitiated: async () => false,
    claimAssertion: async (id) => (claimed.has(id) ? false : (claimed.add(id), true)),
  });
  return { ports, requests, claimed };
}
