/**
 * An id as the memory twins key it: lowercase, as Cassandra's uuid columns give it back.
 *
 * The id casts of the memory twins (this one and the `row.x as UserId` of the row readers) never
 * prove an outside value: ids reach a store already branded (the apps parse what comes from
 * outside with the constructors of `libs/domain/src/ids.ts`), and an id read back from a table
 * was written there by the same store from a branded id. The cast only restores the brand.
 */
export const lc = <T extends string>(s: string): T => s.toLowerCase() as T;
