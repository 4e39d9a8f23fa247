import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { GetEnv } from './env.contract';
import { concurrently } from './env.contract';

const reqId = () => `_${randomUUID()}`;

export function authnRequestContract(env: GetEnv): void {
  describe('AuthnRequestStore (authreq, verdict)', () => {
    it('stores a request with its IdP issuer and end of life = now + TTL', async () => {
      const { stores, now } = env();
      const id = reqId();
      const before = now().getTime();
      expect(await stores.authnRequests.put(id, 'https://idp.example.com/a', 2)).toBe(true);
      const after = now().getTime();
      const rec = await stores.authnRequests.get(id);
      expect(rec).toMatchObject({ id, idpIssuer: 'https://idp.example.com/a' });
      expect(rec!.endOfLife.getTime()).toBeGreaterThanOrEqual(before + 2000);
      expect(rec!.endOfLife.getTime()).toBeLessThanOrEqual(after + 2000);
      expect(await stores.authnRequests.get(reqId())).toBeNull();
    });

    it('refuses to overwrite a live request id', async () => {
      const { stores } = env();
      const id = reqId();
      expect(await stores.authnRequests.put(id, 'first', 60)).toBe(true);
      expect(await stores.authnRequests.put(id, 'second', 60)).toBe(false);
      expect((await stores.authnRequests.get(id))?.idpIssuer).toBe('first');
    });

    it('consume by its IdP succeeds once, then the request is gone', async () => {
      const { stores } = env();
      const id = reqId();
      await stores.authnRequests.put(id, 'iss', 60);
      expect(await stores.authnRequests.consume(id, 'iss')).toBe('consumed');
      expect(await stores.authnRequests.consume(id, 'iss')).toBe('unknown');
      expect(await stores.authnRequests.get(id)).toBeNull();
      expect(await stores.authnRequests.consume(reqId(), 'iss')).toBe('unknown');
    });

    it('consume by another IdP leaves the request for the IdP it was sent to', async () => {
      const { stores } = env();
      const id = reqId();
      await stores.authnRequests.put(id, 'iss', 60);
      expect(await stores.authnRequests.consume(id, 'other')).toBe('other-idp');
      expect((await stores.authnRequests.get(id))?.idpIssuer).toBe('iss');
      expect(await stores.authnRequests.consume(id, 'iss')).toBe('consumed');
    });

    it('of 20 concurrent consumers of one request exactly one gets it', async () => {
      const { stores } = env();
      const id = reqId();
      await stores.authnRequests.put(id, 'iss', 60);
      const got = await concurrently(20, () => stores.authnRequests.consume(id, 'iss'));
      expect(got.filter((r) => r === 'consumed')).toHaveLength(1);
      expect(got.filter((r) => r === 'unknown')).toHaveLength(19);
    });

    it('delete removes a request; deleting an unknown id is a no-op', async () => {
      const { stores } = env();
      const id = reqId();
      await stores.authnRequests.put(id, 'iss', 60);
      await stores.authnRequests.delete(id);
      await stores.authnRequests.delete(reqId());
      expect(await stores.authnRequests.get(id)).toBeNull();
    });

    it('round-trips web and mobile verdicts, with and without a cookie label', async () => {
      const { stores } = env();
      const web = reqId();
      const mobile = reqId();
      await stores.authnRequests.putVerdict(web, { format: { kind: 'web' }, cookieLabel: null }, 60);
      const m = {
        kind: 'mobile' as const,
        successRedirect: 'wire://login-success?cookie=$cookie&userid=$userid',
        errorRedirect: 'wire://login-error?label=$label',
      };
      await stores.authnRequests.putVerdict(mobile, { format: m, cookieLabel: 'my-phone' }, 60);
      expect(await stores.authnRequests.getVerdict(web)).toEqual({ format: { kind: 'web' }, cookieLabel: null });
      expect(await stores.authnRequests.getVerdict(mobile)).toEqual({ format: m, cookieLabel: 'my-phone' });
      expect(await stores.authnRequests.getVerdict(reqId())).toBeNull();
    });

    it('round-trips the enterprise-login page verdict (format_con 2), apart from web and mobile', async () => {
      const { stores } = env();
      const page = reqId();
      const web = reqId();
      await stores.authnRequests.putVerdict(page, { format: { kind: 'page' }, cookieLabel: null }, 60);
      await stores.authnRequests.putVerdict(web, { format: { kind: 'web' }, cookieLabel: 'l' }, 60);
      expect(await stores.authnRequests.getVerdict(page)).toEqual({ format: { kind: 'page' }, cookieLabel: null });
      expect(await stores.authnRequests.getVerdict(web)).toEqual({ format: { kind: 'web' }, cookieLabel: 'l' });
    });

    it('expires requests and verdicts by TTL (the verdict lives twice as long); an expired id can be reused', async () => {
      const { stores, elapse } = env();
      const id = reqId();
      await stores.authnRequests.put(id, 'iss', 2);
      await stores.authnRequests.putVerdict(id, { format: { kind: 'web' }, cookieLabel: 'l' }, 4);
      expect(await stores.authnRequests.get(id)).not.toBeNull();
      await elapse(2.2);
      expect(await stores.authnRequests.get(id)).toBeNull();
      expect(await stores.authnRequests.consume(id, 'iss')).toBe('unknown');
      expect(await stores.authnRequests.getVerdict(id)).toEqual({ format: { kind: 'web' }, cookieLabel: 'l' });
      await elapse(2.2);
      expect(await stores.authnRequests.getVerdict(id)).toBeNull();
      expect(await stores.authnRequests.put(id, 'again', 60)).toBe(true);
      expect((await stores.authnRequests.get(id))?.idpIssuer).toBe('again');
    });

    it('refuses TTLs Cassandra would misread (0 means forever) or cannot store', async () => {
      const { stores } = env();
      for (const ttl of [0, -1, 1.5, 630_720_001]) {
        await expect(stores.authnRequests.put(reqId(), 'iss', ttl)).rejects.toThrow(RangeError);
        await expect(stores.authnRequests.putVerdict(reqId(), { format: { kind: 'web' }, cookieLabel: null }, ttl)).rejects.toThrow(
          RangeError,
        );
        await expect(stores.assertionReplay.claim(reqId(), ttl)).rejects.toThrow(RangeError);
      }
    });
  });
}

export function assertionReplayContract(env: GetEnv): void {
  describe('AssertionReplayStore (authresp)', () => {
    it('accepts an assertion id once, then refuses the replay', async () => {
      const { stores } = env();
      const id = reqId();
      expect(await stores.assertionReplay.claim(id, 60)).toBe(true);
      expect(await stores.assertionReplay.claim(id, 60)).toBe(false);
      expect(await stores.assertionReplay.claim(reqId(), 60)).toBe(true);
    });

    it('of 20 concurrent claims of one assertion exactly one is accepted', async () => {
      const { stores } = env();
      const id = reqId();
      const got = await concurrently(20, () => stores.assertionReplay.claim(id, 60));
      expect(got.filter(Boolean)).toHaveLength(1);
    });

    it('forgets an assertion id when its TTL runs out', async () => {
      const { stores, elapse } = env();
      const id = reqId();
      expect(await stores.assertionReplay.claim(id, 2)).toBe(true);
      expect(await stores.assertionReplay.claim(id, 2)).toBe(false);
      await elapse(2.2);
      expect(await stores.assertionReplay.claim(id, 2)).toBe(true);
    });
  });
}
