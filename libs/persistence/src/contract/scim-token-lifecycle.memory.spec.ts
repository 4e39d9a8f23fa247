import { MemoryScimTokenLifecycleStore } from '../memory/scim-token-lifecycle-store';
import { scimTokenLifecycleContract } from './scim-token-lifecycle.contract';

scimTokenLifecycleContract('memory twin', () => new MemoryScimTokenLifecycleStore());
