import { FakeClock } from '@sso/domain';
import { MemoryIdpMetadataSourceStore } from '../memory/idp-metadata-source-store';
import { idpMetadataSourceContract } from './idp-metadata-source.contract';

const clock = new FakeClock(new Date('2026-11-30T10:00:00Z'));
idpMetadataSourceContract(
  'memory twin',
  () => new MemoryIdpMetadataSourceStore(clock),
  async (s) => clock.advance(s * 1000),
);
