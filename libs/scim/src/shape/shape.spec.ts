import { describe, expect, it } from 'vitest';
import { ScimError, scimErrorBody } from '../errors';
import type { JsonObject } from '../json';
import { groupResourceSchema, userResourceSchema } from '../schema/resource-schemas';
import { computeETag, ifMatchPasses, ifNoneMatchPasses, parseETagHeader } from './etag';
import { listResponse, parsePaging } from './list';
import { projectResource, splitAttributeList } from './projection';
import { parseSortOrder, sortComparator } from './sort';

const ENT = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const u: JsonObject = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User', ENT],
  id: 'u1',
  userName: 'bjensen',
  password: 'secret',
  name: { givenName: 'B', familyName: 'J' },
  emails: [
    { value: 'emailName357', type: 'work' },
    { value: 'h@x.org', type: 'home' },
  ],
  meta: { resourceType: 'User' },
  custom: 'x',
  [ENT]: { department: 'D', costCenter: 'C' },
};

describe('projectResource', () => {
  it('never returns returned:never attributes', () => {
    expect(projectResource(u, userResourceSchema)).not.toHaveProperty('password');
    expect(projectResource(u, userResourceSchema, { attributes: 'password' })).not.toHaveProperty('password');
  });
  it('attributes keeps the named ones, id and schemas', () => {
    expect(projectResource(u, userResourceSchema, { attributes: 'userName,emails' })).toEqual({
      schemas: u['schemas'],
      id: 'u1',
      userName: 'bjensen',
      emails: u['emails'],
    });
    expect(projectResource(u, userResourceSchema, { attributes: ['NAME.givenName', `${ENT}:department`] })).toEqual({
      schemas: u['schemas'],
      id: 'u1',
      name: { givenName: 'B' },
      [ENT]: { department: 'D' },
    });
    expect(projectResource(u, userResourceSchema, { attributes: ENT })).toMatchObject({ [ENT]: { department: 'D', costCenter: 'C' } });
  });
  it('a value filter in attributes (sent by the Microsoft suite) selects the attribute', () => {
    expect(projectResource(u, userResourceSchema, { attributes: 'emails[type eq "work"]' })['emails']).toEqual(u['emails']);
    expect(splitAttributeList('a,emails[value eq "x,y"],b')).toEqual(['a', 'emails[value eq "x,y"]', 'b']);
  });
  it('excludedAttributes drops what it names, except returned:always', () => {
    const p = projectResource(u, userResourceSchema, { excludedAttributes: 'emails,id,name.familyName,department' });
    expect(p).toMatchObject({ id: 'u1', name: { givenName: 'B' }, [ENT]: { costCenter: 'C' }, custom: 'x' });
    expect(p).not.toHaveProperty('emails');
    const g = projectResource({ id: 'g', displayName: 'G', members: [{ value: 'a' }] }, groupResourceSchema, {
      excludedAttributes: 'members',
    });
    expect(g).toEqual({ id: 'g', displayName: 'G' });
  });
});

describe('sortComparator', () => {
  const rs = [
    { id: '3', userName: 'b', emails: [{ value: 'z@x' }, { value: 'a@x', primary: true }], meta: { created: '2020-01-01T01:00:00+02:00' } },
    { id: '1', userName: 'A', emails: [{ value: 'm@x' }], meta: { created: '2020-01-01T00:00:00Z' } },
    { id: '2', meta: {} },
    { id: '0', userName: 'a' },
  ] as JsonObject[];
  const ids = (by: string, order: 'ascending' | 'descending' = 'ascending') =>
    [...rs].sort(sortComparator(by, order, userResourceSchema)).map((r) => r['id']);

  it('sorts case-insensitively, ties by id, missing last in both orders', () => {
    expect(ids('userName')).toEqual(['0', '1', '3', '2']);
    expect(ids('USERNAME', 'descending')).toEqual(['3', '0', '1', '2']);
  });
  it('multi-valued attributes sort by their primary value, else the first', () => {
    expect(ids('emails.value')).toEqual(['3', '1', '0', '2']);
    expect(ids('emails')).toEqual(['3', '1', '0', '2']);
  });
  it('dateTimes sort as instants', () => {
    expect(ids('meta.created')).toEqual(['3', '1', '0', '2']);
  });
  it('rejects unknown attributes and orders', () => {
    expect(() => sortComparator('nosuch', 'ascending', userResourceSchema)).toThrow(ScimError);
    expect(parseSortOrder('DESCENDING')).toBe('descending');
    expect(parseSortOrder(undefined)).toBe('ascending');
    expect(() => parseSortOrder('up')).toThrow(/sortOrder/);
  });
});

