import { systemClock } from '@sso/domain';
import { MemoryDomainRegistrationStore } from '../memory/domain-registration-store';
import { domainRegistrationContract } from './domain-registration.contract';

domainRegistrationContract('memory twin', () => new MemoryDomainRegistrationStore(systemClock));
