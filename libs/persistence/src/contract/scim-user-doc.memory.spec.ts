import { MemoryScimUserDocStore } from '../memory/scim-user-doc-store';
import { scimUserDocContract } from './scim-user-doc.contract';

scimUserDocContract('memory twin', () => new MemoryScimUserDocStore());
