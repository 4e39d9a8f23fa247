import { MemoryPasswordResetStore } from '../memory/password-reset-store';
import { passwordResetContract } from './password-reset.contract';

passwordResetContract('memory twin', () => new MemoryPasswordResetStore());
