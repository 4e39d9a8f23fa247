import { FakeClock } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { memorySparStores } from '../memory';
import { compareText, compareUuid } from '../memory/ordering';
import { sparStoreContract } from './spar.contract';

sparStoreContract('in-memory twins', async () => {
  const clock = new FakeClock();
  const stores = memorySparStores(clock);
  const t = stores.tables;
  return {
    stores,
    now: () => clock.now(),
    elapse: async (seconds) => clock.advance(Math.round(seconds * 1000)),
    legacy: {
      user: async (issuer, ssoId, uid) => t.seedLegacyUser(issuer, ssoId, uid),
      issuer: async (issuer, idp) => t.seedLegacyIssuer(issuer, idp),
      plaintextToken: async (r) =>
        t.seedPlaintextToken({
          tokenKey: r.tokenKey,
          team: r.team,
          id: r.id,
          createdAt: r.createdAt,
          idp: r.idp,
          description: r.description,
          name: r.name,
        }),
    },
  };
});

describe('twin clustering orders', () => {
  it('orders text by UTF-8 bytes, not UTF-16 code units', () => {
    expect('\u{1F600}' < '\uFFFD').toBe(true); // JavaScript's order
    expect(compareText('\u{1F600}', '\uFFFD')).toBeGreaterThan(0); // Cassandra's
    expect(compareText('a', 'b')).toBeLessThan(0);
    expect(compareText('', 'a')).toBeLessThan(0);
  });

  it('orders uuids by version, then v1 by timestamp, others unsigned by bytes', () => {
    const v1Early = '00000001-ffff-1000-8000-000000000000'; // time_hi 0x000, time_low 1
    const v1Late = 'ffffffff-0000-1001-8000-000000000000'; // time_hi 0x001: later despite smaller bytes
    expect(compareUuid(v1Early, v1Late)).toBeLessThan(0);
    expect(compareUuid(v1Late, '00000000-0000-4000-8000-000000000000')).toBeLessThan(0); // version 1 < 4
    expect(compareUuid('00000000-0000-4000-0000-000000000000', '00000000-0000-4000-ffff-000000000000')).toBeLessThan(0);
    expect(compareUuid('ffffffff-0000-4000-8000-000000000000', '0fffffff-0000-4000-8000-000000000000')).toBeGreaterThan(0);
    expect(compareUuid('00000000-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000')).toBe(0);
  });
});
