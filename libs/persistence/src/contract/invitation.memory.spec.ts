import { describe, expect, it } from 'vitest';
import { FakeClock, newTeamId, newUserId } from '@sso/domain';
import { MemoryActivationStore, MemoryInvitationStore } from '../memory/invitation-store';
import { invitationContract } from './invitation.contract';

invitationContract('memory twin', () => {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
  return { invitations: new MemoryInvitationStore(clock), activations: new MemoryActivationStore(clock), clock };
});

describe('MemoryInvitationStore expiry (the TTLs Cassandra applies)', () => {
  it('drops the invitation at expiry and keeps the code row a week longer', async () => {
    const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
    const store = new MemoryInvitationStore(clock);
    const now = clock.now();
    const inv = {
      team: newTeamId(),
      id: newUserId(),
      code: 'c'.repeat(64),
      email: 'a@example.com',
      name: 'A',
      role: 'member' as const,
      createdAt: now,
      createdBy: null,
      expiresAt: new Date(now.getTime() + 60_000),
    };
    await store.create(inv);
    clock.advance(61_000);
    expect(await store.get(inv.team, inv.id)).toBeNull();
    expect((await store.byCode(inv.code))?.expiresAt).toEqual(inv.expiresAt);
    clock.advance(7 * 86_400_000);
    expect(await store.byCode(inv.code)).toBeNull();
  });
});
