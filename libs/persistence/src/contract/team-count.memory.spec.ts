import { FakeClock } from '@sso/domain';
import { MemoryPageCheckpointStore } from '../memory/page-checkpoint-store';
import { MemoryTeamCountStore } from '../memory/team-count-store';
import { teamCountContract } from './team-count.contract';

teamCountContract('memory twin', () => {
  const clock = new FakeClock(new Date('2026-12-04T10:00:00Z'));
  return {
    counts: new MemoryTeamCountStore(clock),
    checkpoints: new MemoryPageCheckpointStore(clock),
    pass: async (s) => clock.advance(s * 1000),
  };
});
