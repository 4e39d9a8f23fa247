import { newUserId } from '@sso/domain';
import { describe, expect, it } from 'vitest';
import { compareText } from '../memory/ordering';
import { InvalidCursorError, type Page } from '../ports/paging';
import type { SamlUserRecord } from '../ports/saml-user-store';
import type { GetEnv } from './env.contract';
import { awkwardNames, inChunks, issuerUrl } from './env.contract';

const nameIdXml = (n: string) =>
  `<NameID xmlns="urn:oasis:names:tc:SAML:2.0:assertion" Format="urn:oasis:names:tc:SAML:1.1:nameid-format:unspecified">${n}</NameID>`;
const user = (issuer: string, n: string): SamlUserRecord => ({
  issuer,
  normalizedNameId: n.toLowerCase(),
  ssoId: nameIdXml(n),
  uid: newUserId(),
});

/** Walks every page, round-tripping each cursor through JSON as an HTTP client would. */
export async function allPages<T>(list: (cursor: string | null) => Promise<Page<T>>): Promise<{ items: T[]; sizes: number[] }> {
  const items: T[] = [];
  const sizes: number[] = [];
  let cursor: string | null = null;
  do {
    const page: Page<T> = await list(cursor);
    items.push(...page.items);
    sizes.push(page.items.length);
    cursor = page.cursor === null ? null : (JSON.parse(JSON.stringify(page.cursor)) as string);
    if (sizes.length > 100) throw new Error('paging does not end');
  } while (cursor !== null);
  return { items, sizes };
}

