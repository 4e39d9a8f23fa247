/** A numbered schema change for one keyspace. Statements must be idempotent (IF NOT EXISTS). */
export interface Migration {
  version: number;
  description: string;
  statements: (keyspace: string) => string[];
}

export type KeyspaceRole = 'spar' | 'brig' | 'galley';
