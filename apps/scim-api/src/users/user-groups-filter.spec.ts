import { describe, expect, it } from 'vitest';
import { parseFilter, printFilter } from '@sso/scim';
import { groupConditions, sortsByGroups } from './user-groups-filter';

const conds = (f: string) => groupConditions(parseFilter(f)).map(printFilter);

describe('groupConditions: what a Users filter asks of a group', () => {
  it.each([
    ['groups.value eq "g1"', ['value eq "g1"']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:Groups.Display eq "Sales"', ['Display eq "Sales"']], // the client's case is kept: names match ignoring it,
    ['groups eq "g1"', ['value eq "g1"']],
    ['groups.value ne "g1"', ['value eq "g1"']],
    ['groups.display eq null', ['display pr']],
    ['groups pr', ['value pr']],
    ['groups.display pr', ['display pr']],
    ['groups[display sw "Eng"]', ['display sw "Eng"']],
    ['groups[type eq "direct"].value eq "g1"', ['type eq "direct" and value eq "g1"']],
    ['not (groups.value eq "a") or (userName eq "x" and groups.display co "b")', ['value eq "a"', 'display co "b"']],
    ['userName eq "x" and emails.value eq "y"', []],
  ])('%s', (f, want) => {
    expect(conds(f)).toEqual(want);
  });

  it('knows when a sort needs the groups', () => {
    expect(sortsByGroups('groups.display')).toBe(true);
    expect(sortsByGroups('urn:ietf:params:scim:schemas:core:2.0:User:groups')).toBe(true);
    expect(sortsByGroups('userName')).toBe(false);
    expect(sortsByGroups(undefined)).toBe(false);
  });
});
