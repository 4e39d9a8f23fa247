import { MemoryScimGroupStore } from '../memory/scim-group-store';
import { scimGroupContract } from './scim-group.contract';

scimGroupContract('memory twin', () => new MemoryScimGroupStore());
