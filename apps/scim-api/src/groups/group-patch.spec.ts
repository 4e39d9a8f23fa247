import { describe, expect, it } from 'vitest';
import { type PatchOperation, parsePatchRequest } from '@sso/scim';
import { planGroupPatch, resolveMemberSteps } from './group-patch';

const GID = '7d1c9a3e-5b2f-4e8a-9c6d-1f2e3a4b5c6d';
const [A, B, C] = ['aaaaaaaa-0000-4000-8000-000000000001', 'bbbbbbbb-0000-4000-8000-000000000002', 'cccccccc-0000-4000-8000-000000000003'];
const ops = (...o: unknown[]): PatchOperation[] =>
  parsePatchRequest({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: o });
const current = [
  { user: A, display: 'Alice' },
  { user: B, display: null },
];
const resolve = (o: PatchOperation[], cur: typeof current | null = current) => {
  const r = resolveMemberSteps(planGroupPatch(o, GID).steps, cur);
  return { add: [...r.add.keys()].sort(), remove: [...r.remove].sort() };
};

describe('planGroupPatch and resolveMemberSteps', () => {
  it("Entra's Remove with a value list removes only the listed members (azure-docs #30826)", () => {
    expect(resolve(ops({ op: 'Remove', path: 'members', value: [{ value: A }] }), null)).toEqual({ add: [], remove: [A] });
  });

  it('remove without a value removes every current member; a later add in the same request survives', () => {
    expect(resolve(ops({ op: 'remove', path: 'members' }))).toEqual({ add: [], remove: [A, B] });
    expect(resolve(ops({ op: 'remove', path: 'members' }, { op: 'add', path: 'members', value: [{ value: A }] }))).toEqual({
      add: [A],
      remove: [B],
    });
  });

  it('filtered removals: value eq needs no read; other filters are evaluated on the members', () => {
    expect(resolve(ops({ op: 'remove', path: `members[value eq "${B.toUpperCase()}"]` }), null)).toEqual({ add: [], remove: [B] });
    expect(resolve(ops({ op: 'remove', path: 'members[display eq "alice"]' }))).toEqual({ add: [], remove: [A] });
    expect(resolve(ops({ op: 'remove', path: 'members[display pr]' }))).toEqual({ add: [], remove: [A] });
  });

  it('replace of members removes the absent ones and writes the given ones', () => {
    expect(resolve(ops({ op: 'replace', path: 'members', value: [{ value: B }, { value: C }] }))).toEqual({ add: [B, C], remove: [A] });
    expect(resolve(ops({ op: 'Replace', value: { members: [{ value: C }] } }))).toEqual({ add: [C], remove: [A, B] });
  });

  it('displayName and externalId by path, URN path and path-less value; the own id in the value is ignored', () => {
    expect(planGroupPatch(ops({ op: 'replace', path: 'displayName', value: 'x' }), GID)).toEqual({ displayName: 'x', steps: [] });
    expect(
      planGroupPatch(ops({ op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:Group:displayName', value: 'y' }), GID),
    ).toMatchObject({ displayName: 'y' });
    expect(planGroupPatch(ops({ op: 'replace', value: { id: GID.toUpperCase(), displayName: 'z', externalId: 'e' } }), GID)).toEqual({
      displayName: 'z',
      externalId: 'e',
      steps: [],
    });
    expect(planGroupPatch(ops({ op: 'remove', path: 'externalId' }), GID)).toEqual({ externalId: null, steps: [] });
  });

  it('members.display can be set on matching members', () => {
    const r = resolveMemberSteps(
      planGroupPatch(ops({ op: 'replace', path: `members[value eq "${B}"].display`, value: 'Bob' }), GID).steps,
      current,
    );
    expect([...r.add.values()]).toEqual([{ value: B, display: 'Bob' }]);
  });

  it('refuses what a group does not have, read-only attributes and broken values', () => {
    for (const o of [
      { op: 'replace', path: 'id', value: GID },
      { op: 'replace', value: { id: A } },
      { op: 'add', path: 'emails', value: 'x' },
      { op: 'replace', path: 'urn:ietf:params:scim:schemas:core:2.0:User:userName', value: 'x' },
      { op: 'remove', path: 'displayName' },
      { op: 'replace', path: 'displayName', value: 'x'.repeat(4001) },
      { op: 'add', path: `members[value eq "${A}"]`, value: [{ value: A }] },
      { op: 'replace', path: 'members[value eq "x"].type', value: 'Group' },
      { op: 'add', path: 'members', value: [{ display: 'no value' }] },
      { op: 'add', path: 'members', value: 5 },
    ]) {
      expect(() => planGroupPatch(ops(o), GID), JSON.stringify(o)).toThrow();
    }
  });

  it('counts the members one request names over all its operations: 10,000 pass, 10,001 are refused', () => {
    const ids = (n: number, from = 0) =>
      Array.from({ length: n }, (_, i) => ({ value: `00000000-0000-4000-8000-${(from + i).toString().padStart(12, '0')}` }));
    expect(
      resolve(ops({ op: 'add', path: 'members', value: ids(6000) }, { op: 'add', path: 'members', value: ids(4000, 6000) }), null).add,
    ).toHaveLength(10_000);
    const over = () =>
      planGroupPatch(ops({ op: 'add', path: 'members', value: ids(6000) }, { op: 'remove', path: 'members', value: ids(4001, 6000) }), GID);
    expect(over).toThrow("Attribute 'members' takes at most 10000 members in one request, got 10001: send them in several requests");
    expect(() => planGroupPatch(ops({ op: 'add', value: { members: ids(10_001) } }), GID)).toThrow(/at most 10000 members/);
  });

  it('refuses unsafe characters in the group name, externalId and member display', () => {
    expect(() => planGroupPatch(ops({ op: 'replace', path: 'displayName', value: 'Sales\u0000' }), GID)).toThrow(
      "Attribute 'displayName' contains a control character (U+0000) at position 5",
    );
    expect(() => planGroupPatch(ops({ op: 'replace', value: { externalId: 'x\u202E' } }), GID)).toThrow(
      "Attribute 'externalId' contains a bidirectional control",
    );
    expect(() => planGroupPatch(ops({ op: 'add', path: 'members', value: [{ value: A, display: 'A\nB' }] }), GID)).toThrow(
      "Attribute 'members[0].display'",
    );
    expect(() => planGroupPatch(ops({ op: 'replace', path: `members[value eq "${A}"].display`, value: '\u0007' }), GID)).toThrow(
      "Attribute 'members.display'",
    );
    expect(planGroupPatch(ops({ op: 'replace', path: 'displayName', value: 'Vertrieb 販売 🚀' }), GID).displayName).toBe(
      'Vertrieb 販売 🚀',
    );
  });

  it('allows 10 member operations that scan every member in one request, and refuses 11 with tooMany', () => {
    const scan = (n: number) =>
      Array.from({ length: n }, (_, i) =>
        i % 2 ? { op: 'remove', path: `members[display eq "x${i}"]` } : { op: 'replace', path: 'members.display', value: `d${i}` },
      );
    expect(planGroupPatch(ops(...scan(10)), GID).steps).toHaveLength(10);
    expect(() => planGroupPatch(ops(...scan(11)), GID)).toThrow(
      expect.objectContaining({ scimType: 'tooMany', detail: expect.stringContaining('at most 10 member operations') }),
    );
    // `value eq` removals read no member: any number of them (up to the member cap) is fine.
    expect(
      planGroupPatch(ops(...Array.from({ length: 50 }, (_, i) => ({ op: 'remove', path: `members[value eq "${i}"]` }))), GID).steps,
    ).toHaveLength(50);
  });
});
