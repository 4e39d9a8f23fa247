import type { types } from 'cassandra-driver';
import type { CassandraDb } from './db';
import { BATCH_BYTES_MAX } from './store-helpers';

/** One compare-and-set on a row of a shared partition. */
export interface CasOp {
  /** Metric name when it runs on its own. */
  name: string;
  query: string;
  params: unknown[];
  /** The row within the partition (its clustering key): two operations on one row never share a round. */
  row: string;
}

interface Waiting {
  op: CasOp;
  resolve: (rs: types.ResultSet) => void;
  reject: (e: unknown) => void;
}

/**
 * Compare-and-sets on rows of one partition, gathered into Paxos rounds. Cassandra serialises
 * Paxos per partition: concurrent rounds on one partition (all of a team's `scim_external` rows,
 * spar's key) refuse each other's ballots and retry after random pauses, so 16 concurrent creates
 * in one team spent 20–30 ms per claim and most of Cassandra's CPU in rounds that were thrown away.
 * Here a partition has at most one round in flight from this process; what arrives meanwhile waits
 * and then goes as one conditional batch (one Paxos round, all applied or none). A batch that is
 * not applied (one condition failed) or fails runs again one statement at a time, each with its
 * own answer. So only statements whose second run after an unknown outcome answers as the first
 * would belong here: a claim `IF NOT EXISTS` that its own earlier write refuses names its own
 * owner (the caller counts that as won), and `IF "user" = ?` applies again unchanged. A
 * compare-and-set on a version would not (its second run sees its own new version and reports a
 * conflict); lwt-confirm.ts settles only single statements.
 */
export class PartitionCas {
  private readonly waiting = new Map<string, Waiting[]>();

  constructor(
    private readonly db: CassandraDb,
    /** Metric name of a gathered round. */
    private readonly batchName: string,
    private readonly maxBatch = 16,
    /** Bytes of parameters per round. */
    private readonly maxBytes = BATCH_BYTES_MAX,
  ) {}

  run(partition: string, op: CasOp): Promise<types.ResultSet> {
    return new Promise((resolve, reject) => {
      const queue = this.waiting.get(partition);
      if (queue) {
        queue.push({ op, resolve, reject });
        return;
      }
      this.waiting.set(partition, []);
      void this.drive(partition, [{ op, resolve, reject }]);
    });
  }

  /** Runs rounds on the partition until nothing waits for it. */
  private async drive(partition: string, first: Waiting[]): Promise<void> {
    let group = first;
    for (;;) {
      await this.round(group);
      const queue = this.waiting.get(partition)!;
      if (!queue.length) {
        this.waiting.delete(partition);
        return;
      }
      group = this.take(queue);
    }
  }

  /** Takes, in arrival order, up to `maxBatch` waiting operations on distinct rows, within `maxBytes`. */
  private take(queue: Waiting[]): Waiting[] {
    const rows = new Set<string>();
    const group: Waiting[] = [];
    const rest: Waiting[] = [];
    let bytes = 0;
    for (const w of queue) {
      const size = paramBytes(w.op.params);
      if (group.length === 0 || (group.length < this.maxBatch && !rows.has(w.op.row) && bytes + size <= this.maxBytes)) {
        rows.add(w.op.row);
        group.push(w);
        bytes += size;
      } else rest.push(w);
    }
    queue.splice(0, queue.length, ...rest);
    return group;
  }

  private async round(group: Waiting[]): Promise<void> {
    if (group.length > 1) {
      try {
        const rs = await this.db.casBatch(
          this.batchName,
          group.map((w) => ({ query: w.op.query, params: w.op.params })),
        );
        if (rs.wasApplied()) {
          for (const w of group) w.resolve(rs);
          return;
        }
      } catch {
        // Unknown outcome: each statement below finds out, and answers, for itself.
      }
    }
    for (const w of group) {
      try {
        w.resolve(await this.db.execute(w.op.name, w.op.query, w.op.params));
      } catch (e) {
        w.reject(e);
      }
    }
  }
}

/** About what the parameters weigh on the wire: text by its UTF-8 length, anything else 16 bytes (uuids). */
function paramBytes(params: unknown[]): number {
  return params.reduce<number>((n, p) => n + (typeof p === 'string' ? Buffer.byteLength(p) : 16), 0);
}
