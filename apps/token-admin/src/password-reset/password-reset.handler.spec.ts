import { randomUUID } from 'node:crypto';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { memoryTestConfig } from '@sso/testing';
import { FakeClock } from '@sso/domain';
import { MemoryMailOutboxStore, MemoryPasswordResetStore, memoryIdentityStores, outboxBucket } from '@sso/persistence';
import { MemoryWindowCounter, RateLimiter } from '@sso/platform';
import { TeamsHandler } from '../teams/teams.handler';
import { PasswordResetHandler } from './password-reset.handler';

const PASSWORD = 'correct horse battery';

function setup() {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
  const stores = memoryIdentityStores(clock);
  const outbox = new MemoryMailOutboxStore(clock);
  const resets = new MemoryPasswordResetStore();
  const log = pino({ level: 'silent' });
  const config = memoryTestConfig({ 'mail.linkBaseUrl': 'https://wire.example.com/' });
  const limiter = new RateLimiter(new MemoryWindowCounter(clock), log, true);
  const handler = new PasswordResetHandler(stores, resets, outbox, limiter, config, clock, log);
  const teams = new TeamsHandler(stores, clock);
  const queued = async () => outbox.inBucket(outboxBucket(clock.now()), 100);
  return { clock, stores, handler, teams, queued };
}

async function linkOf(queued: () => Promise<Array<{ mail: { link: string } }>>) {
  const rows = await queued();
  return new URL(rows[rows.length - 1]!.mail.link);
}

describe('PasswordResetHandler (memory stores)', () => {
  it("queues one mail in the user's language with a link on the configured base, for an active password user", async () => {
    const { handler, teams, queued, stores } = setup();
    const email = `${randomUUID()}@example.com`;
    const { owner } = await teams.createTeam({ name: 'Team', owner: { email, password: PASSWORD } });
    await stores.users.update(owner, { language: 'de' });
    await handler.request(email.toUpperCase(), '10.0.0.1');
    await handler.settled();
    const rows = await queued();
    expect(rows).toHaveLength(1);
    expect(rows[0]!.mail).toMatchObject({ kind: 'password-reset', to: email, locale: 'de', teamName: 'Team' });
    expect(rows[0]!.mail.link).toMatch(/^https:\/\/wire\.example\.com\/password-reset\/set\?key=[\w-]{43}&code=[\w-]{43}$/);
  });

  it('sends nothing to suspended users, users without a password, or unknown addresses', async () => {
    const { handler, teams, queued, stores } = setup();
    const suspended = `${randomUUID()}@example.com`;
    const a = await teams.createTeam({ name: 'A', owner: { email: suspended, password: PASSWORD } });
    await stores.users.update(a.owner, { status: 'suspended' });
    const ssoOnly = `${randomUUID()}@example.com`;
    const b = await teams.createTeam({ name: 'B', owner: { email: ssoOnly, password: PASSWORD } });
    await stores.users.update(b.owner, { passwordHash: null });
    for (const e of [suspended, ssoOnly, `${randomUUID()}@example.com`, 'not an email']) await handler.request(e, '10.0.0.2');
    await handler.settled();
    expect(await queued()).toEqual([]);
  });

  it('an expired link is expired and sets nothing; the check does not use the link up', async () => {
    const { handler, teams, queued, clock } = setup();
    const email = `${randomUUID()}@example.com`;
    await teams.createTeam({ name: 'T', owner: { email, password: PASSWORD } });
    await handler.request(email, '10.0.0.3');
    await handler.settled();
    const link = await linkOf(queued);
    const key = link.searchParams.get('key')!;
    const code = link.searchParams.get('code')!;
    expect((await handler.check(key, code)).state).toBe('valid');
    expect((await handler.check(key, code)).state).toBe('valid');
    clock.advance(3_600_000);
    expect(await handler.check(key, code)).toEqual({ state: 'expired' });
    expect(await handler.complete(key, code, 'N3w-Passw0rd!')).toEqual({ ok: false, problem: 'expired' });
  });

  it('refuses a weak password before touching the link', async () => {
    const { handler, teams, queued } = setup();
    const email = `${randomUUID()}@example.com`;
    await teams.createTeam({ name: 'T', owner: { email, password: PASSWORD } });
    await handler.request(email, '10.0.0.4');
    await handler.settled();
    const link = await linkOf(queued);
    const key = link.searchParams.get('key')!;
    const code = link.searchParams.get('code')!;
    await expect(handler.complete(key, code, 'weak')).rejects.toMatchObject({ code: 'weak-password' });
    expect((await handler.complete(key, code, 'N3w-Passw0rd!')).ok).toBe(true);
    expect(await handler.complete(key, code, 'N3w-Passw0rd!')).toEqual({ ok: false, problem: 'used' });
  });
});
