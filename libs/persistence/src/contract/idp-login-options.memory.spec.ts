import { MemoryIdpLoginOptionsStore } from '../memory/idp-login-options-store';
import { idpLoginOptionsContract } from './idp-login-options.contract';

idpLoginOptionsContract('memory twin', () => new MemoryIdpLoginOptionsStore());
