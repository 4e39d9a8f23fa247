import type { IdpId } from '@sso/domain';
import type { DefaultIdpStore } from '../ports/default-idp-store';
import type { CassandraDb } from './db';
import { uuidOrNull } from './store-helpers';

let lastMicros = 0;
/** Strictly increasing microsecond timestamps for this process. */
function nextMicros(): number {
  lastMicros = Math.max(lastMicros + 2, Date.now() * 1000);
  return lastMicros;
}

export class CassandraDefaultIdpStore implements DefaultIdpStore {
  private readonly ks: string;

  constructor(private readonly db: CassandraDb) {
    this.ks = db.config.keyspaces.spar;
  }

  async get(): Promise<IdpId | null> {
    const rs = await this.db.execute(
      'default_idp.get',
      `SELECT idp FROM ${this.ks}.default_idp WHERE partition_key_always_default = 'default' ORDER BY idp ASC LIMIT 1`,
      [],
      { idempotent: true },
    );
    return uuidOrNull<IdpId>(rs.first()?.idp);
  }

  async set(idp: IdpId | null): Promise<void> {
    const del = `DELETE FROM ${this.ks}.default_idp USING TIMESTAMP ? WHERE partition_key_always_default = 'default'`;
    const ts = nextMicros();
    if (idp === null) {
      await this.db.execute('default_idp.clear', del, [ts], { idempotent: true });
      return;
    }
    // spar deletes, then inserts, in two statements. One batch is atomic; the insert is stamped one
    // microsecond after the partition delete, since on equal timestamps the delete would win.
    await this.db.batch('default_idp.set', [
      { query: del, params: [ts] },
      {
        query: `INSERT INTO ${this.ks}.default_idp (partition_key_always_default, idp) VALUES ('default', ?) USING TIMESTAMP ?`,
        params: [idp, ts + 1],
      },
    ]);
  }
}
