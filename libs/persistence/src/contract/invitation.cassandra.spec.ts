import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTeamId, newUserId, systemClock } from '@sso/domain';
import { CassandraActivationStore, CassandraInvitationStore } from '../cassandra/invitation-store';
import type { CassandraDb } from '../cassandra/db';
import { sharedTestDb } from '../testing';
import { invitationContract } from './invitation.contract';

let db: CassandraDb;
beforeAll(async () => {
  db = await sharedTestDb();
});
afterAll(async () => db?.shutdown());

invitationContract('Cassandra', () => ({
  invitations: new CassandraInvitationStore(db),
  activations: new CassandraActivationStore(db),
  clock: systemClock,
}));

describe('CassandraInvitationStore TTLs', () => {
  it('writes the invitation with a TTL that ends at its expiry and the code row a week later', async () => {
    const store = new CassandraInvitationStore(db);
    const now = new Date();
    const inv = {
      team: newTeamId(),
      id: newUserId(),
      code: newUserId().replace(/-/g, '').repeat(2),
      email: 'a@example.com',
      name: 'A',
      role: 'partner' as const,
      createdAt: now,
      createdBy: null,
      expiresAt: new Date(now.getTime() + 3600_000),
    };
    await store.create(inv);
    const ks = db.config.keyspaces.brig;
    const a = await db.execute('t', `SELECT TTL(email) AS t FROM ${ks}.team_invitation WHERE team = ? AND id = ?`, [inv.team, inv.id]);
    expect(Number(a.first()?.t)).toBeGreaterThan(3590);
    expect(Number(a.first()?.t)).toBeLessThanOrEqual(3600);
    const b = await db.execute('t', `SELECT TTL(id) AS t FROM ${ks}.team_invitation_info WHERE code = ?`, [inv.code]);
    expect(Number(b.first()?.t)).toBeGreaterThan(3590 + 7 * 86_400);
    expect((await store.get(inv.team, inv.id))?.role).toBe('partner');
  });
});
