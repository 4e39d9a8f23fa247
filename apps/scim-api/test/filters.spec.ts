import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamId } from '@sso/domain';
import { ScimHarness, uname, userBody } from './harness';

const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const WIRE_USER = 'urn:ietf:params:scim:schemas:extension:wire:1.0:User';
const WIRE_PROFILE = 'urn:wire:scim:schemas:profile:1.0';

type Json = Record<string, unknown>;
type Attr = { name: string; type: string; multiValued: boolean; returned: string; subAttributes?: Attr[] };

/** A user with a value in every attribute the User schemas advertise (password aside). */
function fullUser(userName: string): Json {
  return userBody({
    schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT, WIRE_PROFILE, WIRE_USER],
    userName,
    externalId: `${userName}@corp.example.com`,
    name: {
      formatted: 'Ms. Barbara J Jensen III',
      familyName: 'Jensen',
      givenName: 'Barbara',
      middleName: 'Jane',
      honorificPrefix: 'Ms.',
      honorificSuffix: 'III',
    },
    displayName: 'Babs Jensen',
    nickName: 'Babs',
    profileUrl: 'https://login.example.com/bjensen',
    title: 'Tour Guide',
    userType: 'Employee',
    preferredLanguage: 'en',
    locale: 'en-US',
    timezone: 'America/Los_Angeles',
    active: true,
    emails: [{ value: `${userName}@example.com`, type: 'work', primary: true, display: 'Work mail' }],
    phoneNumbers: [{ value: '555-555-5555', type: 'work', primary: true, display: 'Desk' }],
    ims: [{ value: 'someaimhandle', type: 'aim', primary: true, display: 'AIM' }],
    photos: [{ value: 'https://photos.example.com/profilephoto/72930000000Ccne/F', type: 'photo', primary: true, display: 'Photo' }],
    addresses: [
      {
        formatted: '100 Universal City Plaza',
        streetAddress: '100 Universal City Plaza',
        locality: 'Hollywood',
        region: 'CA',
        postalCode: '91608',
        country: 'USA',
        type: 'work',
        primary: true,
      },
    ],
    entitlements: [{ value: 'tour-bus', type: 'vehicle', primary: true, display: 'Bus' }],
    roles: [{ value: 'member', type: 'wire', primary: true, display: 'Member' }],
    x509Certificates: [{ value: 'MIIDQzCCAqygAwIBAgICEAAwDQYJKoZIhvcNAQEFBQAw', type: 'signing', primary: true, display: 'Cert' }],
    [ENT]: {
      employeeNumber: '701984',
      costCenter: '4130',
      organization: 'Universal Studios',
      division: 'Theme Park',
      department: 'Tour Operations',
      manager: {
        value: '26118915-6090-4610-87e4-49d8ca9f808d',
        $ref: 'https://wire.example.com/scim/v2/Users/26118915-6090-4610-87e4-49d8ca9f808d',
        displayName: 'John Smith',
      },
    },
    [WIRE_PROFILE]: { richInfo: { version: 0, fields: [{ type: 'Floor', value: 'Third' }] } },
    [WIRE_USER]: { Building: 'North' },
  });
}

/** The values at `urn:attr.sub` of a resource (every element of a multi-valued attribute). */
function valuesAt(resource: Json, urn: string | undefined, attr: string, sub?: string): unknown[] {
  const container = (urn ? resource[urn] : resource) as Json | undefined;
  const top = container?.[attr];
  const list = Array.isArray(top) ? top : top === undefined ? [] : [top];
  if (sub === undefined) return list;
  return list.flatMap((e) => (e && typeof e === 'object' ? [(e as Json)[sub]] : [])).filter((v) => v !== undefined);
}

const literal = (v: unknown) => (typeof v === 'string' ? JSON.stringify(v) : String(v));

/**
 * Every attribute path a schema advertises, with the path a filter names it by (extension
 * attributes under their schema URN): the attribute itself and each of its sub-attributes.
 */
