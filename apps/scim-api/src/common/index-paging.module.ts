import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import type { Config } from '@sso/config';
import type { Clock } from '@sso/domain';
import { type ChangeStamps, type PageCheckpointStore, type TeamCountStore, TeamCounts } from '@sso/persistence';
import { CHANGE_STAMPS, CLOCK, CONFIG, LOGGER, PAGE_CHECKPOINTS, TEAM_COUNTS } from '@sso/platform';
import { IndexPaging } from './index-paging';
import { CHECKPOINT_TTL_SECONDS } from './limits';

/** Waits for background recounts before the stores close. */
class CountsShutdown implements OnApplicationShutdown {
  constructor(@Inject(TeamCounts) private readonly counts: TeamCounts) {}

  async onApplicationShutdown(): Promise<void> {
    await this.counts.settled();
  }
}

/** The per-team counts (writers keep them) and index paging (lists read them); one instance each. */
@Global()
@Module({
  providers: [
    {
      provide: TeamCounts,
      inject: [TEAM_COUNTS, CLOCK, LOGGER, CONFIG, CHANGE_STAMPS],
      useFactory: (store: TeamCountStore, clock: Clock, log: Logger, config: Config, stamps: ChangeStamps | null) =>
        new TeamCounts(store, clock, {
          onError: (e) => log.warn({ err: e }, 'SCIM count recount failed; the next list tries again'),
          // Kept beside the user cache, with its lifetime; off with it (docs/decisions.md, "Index paging keeps the team's count").
          cache:
            stamps && config.scim.userCacheEntries > 0
              ? { stamps, ttlSeconds: config.scim.userCacheSeconds, maxEntries: config.scim.userCacheEntries }
              : undefined,
        }),
    },
    {
      provide: IndexPaging,
      inject: [TeamCounts, PAGE_CHECKPOINTS],
      useFactory: (counts: TeamCounts, checkpoints: PageCheckpointStore) =>
        new IndexPaging(counts, checkpoints, { checkpointSeconds: CHECKPOINT_TTL_SECONDS }),
    },
    CountsShutdown,
  ],
  exports: [TeamCounts, IndexPaging],
})
export class IndexPagingModule {}
