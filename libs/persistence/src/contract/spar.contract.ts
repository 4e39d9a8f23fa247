import { afterAll, beforeAll, describe } from 'vitest';
import type { ContractEnv } from './env.contract';
import { idpContract } from './idp.contract';
import { samlUserContract } from './saml-user.contract';
import { assertionReplayContract, authnRequestContract } from './saml-flow.contract';
import { scimExternalContract, scimTokenContract, scimUserTimesContract } from './scim.contract';

/** The whole contract, against one implementation. */
export function sparStoreContract(label: string, setup: () => Promise<ContractEnv & { teardown?: () => Promise<void> }>): void {
  describe(`spar stores contract: ${label}`, () => {
    let env: (ContractEnv & { teardown?: () => Promise<void> }) | undefined;
    beforeAll(async () => {
      env = await setup();
    });
    afterAll(async () => env?.teardown?.());
    const get = () => {
      if (!env) throw new Error('contract environment not set up');
      return env;
    };
    authnRequestContract(get);
    assertionReplayContract(get);
    idpContract(get);
    samlUserContract(get);
    scimExternalContract(get);
    scimUserTimesContract(get);
    scimTokenContract(get);
  });
}