function paths(schema: { id: string; attributes: Attr[] }, core: boolean): Array<{ text: string; urn?: string; attr: Attr; sub?: Attr }> {
  const prefix = core ? '' : `${schema.id}:`;
  const out: Array<{ text: string; urn?: string; attr: Attr; sub?: Attr }> = [];
  for (const a of schema.attributes) {
    out.push({ text: `${prefix}${a.name}`, ...(core ? {} : { urn: schema.id }), attr: a });
    for (const s of a.subAttributes ?? [])
      out.push({ text: `${prefix}${a.name}.${s.name}`, ...(core ? {} : { urn: schema.id }), attr: a, sub: s });
  }
  return out;
}

describe('SCIM filters on every advertised attribute (real Cassandra)', () => {
  const h = new ScimHarness();
  beforeAll(() => h.start());
  afterAll(() => h.stop());

  let token: string;
  let team: TeamId;
  let alice: Json;
  let bob: Json;
  let carol: Json;
  let sales: Json;
  let eng: Json;
  const schemas = new Map<string, { id: string; attributes: Attr[] }>();

  const list = async (resource: 'Users' | 'Groups', filter: string, extra = '') => {
    const r = await h.req('GET', `/scim/v2/${resource}?filter=${encodeURIComponent(filter)}${extra}`, { token });
    return r;
  };
  const ids = async (resource: 'Users' | 'Groups', filter: string, extra = '') => {
    const r = await list(resource, filter, extra);
    expect(r.statusCode, `${filter}: ${r.body}`).toBe(200);
    return (r.json().Resources as Json[]).map((x) => x.id as string).sort();
  };
  const refused = async (resource: 'Users' | 'Groups', filter: string, names: string) => {
    const r = await list(resource, filter);
    expect(r.statusCode, `${filter}: ${r.body}`).toBe(400);
    expect(r.json()).toMatchObject({ schemas: [ERROR], status: '400', scimType: 'invalidFilter' });
    expect(r.json().detail).toContain(names);
  };
  const sorted = (...xs: Json[]) => xs.map((x) => x.id as string).sort();

  beforeAll(async () => {
    ({ token, team } = await h.team());
    const mk = async (body: Json) => {
      const r = await h.req('POST', '/scim/v2/Users', { token, body });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as Json;
    };
    alice = await mk(fullUser(uname('alice')));
    bob = await mk(userBody({ userName: uname('bob'), displayName: 'Bob' }));
    carol = await mk(userBody({ userName: uname('carol'), displayName: 'Carol' }));
    const group = async (body: Json) => {
      const r = await h.req('POST', '/scim/v2/Groups', { token, body: { schemas: [GROUP], ...body } });
      expect(r.statusCode, r.body).toBe(201);
      return r.json() as Json;
    };
    sales = await group({
      displayName: 'Sales',
      externalId: 'grp-sales',
      members: [{ value: alice.id, display: 'Alice' }, { value: bob.id }],
    });
    eng = await group({ displayName: 'Engineering', members: [{ value: alice.id }] });
    for (const s of (await h.req('GET', '/scim/v2/Schemas')).json().Resources as Array<{ id: string; attributes: Attr[] }>)
      schemas.set(s.id, s);
    // Alice as GET by id shows her: with her groups.
    alice = (await h.req('GET', `/scim/v2/Users/${alice.id}`, { token })).json() as Json;
    expect(valuesAt(alice, undefined, 'groups', 'value').sort()).toEqual(sorted(sales, eng));
    void team;
    void carol;
  });

  it('finds a user by every attribute the User schemas advertise (pr and eq, keyed and walked), or refuses it naming the attribute', async () => {
    const userSchemas = [
      { s: schemas.get('urn:ietf:params:scim:schemas:core:2.0:User')!, core: true },
      { s: schemas.get(ENT)!, core: false },
      { s: schemas.get(WIRE_PROFILE)!, core: false },
    ];
    const common: Attr[] = [
      { name: 'id', type: 'string', multiValued: false, returned: 'always' },
      { name: 'externalId', type: 'string', multiValued: false, returned: 'default' },
      {
        name: 'meta',
        type: 'complex',
        multiValued: false,
        returned: 'default',
        subAttributes: ['resourceType', 'created', 'lastModified', 'location', 'version'].map((n) => ({
          name: n,
          type: n === 'created' || n === 'lastModified' ? 'dateTime' : 'string',
          multiValued: false,
          returned: 'default',
        })),
      },
    ];
    const all = [...paths({ id: 'common', attributes: common }, true), ...userSchemas.flatMap(({ s, core }) => paths(s, core))];
    expect(all.length).toBeGreaterThan(80);
    let checked = 0;
    for (const p of all) {
      const leaf = p.sub ?? p.attr;
      if (leaf.returned === 'never' || p.attr.returned === 'never') {
        await refused('Users', `${p.text} pr`, p.text);
        await refused('Users', `${p.text} eq "x"`, p.text);
        continue;
      }
      const values = valuesAt(alice, p.urn, p.attr.name, p.sub?.name);
      expect(values.length, `alice has a value at ${p.text}`).toBeGreaterThan(0);
      expect(await ids('Users', `${p.text} pr`), `${p.text} pr`).toContain(alice.id);
      expect(await ids('Users', `${p.text} pr and id eq "${String(alice.id)}"`)).toEqual([alice.id]);
      if (leaf.type === 'complex') continue;
      const f = `${p.text} eq ${literal(values[0])}`;
      expect(await ids('Users', f), f).toContain(alice.id);
      expect(await ids('Users', `${f} and userName eq "${String(alice.userName)}"`), f).toEqual([alice.id]);
      expect(await ids('Users', `not (${f})`), `not (${f})`).not.toContain(alice.id);
      checked++;
    }
    expect(checked).toBeGreaterThan(60);
  });

  it('answers filters on a user’s groups from the group tables, in every form', async () => {
    const [a, b, c] = [alice.id as string, bob.id as string, carol.id as string];
    const [s, e] = [sales.id as string, eng.id as string];
    const cases: Array<[string, string[]]> = [
      [`groups.value eq "${s}"`, [a, b]],
      [`groups.value eq "${s.toUpperCase()}"`, [a, b]], // groups.value is not caseExact
      [`urn:ietf:params:scim:schemas:core:2.0:User:groups.value eq "${e}"`, [a]],
      [`GROUPS.VALUE Eq "${e}"`, [a]],
      [`groups eq "${e}"`, [a]], // a complex attribute compares its value
      [`groups[value eq "${s}"]`, [a, b]],
      ['groups.display eq "sales"', [a, b]],
      ['groups.display eq "Engineering"', [a]],
      ['groups[display sw "eng"]', [a]],
      ['groups.display co "a"', [a, b]],
      ['groups.type eq "direct"', [a, b]],
      [`groups.$ref eq "https://wire.example.com/scim/v2/Groups/${s}"`, [a, b]],
      ['groups pr', [a, b]],
      ['not (groups pr)', [c]],
      ['groups eq null', [c]],
      [`groups.value ne "${s}"`, [c]],
      [`groups.value eq "${s}" and groups.value eq "${e}"`, [a]],
      [`groups.value eq "${s}" and not (groups.value eq "${e}")`, [b]],
      [`groups.value eq "${e}" or displayName eq "Carol"`, [a, c]],
      [`groups.display eq "Sales" and userName eq "${String(bob.userName)}"`, [b]],
      ['groups.display eq "Nobody"', []],
      ['groups.value eq "not-a-uuid"', []],
      [`groups.value eq "${crypto.randomUUID()}"`, []],
    ];
    for (const [f, want] of cases) {
      expect(await ids('Users', f), f).toEqual([...want].sort());
      // The same through the cursor walk, POST /.search, and with index paging.
      expect(await ids('Users', f, '&cursor='), `${f} (cursor)`).toEqual([...want].sort());
      const post = await h.req('POST', '/scim/v2/Users/.search', { token, body: { filter: f, startIndex: 1, count: 100 } });
      expect(post.statusCode, post.body).toBe(200);
      expect((post.json().Resources as Json[]).map((x) => x.id).sort(), `${f} (POST)`).toEqual([...want].sort());
    }
    // sortBy on groups sorts by each user's first group name; users in no group come last.
    const order = async (q: string) => ((await h.req('GET', `/scim/v2/Users?${q}`, { token })).json().Resources as Json[]).map((x) => x.id);
    expect(await order('sortBy=groups.display')).toEqual([a, b, c]);
    expect(await order('sortBy=groups.display&sortOrder=descending')).toEqual([b, a, c]);
    expect(await order(`sortBy=groups.display&filter=${encodeURIComponent(`groups.value eq "${s}"`)}`)).toEqual([a, b]);
    const page = (await list('Users', `groups.value eq "${s}"`, '&startIndex=2&count=1')).json();
    expect(page).toMatchObject({ totalResults: 2, itemsPerPage: 1, startIndex: 2 });
    // Lists show no groups, filtered or not (only GET by id does).
    for (const r of (await list('Users', `groups.value eq "${s}"`)).json().Resources as Json[]) expect(r.groups).toBeUndefined();
    // ... unless `attributes` names them: then each user of the page shows all its groups.
    for (const extra of ['&attributes=groups', '&attributes=userName,groups.display&cursor=', '&attributes=groups&startIndex=1&count=10']) {
      const shown = (await list('Users', `groups.value eq "${e}"`, extra)).json().Resources as Json[];
      expect(
        shown.map((x) => x.id),
        extra,
      ).toEqual([a]);
      expect(valuesAt(shown[0]!, undefined, 'groups', 'display').sort(), extra).toEqual(['Engineering', 'Sales']);
    }
    const everyone = (await h.req('GET', '/scim/v2/Users?attributes=groups', { token })).json().Resources as Json[];
    expect(everyone.find((x) => x.id === c)!.groups).toBeUndefined();
    expect(everyone.find((x) => x.id === b)!.groups).toEqual([
      { value: s, display: 'Sales', $ref: `https://wire.example.com/scim/v2/Groups/${s}`, type: 'direct' },
    ]);
    expect((await list('Users', `groups.value eq "${s}"`, '&attributes=userName')).json().Resources).toEqual(
      expect.arrayContaining([expect.objectContaining({ userName: alice.userName })]),
    );
  });

  it('follows membership changes, renames and deletes, and never sees another team’s groups', async () => {
    const [a, b] = [alice.id as string, bob.id as string];
    const g = await h.req('POST', '/scim/v2/Groups', {
      token,
      body: { schemas: [GROUP], displayName: 'Ops', members: [{ value: a }, { value: b }] },
    });
    const ops = g.json().id as string;
    expect(await ids('Users', `groups.value eq "${ops}"`)).toEqual([a, b].sort());
    const patch = await h.req('PATCH', `/scim/v2/Groups/${ops}`, {
      token,
      body: {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
        Operations: [
          { op: 'remove', path: `members[value eq "${b}"]` },
          { op: 'replace', path: 'displayName', value: 'Operations' },
        ],
      },
    });
    expect(patch.statusCode, patch.body).toBeLessThan(300);
    expect(await ids('Users', `groups.value eq "${ops}"`)).toEqual([a]);
    expect(await ids('Users', 'groups.display eq "Ops"')).toEqual([]); // the old name row is stale
    expect(await ids('Users', 'groups.display eq "operations"')).toEqual([a]);
    expect((await h.req('DELETE', `/scim/v2/Groups/${ops}`, { token })).statusCode).toBe(204);
    expect(await ids('Users', `groups.value eq "${ops}"`)).toEqual([]);
    // Another team's group of the same name, and its id, find nothing here.
    const other = await h.team();
    const u = await h.req('POST', '/scim/v2/Users', { token: other.token, body: userBody() });
    const og = await h.req('POST', '/scim/v2/Groups', {
      token: other.token,
      body: { schemas: [GROUP], displayName: 'Sales', members: [{ value: u.json().id }] },
    });
    expect(og.statusCode, og.body).toBe(201);
    expect(await ids('Users', `groups.value eq "${String(og.json().id)}"`)).toEqual([]);
    expect(await ids('Users', 'groups.display eq "Sales"')).toEqual([a, b].sort());
  });

  it('answers the filters Entra and Okta send', async () => {
    const [a] = [alice.id as string];
    const work = valuesAt(alice, undefined, 'emails', 'value')[0] as string;
    expect(await ids('Users', `userName eq "${String(alice.userName)}"`, '&startIndex=1&count=100')).toEqual([a]);
    expect(await ids('Users', `externalId eq "${String(alice.externalId)}"`)).toEqual([a]);
    expect(await ids('Users', `emails[type eq "work"].value eq "${work}"`)).toEqual([a]);
    expect(await ids('Users', `${WIRE_USER}:Building eq "north"`)).toEqual([]); // rich info values are caseExact
    expect(await ids('Users', `${WIRE_USER}:Building eq "North"`)).toEqual([a]);
    expect(await ids('Users', `${ENT}:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"`)).toEqual([a]);
    expect(await ids('Groups', 'displayName eq "Sales"', '&excludedAttributes=members')).toEqual([sales.id]);
    expect(await ids('Groups', 'displayName eq "sales"')).toEqual([sales.id]);
    expect(await ids('Groups', `members[value eq "${a}"]`)).toEqual(sorted(sales, eng));
    expect(await ids('Groups', `members.value eq "${String(bob.id)}" and displayName eq "Sales"`)).toEqual([sales.id]);
    expect(await ids('Groups', 'externalId eq "grp-sales"')).toEqual([sales.id]);
    // Entra's membership check: one group, one member, members left out of the answer.
    const check = async (uid: string) =>
      list('Groups', `id eq "${String(eng.id)}" and members[value eq "${uid}"]`, '&excludedAttributes=members');
    const yes = (await check(a)).json();
    expect(yes).toMatchObject({ totalResults: 1, Resources: [{ id: eng.id }] });
    expect(yes.Resources[0].members).toBeUndefined();
    expect((await check(String(bob.id))).json()).toMatchObject({ totalResults: 0, Resources: [] });
    expect(await ids('Groups', 'members.display eq "alice"')).toEqual([sales.id]);
  });

  it('refuses with invalidFilter, naming the attribute, what it cannot answer', async () => {
    await refused('Users', 'password eq "secret"', 'password');
    await refused('Users', 'nosuch eq "x"', 'nosuch');
    await refused('Users', 'groups.nosuch eq "x"', 'groups.nosuch');
    await refused('Users', 'groups[nosuch eq "x"]', 'nosuch');
    await refused('Users', 'emails.nosuch pr', 'emails.nosuch');
    await refused('Users', `${ENT}:nosuch eq "x"`, 'nosuch');
    await refused('Groups', 'members.nosuch eq "x"', 'members.nosuch');
    await refused('Groups', 'userName eq "x"', 'userName');
    await refused('Groups', 'meta.created gt "yesterday"', 'meta.created');
  });

  it('finds a group by every attribute the Group schema advertises', async () => {
    sales = (await h.req('GET', `/scim/v2/Groups/${String(sales.id)}`, { token })).json() as Json;
    const core = schemas.get(GROUP)!;
    const all = [
      ...paths(
        {
          id: 'common',
          attributes: [
            { name: 'id', type: 'string', multiValued: false, returned: 'always' },
            { name: 'externalId', type: 'string', multiValued: false, returned: 'default' },
          ],
        },
        true,
      ),
      ...['resourceType', 'created', 'lastModified', 'location', 'version'].map((n) => ({
        text: `meta.${n}`,
        attr: { name: 'meta', type: 'complex', multiValued: false, returned: 'default' } as Attr,
        sub: { name: n, type: 'x', multiValued: false, returned: 'default' } as Attr,
      })),
      ...paths(core, true),
    ];
    for (const p of all) {
      const values = valuesAt(sales, undefined, p.attr.name, p.sub?.name);
      expect(values.length, `sales has a value at ${p.text}`).toBeGreaterThan(0);
      expect(await ids('Groups', `${p.text} pr`), `${p.text} pr`).toContain(sales.id);
      if ((p.sub ?? p.attr).type === 'complex') continue;
      const f = `${p.text} eq ${literal(values[0])}`;
      expect(await ids('Groups', f), f).toContain(sales.id);
      expect(await ids('Groups', `not (${f})`), f).not.toContain(sales.id);
    }
  });
});
