import { describe, expect, it } from 'vitest';
import { EmailLinks, linkSecretHash } from '@sso/auth';
import { FakeClock, newTeamId, newUserId } from '@sso/domain';
import { testIdpRecord } from '@sso/persistence/testing';
import {
  MemoryActivationStore,
  MemoryInvitationStore,
  MemoryMailOutboxStore,
  memoryIdentityStores,
  memorySparStores,
} from '@sso/persistence';
import { NAMEID_FORMATS, type NameId } from '@sso/saml';
import { UserResolution } from './user-resolution';

/** SSO auto-provisioning of an email NameID (docs/spar-behaviour.md §3.4 step 5), on the memory twins. */
function setup() {
  const clock = new FakeClock(new Date('2026-12-04T12:00:00Z'));
  const spar = memorySparStores(clock);
  const identity = memoryIdentityStores(clock);
  const outbox = new MemoryMailOutboxStore(clock);
  const activations = new MemoryActivationStore(clock);
  const links = new EmailLinks(identity, new MemoryInvitationStore(clock), activations, outbox, clock, {
    invitationTimeoutSeconds: 3600,
    activationTimeoutSeconds: 3600,
    publicUrl: 'https://wire.example.com/',
    defaultLocale: 'en',
    validateSamlEmailsByDefault: false,
  });
  const team = newTeamId();
  const idp = testIdpRecord(team, 'https://idp.example.com/x');
  return { identity, outbox, activations, team, idp, users: new UserResolution(spar, identity, links) };
}

const nameId = (value: string, format: string = NAMEID_FORMATS.email): NameId => ({
  value,
  format,
  nameQualifier: null,
  spNameQualifier: null,
});

async function queued(outbox: MemoryMailOutboxStore) {
  const out = [];
  for (const b of await outbox.buckets(10)) out.push(...(await outbox.inBucket(b, 100)));
  return out.map((q) => q.mail);
}

describe('SSO auto-provisioning and validateSAMLemails', () => {
  it('off (the default): an email NameID is the validated email at once, no mail', async () => {
    const { identity, outbox, team, idp, users } = setup();
    await identity.teams.createTeam({ id: team, name: 'Acme', creator: newUserId(), deleted: false });
    const uid = await users.resolve(idp, nameId('Ann@Example.com'));
    expect(await identity.users.get(uid)).toMatchObject({ email: 'Ann@Example.com', emailUnvalidated: null, status: 'active' });
    expect(await queued(outbox)).toEqual([]);
  });

  it('on: the address waits unvalidated and an activation mail with a one-time link is queued; only its hash is stored', async () => {
    const { identity, outbox, activations, team, idp, users } = setup();
    await identity.teams.createTeam({ id: team, name: 'Acme', creator: newUserId(), deleted: false });
    await identity.teams.setValidateSamlEmailsStatus(team, 'enabled');
    const uid = await users.resolve(idp, nameId('bo@example.com'));
    expect(await identity.users.get(uid)).toMatchObject({ email: null, emailUnvalidated: 'bo@example.com' });
    const mails = await queued(outbox);
    expect(mails).toHaveLength(1);
    expect(mails[0]).toMatchObject({ kind: 'email-activation', to: 'bo@example.com', team, teamName: 'Acme', locale: 'en' });
    const code = /^https:\/\/wire\.example\.com\/activate\?code=([A-Za-z0-9_-]{43})$/.exec(mails[0]!.link)?.[1];
    expect(code).toBeDefined();
    expect(await activations.get(code!)).toBeNull();
    expect(await activations.get(linkSecretHash(code!))).toMatchObject({ keyText: 'bo@example.com', user: uid, usedAt: null });
  });

  it('records no email for other NameID formats, nor without the email links', async () => {
    const { identity, outbox, team, idp, users } = setup();
    await identity.teams.setValidateSamlEmailsStatus(team, 'enabled');
    const a = await users.resolve(idp, nameId('carl@example.com', NAMEID_FORMATS.unspecified));
    expect(await identity.users.get(a)).toMatchObject({ email: null, emailUnvalidated: null });
    expect(await queued(outbox)).toEqual([]);
  });
});