describe('listResponse and paging', () => {
  it('has integer counters and always Resources', () => {
    expect(listResponse({ resources: [], totalResults: 0 })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 0,
      itemsPerPage: 0,
      startIndex: 1,
      Resources: [],
    });
    expect(listResponse({ resources: [{ id: 'a' }], totalResults: 5, startIndex: 3 })).toMatchObject({ itemsPerPage: 1, startIndex: 3 });
    expect(listResponse({ resources: [], totalResults: 5, nextCursor: 'c2' })).toEqual(
      expect.not.objectContaining({ startIndex: expect.anything() }),
    );
    expect(listResponse({ resources: [], totalResults: 5, nextCursor: 'c2', previousCursor: 'c0' })).toMatchObject({
      nextCursor: 'c2',
      previousCursor: 'c0',
    });
    expect(() => listResponse({ resources: [], totalResults: 1.5 })).toThrow(RangeError);
    // A cursor page may leave out totalResults (RFC 9865); its last page has no startIndex either.
    expect(listResponse({ resources: [{ id: 'a' }], cursorPaging: true })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      itemsPerPage: 1,
      Resources: [{ id: 'a' }],
    });
  });
  it('reads startIndex, count and cursor', () => {
    const o = { defaultCount: 100, maxCount: 500 };
    expect(parsePaging({}, o)).toEqual({ startIndex: 1, count: 100 });
    expect(parsePaging({ startIndex: '0', count: '-5' }, o)).toEqual({ startIndex: 1, count: 0 });
    expect(parsePaging({ startIndex: '3', count: '10000' }, o)).toEqual({ startIndex: 3, count: 500 });
    expect(parsePaging({ cursor: '' }, o)).toEqual({ startIndex: 1, count: 100, cursor: '' });
    expect(() => parsePaging({ count: 'ten' }, o)).toThrow(/count/);
    expect(() => parsePaging({ cursor: 'x', startIndex: '2' }, o)).toThrow(/cursor/);
  });
});

describe('ETags', () => {
  it('are weak, stable under key order and meta, and change with content', () => {
    const a = computeETag({ id: 'u', userName: 'x', meta: { version: 'old' } });
    expect(a).toMatch(/^W\/"[0-9a-f]{64}"$/);
    expect(computeETag({ userName: 'x', id: 'u', meta: { lastModified: 'now' } })).toBe(a);
    expect(computeETag({ id: 'u', userName: 'y' })).not.toBe(a);
  });
  it('parse If-Match / If-None-Match headers', () => {
    expect(parseETagHeader('*')).toBe('*');
    expect(parseETagHeader(' W/"a" , "b,c",w/"d"')).toEqual([
      { weak: true, tag: 'a' },
      { weak: false, tag: 'b,c' },
      { weak: true, tag: 'd' },
    ]);
    expect(parseETagHeader('abc')).toEqual([{ weak: false, tag: 'abc' }]);
    expect(parseETagHeader('"unterminated')).toBeUndefined();
    expect(parseETagHeader('')).toBeUndefined();
  });
  it('decide preconditions with weak comparison', () => {
    const cur = 'W/"v1"';
    expect(ifMatchPasses(undefined, cur)).toBe(true);
    expect(ifMatchPasses('W/"v1"', cur)).toBe(true);
    expect(ifMatchPasses('"v1"', cur)).toBe(true);
    expect(ifMatchPasses('W/"v0", W/"v1"', cur)).toBe(true);
    expect(ifMatchPasses('W/"v0"', cur)).toBe(false);
    expect(ifMatchPasses('*', cur)).toBe(true);
    expect(ifMatchPasses('*', undefined)).toBe(false);
    expect(ifNoneMatchPasses('W/"v1"', cur)).toBe(false);
    expect(ifNoneMatchPasses('W/"v0"', cur)).toBe(true);
    expect(ifNoneMatchPasses('*', cur)).toBe(false);
    expect(ifNoneMatchPasses('*', undefined)).toBe(true);
  });
});

describe('scimErrorBody', () => {
  it('renders RFC 7644 §3.12 with status as a string', () => {
    const e = new ScimError('invalidFilter', 'bad');
    expect(scimErrorBody(e)).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '400',
      scimType: 'invalidFilter',
      detail: 'bad',
    });
    expect(scimErrorBody(new ScimError('uniqueness', 'taken'))).toMatchObject({ status: '409', scimType: 'uniqueness' });
    expect(scimErrorBody({ code: 'not-found', message: 'User u not found' })).toEqual({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
      status: '404',
      detail: 'User u not found',
    });
  });
});
