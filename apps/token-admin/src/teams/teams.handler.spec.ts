import { describe, expect, it } from 'vitest';
import { FakeClock, emailKey } from '@sso/domain';
import { memoryIdentityStores } from '@sso/persistence';
import { TeamsHandler } from './teams.handler';

describe('TeamsHandler: a team bootstrap that fails half-way', () => {
  it('leaves no team row, no user and no email claim behind', async () => {
    const clock = new FakeClock();
    const stores = memoryIdentityStores(clock);
    stores.teams.addMember = async () => {
      throw new Error('Cassandra went away');
    };
    const handler = new TeamsHandler(stores, clock);
    await expect(handler.createTeam({ name: 'Half', owner: { email: 'half@example.com', password: 'a long password' } })).rejects.toThrow(
      'Cassandra went away',
    );
    expect((await stores.teams.listTeams({ cursor: null, limit: 100 })).items).toEqual([]);
    expect(await stores.users.lookupEmail(emailKey('half@example.com'))).toBeNull();
    expect(stores.tables.user.size).toBe(0);
  });
});
