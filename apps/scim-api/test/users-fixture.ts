import { EmailLinks } from '@sso/auth';
import { type Clock, type IdpId, type TeamId, newScimTokenId } from '@sso/domain';
import {
  type IdentityStores,
  type IdpRecord,
  MemoryActivationStore,
  MemoryInvitationStore,
  MemoryMailOutboxStore,
  type ScimGroupStore,
  type ScimTokenRecord,
  type ScimUserDocStore,
  type SparStores,
} from '@sso/persistence';
import { testIdpRecord } from '@sso/persistence/testing';
import { CreateUser } from '../src/users/create-user';
import { DeleteUser } from '../src/users/delete-user';
import { UpdateUser } from '../src/users/update-user';
import type { UserCache } from '../src/users/user-cache';
import { UserClaims } from '../src/users/user-claims';
import { ScimUserEmails } from '../src/users/user-emails';
import { UserReader } from '../src/users/user-reader';

// Unit-test wiring of the SCIM user use cases over memory stores (the unit specs of src/users import
// it; it lives under test/ because it builds stores, which production code never does).

/** The reader and the write use cases over `stores`, as users.module.ts composes them, with memory mail stores. */
export function userUseCases(
  stores: { spar: SparStores; identity: IdentityStores; docs: ScimUserDocStore; groups: ScimGroupStore },
  clock: Clock,
  cache: UserCache | null = null,
) {
  const { spar, identity, docs, groups } = stores;
  const reader = new UserReader(spar, identity, docs, groups, clock, { richInfoLimit: 5000, defaultLocale: 'en' }, cache);
  const claims = new UserClaims(spar, identity, { richInfoLimit: 5000 });
  const links = new EmailLinks(
    identity,
    new MemoryInvitationStore(clock),
    new MemoryActivationStore(clock),
    new MemoryMailOutboxStore(clock),
    clock,
    {
      invitationTimeoutSeconds: 3600,
      activationTimeoutSeconds: 3600,
      publicUrl: 'https://wire.example.com',
      defaultLocale: 'en',
      validateSamlEmailsByDefault: false,
    },
  );
  const emails = new ScimUserEmails(links, spar, identity);
  const deletes = new DeleteUser(spar, identity, docs, groups, clock, reader, emails);
  const creates = new CreateUser(spar, identity, docs, clock, reader, claims, emails, deletes);
  const updates = new UpdateUser(spar, identity, docs, clock, reader, claims, emails);
  return { reader, claims, emails, deletes, creates, updates };
}

/** An IdP record of `team` with `issuer`. */
export const testIdp = (team: TeamId, issuer: string): IdpRecord => testIdpRecord(team, issuer);

/** A SCIM token of `team`, bound to `idp` or to none. */
export function testToken(team: TeamId, clock: Clock, idp: IdpId | null = null): ScimTokenRecord {
  return { team, id: newScimTokenId(), tokenKey: 'k', createdAt: clock.now(), idp, description: 'test', name: 'test' };
}
