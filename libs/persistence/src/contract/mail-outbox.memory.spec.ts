import { MemoryMailOutboxStore } from '../memory/mail-outbox-store';
import { mailOutboxContract } from './mail-outbox.contract';

mailOutboxContract('memory twin', (clock) => new MemoryMailOutboxStore(clock));
