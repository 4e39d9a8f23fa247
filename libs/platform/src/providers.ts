import type { FactoryProvider, InjectionToken } from '@nestjs/common';
import { EmailLinks } from '@sso/auth';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import type { ActivationStore, IdentityStores, InvitationStore, LoginLookups, MailOutbox } from '@sso/persistence';
import { ACTIVATIONS, CLOCK, IDENTITY_STORES, INVITATIONS, LOGIN_LOOKUPS, MAIL_OUTBOX } from './store-tokens';
import { CONFIG } from './tokens';

/**
 * The provider of a class built from what the container holds: `deps` are injected and passed to
 * its constructor in this order (the order of its parameters, as a hand-written factory would).
 * For use cases that take only injected dependencies; where settings are derived from the config,
 * write the factory.
 */
export function constructedFrom<T>(cls: new (...args: never[]) => T, deps: InjectionToken[]): FactoryProvider<T> {
  return { provide: cls, inject: deps, useFactory: (...args: unknown[]) => new cls(...(args as never[])) };
}

/**
 * The one EmailLinks of an app (invitations and email activation, libs/auth), from the stores,
 * the outbox and the configuration; validateSAMLemails is read through the cached lookups.
 */
export const emailLinksProvider: FactoryProvider<EmailLinks> = {
  provide: EmailLinks,
  inject: [IDENTITY_STORES, INVITATIONS, ACTIVATIONS, MAIL_OUTBOX, CLOCK, CONFIG, LOGIN_LOOKUPS],
  useFactory: (
    identity: IdentityStores,
    invitations: InvitationStore,
    activations: ActivationStore,
    outbox: MailOutbox,
    clock: Clock,
    config: Config,
    lookups: LoginLookups,
  ) =>
    new EmailLinks(
      identity,
      invitations,
      activations,
      outbox,
      clock,
      {
        invitationTimeoutSeconds: config.invitations.timeoutSeconds,
        activationTimeoutSeconds: config.invitations.activationTimeoutSeconds,
        publicUrl: config.mail.linkBaseUrl ?? config.saml.spAppUri,
        defaultLocale: config.defaultLocale,
        validateSamlEmailsByDefault: config.features.validateSAMLemails === 'enabled-by-default',
      },
      lookups.teamFeatures,
    ),
};
