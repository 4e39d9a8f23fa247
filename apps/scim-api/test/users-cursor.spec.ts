import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ScimHarness, userBody } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const LIST = 'urn:ietf:params:scim:api:messages:2.0:ListResponse';

type ListBody = {
  schemas: string[];
  totalResults?: number;
  itemsPerPage: number;
  startIndex?: number;
  Resources: Array<Record<string, unknown>>;
  nextCursor?: string;
  previousCursor?: string;
};

describe('SCIM Users: cursor walks on Cassandra paging state (real Cassandra)', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start({ 'scim.maxResults': 100 }));
  afterAll(() => h.stop());

  let token: string;
  const ids: string[] = [];
  const tag = randomUUID().slice(0, 6);
  const N = 250;

  beforeAll(async () => {
    ({ token } = await h.team());
    // 250 SCIM users (plus the team's owner, a non-SCIM member the walk must skip), 10 at a time.
    for (let i = 0; i < N; i += 10) {
      const rs = await Promise.all(
        Array.from({ length: Math.min(10, N - i) }, (_, j) =>
          h.req('POST', '/scim/v2/Users', {
            token,
            body: userBody({ userName: `Walk${tag}.${i + j}`, displayName: (i + j) % 3 === 0 ? `Third ${i + j}` : `Other ${i + j}` }),
          }),
        ),
      );
      for (const r of rs) {
        expect(r.statusCode, r.body).toBe(201);
        ids.push((r.json() as { id: string }).id);
      }
    }
  }, 120_000);

  const get = async (query: string): Promise<ListBody> => {
    const r = await h.req('GET', `/scim/v2/Users${query}`, { token });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as ListBody;
  };
  const idsOf = (r: ListBody) => r.Resources.map((u) => u.id as string);

  /** Follows nextCursor from the first page; returns the pages. */
  const walk = async (query: string): Promise<ListBody[]> => {
    const pages = [await get(`?cursor=${query}`)];
    while (pages[pages.length - 1]!.nextCursor !== undefined) {
      pages.push(await get(`?cursor=${encodeURIComponent(pages[pages.length - 1]!.nextCursor!)}${query}`));
      expect(pages.length).toBeLessThan(20);
    }
    return pages;
  };

  it('walks 250 users in pages of 100: every user exactly once, in the order of index paging, without totalResults', async () => {
    const pages = await walk('&count=100');
    const seen = pages.flatMap(idsOf);
    expect(seen).toHaveLength(N);
    expect(new Set(seen).size).toBe(N);
    expect(new Set(seen)).toEqual(new Set(ids));
    expect(pages.map((p) => p.itemsPerPage)).toEqual([100, 100, 50]);
    for (const p of pages) {
      expect(p.schemas).toEqual([LIST]);
      expect(p).not.toHaveProperty('totalResults');
      expect(p).not.toHaveProperty('startIndex');
      expect(p).not.toHaveProperty('previousCursor');
    }
    // The same stable order as startIndex paging, which still gives the exact total.
    const byIndex: string[] = [];
    for (let start = 1; start <= N; start += 100) {
      const p = await get(`?startIndex=${start}&count=100`);
      expect(p).toMatchObject({ totalResults: N, startIndex: start });
      byIndex.push(...idsOf(p));
    }
    expect(seen).toEqual(byIndex);
    expect((await get('?startIndex=251&count=100')).Resources).toEqual([]);
  });

  it('answers a cursor again with the same page (round trip), also through POST /.search', async () => {
    const first = await get('?cursor=&count=100');
    const c = first.nextCursor!;
    const a = await get(`?cursor=${encodeURIComponent(c)}&count=100`);
    const b = await get(`?cursor=${encodeURIComponent(c)}&count=100`);
    expect(idsOf(a)).toEqual(idsOf(b));
    expect(a.nextCursor).toBeDefined();
    const s = await h.req('POST', '/scim/v2/Users/.search', { token, body: { cursor: c, count: 100, attributes: ['userName'] } });
    expect(s.statusCode).toBe(200);
    const sb = s.json() as ListBody;
    expect(idsOf(sb)).toEqual(idsOf(a));
    for (const u of sb.Resources) expect(Object.keys(u).sort()).toEqual(['id', 'schemas', 'userName']);
  });

  it('refuses tampered, foreign and mismatched cursors with 400 invalidCursor', async () => {
    const first = await get('?cursor=&count=100');
    const c = first.nextCursor!;
    const [body, sig] = c.split('.') as [string, string];
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as Record<string, unknown>;
    const reMac = (o: Record<string, unknown>) => `${Buffer.from(JSON.stringify(o)).toString('base64url')}.${sig}`;
    for (const bad of [
      c.slice(0, -2) + (c.endsWith('A') ? 'BB' : 'AA'), // signature changed
      reMac({ ...decoded, p: String(decoded.p).slice(0, -4) + 'AAAA' }), // store cursor changed, old signature
      reMac({ ...decoded, o: 100, p: undefined }), // offset instead of store cursor
      `${body}.${sig}.x`,
      'not-a-cursor',
    ]) {
      const r = await h.req('GET', `/scim/v2/Users?cursor=${encodeURIComponent(bad)}&count=100`, { token });
      expect(r.statusCode, bad).toBe(400);
      expect(r.json()).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidCursor' });
    }
    // Bound to the query: another filter, a sort, or another team refuse it.
    for (const q of [`&filter=${encodeURIComponent('active eq true')}`, '&sortBy=userName']) {
      expect((await h.req('GET', `/scim/v2/Users?cursor=${encodeURIComponent(c)}&count=100${q}`, { token })).json()).toMatchObject({
        scimType: 'invalidCursor',
      });
    }
    const other = await h.team();
    expect((await h.req('GET', `/scim/v2/Users?cursor=${encodeURIComponent(c)}&count=100`, { token: other.token })).json()).toMatchObject({
      scimType: 'invalidCursor',
    });
  });

  it('evaluates a non-keyed filter on each page of the walk, and counts with count=0', async () => {
    const f = `&filter=${encodeURIComponent(`displayName sw "Third" and userName sw "walk${tag}"`)}`;
    const pages = await walk(`&count=20${f}`);
    const seen = pages.flatMap(idsOf);
    const want = ids.filter((_, i) => i % 3 === 0);
    expect(new Set(seen)).toEqual(new Set(want));
    expect(seen).toHaveLength(want.length);
    for (const p of pages) {
      expect(p.itemsPerPage).toBeLessThanOrEqual(20);
      for (const u of p.Resources) expect(String(u.displayName)).toMatch(/^Third /);
    }
    // count=0 asks for the number only: the exact total, no resources, no cursor.
    const n = await get(`?cursor=&count=0${f}`);
    expect(n).toMatchObject({ totalResults: want.length, itemsPerPage: 0, Resources: [] });
    expect(n).not.toHaveProperty('nextCursor');
    expect(await get('?cursor=&count=0')).toMatchObject({ totalResults: N });
  });

  it('keeps offset cursors for sortBy and keyed filters, with an exact totalResults', async () => {
    const sorted = await walk('&count=100&sortBy=userName&sortOrder=descending');
    expect(sorted.map((p) => p.totalResults)).toEqual([N, N, N]);
    const names = sorted.flatMap((p) => p.Resources.map((u) => String(u.userName)));
    expect(names).toEqual([...names].sort((a, b) => b.toLowerCase().localeCompare(a.toLowerCase())));
    expect(sorted[1]!.previousCursor).toBeDefined();
    const keyed = await get(`?cursor=&count=100&filter=${encodeURIComponent(`userName eq "Walk${tag}.7"`)}`);
    expect(keyed).toMatchObject({ totalResults: 1, itemsPerPage: 1 });
    expect(keyed).not.toHaveProperty('nextCursor');
  });
});