export function samlUserContract(env: GetEnv): void {
  describe('SamlUserStore (user_v2, legacy user)', () => {
    it('inserts, gets and overwrites a SAML identity', async () => {
      const { stores } = env();
      const u = user(issuerUrl(), 'Alice@Example.com');
      await stores.samlUsers.insert(u);
      expect(await stores.samlUsers.get(u.issuer, u.normalizedNameId)).toEqual(u);
      const moved = { ...u, uid: newUserId() };
      await stores.samlUsers.insert(moved);
      expect(await stores.samlUsers.get(u.issuer, u.normalizedNameId)).toEqual(moved);
      expect(await stores.samlUsers.get(issuerUrl(), u.normalizedNameId)).toBeNull();
    });

    it('lookup prefers user_v2, else migrates a legacy user row into user_v2', async () => {
      const { stores, legacy } = env();
      const issuer = issuerUrl();
      const u = user(issuer, 'bob');
      await legacy.user(issuer, u.ssoId, u.uid);
      expect(await stores.samlUsers.get(issuer, 'bob')).toBeNull();
      expect(await stores.samlUsers.lookup(issuer, 'bob', u.ssoId)).toEqual(u);
      expect(await stores.samlUsers.get(issuer, 'bob')).toEqual(u); // copied

      const v2 = user(issuer, 'carol');
      await stores.samlUsers.insert(v2);
      await legacy.user(issuer, v2.ssoId, newUserId()); // a stale legacy row loses against user_v2
      expect(await stores.samlUsers.lookup(issuer, 'carol', v2.ssoId)).toEqual(v2);

      expect(await stores.samlUsers.lookup(issuer, 'dave', nameIdXml('dave'))).toBeNull();
      expect(await stores.samlUsers.lookup(issuerUrl(), 'bob', u.ssoId)).toBeNull(); // another issuer
    });

    it('delete removes the user_v2 row and its legacy row, so lookup cannot resurrect it', async () => {
      const { stores, legacy } = env();
      const issuer = issuerUrl();
      const u = user(issuer, 'erin');
      await legacy.user(issuer, u.ssoId, u.uid);
      await stores.samlUsers.lookup(issuer, 'erin', u.ssoId);
      const other = user(issuer, 'frank');
      await stores.samlUsers.insert(other);
      await stores.samlUsers.delete(issuer, 'erin');
      expect(await stores.samlUsers.lookup(issuer, 'erin', u.ssoId)).toBeNull();
      expect(await stores.samlUsers.get(issuer, 'frank')).toEqual(other);
      await stores.samlUsers.delete(issuer, 'nobody'); // no-op
    });

    it('pages 250 rows of one issuer by 100: every row once, in UTF-8 clustering order, no other issuer', async () => {
      const { stores } = env();
      const issuer = issuerUrl();
      const other = issuerUrl();
      const rows = awkwardNames(250, 'u').map((n) => ({ ...user(issuer, n), normalizedNameId: n }));
      await inChunks(rows, (r) => stores.samlUsers.insert(r));
      await stores.samlUsers.insert(user(other, 'intruder'));
      const { items, sizes } = await allPages((cursor) => stores.samlUsers.listByIssuer(issuer, { limit: 100, cursor }));
      expect(sizes).toEqual([100, 100, 50]);
      expect(items.map((r) => r.normalizedNameId)).toEqual(rows.map((r) => r.normalizedNameId).sort(compareText));
      expect(new Set(items.map((r) => r.uid)).size).toBe(250);
      expect(items.every((r) => r.issuer === issuer)).toBe(true);
      const byName = new Map(rows.map((r) => [r.normalizedNameId, r]));
      expect(items.every((r) => JSON.stringify(r) === JSON.stringify(byName.get(r.normalizedNameId)))).toBe(true);
    });

    it('a full last page carries a cursor and the next page is empty (as Cassandra pages)', async () => {
      const { stores } = env();
      const issuer = issuerUrl();
      await inChunks(awkwardNames(200, 'p'), (n) => stores.samlUsers.insert({ ...user(issuer, n), normalizedNameId: n }));
      const { items, sizes } = await allPages((cursor) => stores.samlUsers.listByIssuer(issuer, { limit: 100, cursor }));
      expect(sizes).toEqual([100, 100, 0]);
      expect(new Set(items.map((i) => i.normalizedNameId)).size).toBe(200);
      expect(await stores.samlUsers.listByIssuer(issuerUrl())).toEqual({ items: [], cursor: null });
    });

    it('refuses a cursor made for another issuer, a mangled cursor and a bad limit', async () => {
      const { stores } = env();
      const a = issuerUrl();
      await inChunks(['x', 'y', 'z'], (n) => stores.samlUsers.insert(user(a, n)));
      const first = await stores.samlUsers.listByIssuer(a, { limit: 2 });
      expect(first.items.map((i) => i.normalizedNameId)).toEqual(['x', 'y']);
      expect(first.cursor).not.toBeNull();
      await expect(stores.samlUsers.listByIssuer(issuerUrl(), { limit: 2, cursor: first.cursor })).rejects.toThrow(InvalidCursorError);
      await expect(stores.samlUsers.listByIssuer(a, { limit: 2, cursor: 'not-a-cursor' })).rejects.toThrow(InvalidCursorError);
      await expect(stores.samlUsers.listByIssuer(a, { limit: 0 })).rejects.toThrow(RangeError);
      const second = await stores.samlUsers.listByIssuer(a, { limit: 2, cursor: first.cursor });
      expect(second.items.map((i) => i.normalizedNameId)).toEqual(['z']);
      expect(second.cursor).toBeNull();
    });

    it("deleteAllByIssuer removes the issuer's user_v2 and legacy rows, and no other issuer's", async () => {
      const { stores, legacy } = env();
      const issuer = issuerUrl();
      const other = issuerUrl();
      const u = user(issuer, 'gina');
      await stores.samlUsers.insert(u);
      await legacy.user(issuer, nameIdXml('legacy-only'), newUserId());
      const keep = user(other, 'gina');
      await stores.samlUsers.insert(keep);
      await stores.samlUsers.deleteAllByIssuer(issuer);
      expect((await stores.samlUsers.listByIssuer(issuer)).items).toEqual([]);
      expect(await stores.samlUsers.lookup(issuer, 'legacy-only', nameIdXml('legacy-only'))).toBeNull();
      expect(await stores.samlUsers.get(other, 'gina')).toEqual(keep);
    });
  });
}
