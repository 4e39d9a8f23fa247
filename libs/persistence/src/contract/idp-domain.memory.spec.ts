import { MemoryIdpDomainStore } from '../memory/idp-domain-store';
import { idpDomainContract } from './idp-domain.contract';

idpDomainContract('memory twin', () => new MemoryIdpDomainStore());
