import { Resolver } from 'node:dns/promises';

/** The TXT records of a name (each a list of character strings); none when the name has none. */
export type TxtLookup = (name: string) => Promise<string[][]>;

const NO_RECORDS = new Set(['ENODATA', 'ENOTFOUND', 'NXDOMAIN']);

/**
 * TXT lookups with Node's resolver (c-ares), through `servers` (host or host:port) when given, else
 * the system's. A name without TXT records is an empty list; a resolver failure (timeout, refused)
 * throws, so a DNS outage is never mistaken for a missing record.
 */
export function dnsTxtLookup(servers: string[], timeoutMs = 3000): TxtLookup {
  const resolver = new Resolver({ timeout: timeoutMs, tries: 2 });
  if (servers.length > 0) resolver.setServers(servers);
  return async (name) => {
    try {
      return await resolver.resolveTxt(name);
    } catch (e) {
      if (NO_RECORDS.has((e as NodeJS.ErrnoException).code ?? '')) return [];
      throw e;
    }
  };
}
