import { FakeClock } from '@sso/domain';
import { MemoryActivityStore } from '../memory/activity-store';
import { activityContract } from './activity.contract';

const clock = new FakeClock(new Date('2026-12-04T15:00:00Z'));
activityContract(
  'memory twin',
  () => new MemoryActivityStore(clock),
  async (s) => clock.advance(s * 1000),
  () => clock.now(),
);
