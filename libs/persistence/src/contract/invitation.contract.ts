import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type Clock, newTeamId, newUserId } from '@sso/domain';
import type { ActivationStore, InvitationRecord, InvitationStore } from '../ports/invitation-store';

/** A clock the suite moves; the Cassandra run only uses it for `now` arguments (TTLs there are real). */
export interface InvitationEnv {
  invitations: InvitationStore;
  activations: ActivationStore;
  clock: Clock;
}

const code = () => randomBytes(32).toString('hex');

export function invitationContract(label: string, make: () => InvitationEnv): void {
  describe(`InvitationStore and ActivationStore (team_invitation, team_invitation_info, activation_keys): ${label}`, () => {
    const invitation = (env: InvitationEnv, over: Partial<InvitationRecord> = {}): InvitationRecord => {
      const now = env.clock.now();
      return {
        team: newTeamId(),
        id: newUserId(),
        code: code(),
        email: 'ann@example.com',
        name: 'Ann',
        role: 'admin',
        createdAt: now,
        createdBy: null,
        expiresAt: new Date(now.getTime() + 3600_000),
        ...over,
      };
    };

    it('stores an invitation, finds it by team and id and by its code', async () => {
      const env = make();
      const inv = invitation(env);
      await env.invitations.create(inv);
      expect(await env.invitations.get(inv.team, inv.id)).toEqual(inv);
      expect(await env.invitations.get(newTeamId(), inv.id)).toBeNull();
      expect(await env.invitations.byCode(inv.code)).toEqual({
        code: inv.code,
        team: inv.team,
        id: inv.id,
        expiresAt: inv.expiresAt,
        usedAt: null,
      });
      expect(await env.invitations.byCode(code())).toBeNull();
    });

    it('knows which email keys have a live invitation, until it is finished or revoked', async () => {
      const env = make();
      const email = `Pending.${code().slice(0, 12)}@Example.com`;
      const key = email.toLowerCase();
      const a = invitation(env, { email });
      const b = invitation(env, { email });
      expect(await env.invitations.pendingForEmail(key)).toBe(false);
      await env.invitations.create(a);
      await env.invitations.create(b);
      expect(await env.invitations.pendingForEmail(key)).toBe(true);
      await env.invitations.finish(a.team, a.id);
      expect(await env.invitations.pendingForEmail(key)).toBe(true);
      await env.invitations.revoke(b.team, b.id);
      expect(await env.invitations.pendingForEmail(key)).toBe(false);
    });

    it('refuses a second invitation with the same code', async () => {
      const env = make();
      const inv = invitation(env);
      await env.invitations.create(inv);
      await expect(env.invitations.create({ ...inv, id: newUserId() })).rejects.toThrow(/already in use/);
    });

    it('marks a code used once, even under concurrent uses', async () => {
      const env = make();
      const inv = invitation(env);
      await env.invitations.create(inv);
      const rec = (await env.invitations.byCode(inv.code))!;
      const results = await Promise.all(Array.from({ length: 6 }, () => env.invitations.markUsed(rec, env.clock.now())));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await env.invitations.byCode(inv.code))?.usedAt).toBeInstanceOf(Date);
      expect(await env.invitations.markUsed(rec, env.clock.now())).toBe(false);
    });

    it('does not mark a code that names another invitation, or none', async () => {
      const env = make();
      const inv = invitation(env);
      await env.invitations.create(inv);
      const rec = (await env.invitations.byCode(inv.code))!;
      expect(await env.invitations.markUsed({ ...rec, id: newUserId() }, env.clock.now())).toBe(false);
      expect(await env.invitations.markUsed({ ...rec, code: code() }, env.clock.now())).toBe(false);
      expect(await env.invitations.byCode(code())).toBeNull();
    });

    it('finish removes the invitation and keeps the used code; revoke removes both', async () => {
      const env = make();
      const a = invitation(env);
      const b = invitation(env, { team: a.team });
      await env.invitations.create(a);
      await env.invitations.create(b);
      await env.invitations.finish(a.team, a.id);
      expect(await env.invitations.get(a.team, a.id)).toBeNull();
      expect(await env.invitations.byCode(a.code)).not.toBeNull();
      await env.invitations.revoke(b.team, b.id);
      expect(await env.invitations.get(b.team, b.id)).toBeNull();
      expect(await env.invitations.byCode(b.code)).toBeNull();
      const rec = { code: b.code, team: b.team, id: b.id, expiresAt: b.expiresAt, usedAt: null };
      expect(await env.invitations.markUsed(rec, env.clock.now())).toBe(false);
      // Idempotent, and harmless for unknown invitations.
      await env.invitations.revoke(b.team, b.id);
      await env.invitations.revoke(newTeamId(), newUserId());
    });

    it('a resend (revoke, then a new code for the same id) leaves only the new code alive', async () => {
      const env = make();
      const first = invitation(env);
      await env.invitations.create(first);
      await env.invitations.revoke(first.team, first.id);
      const second = { ...first, code: code(), email: 'ann.new@example.com' };
      await env.invitations.create(second);
      expect(await env.invitations.byCode(first.code)).toBeNull();
      expect((await env.invitations.get(first.team, first.id))?.email).toBe('ann.new@example.com');
      expect((await env.invitations.byCode(second.code))?.id).toBe(first.id);
    });

    it('activation keys: stored, used once, other users refused', async () => {
      const env = make();
      const now = env.clock.now();
      const rec = {
        key: code(),
        keyText: 'bo@example.com',
        user: newUserId(),
        expiresAt: new Date(now.getTime() + 3600_000),
        usedAt: null,
      };
      await env.activations.create(rec, now);
      expect(await env.activations.get(rec.key)).toEqual(rec);
      expect(await env.activations.get(code())).toBeNull();
      await expect(env.activations.create({ ...rec, user: newUserId() }, now)).rejects.toThrow(/already in use/);
      expect(await env.activations.markUsed({ ...rec, user: newUserId() }, now)).toBe(false);
      const results = await Promise.all([env.activations.markUsed(rec, now), env.activations.markUsed(rec, now)]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await env.activations.get(rec.key))?.usedAt).toBeInstanceOf(Date);
    });
  });
}
