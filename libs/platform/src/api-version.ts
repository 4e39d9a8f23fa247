/** Wire's API versions: /v0 ... /v16 (16 = development). No prefix means v0. */
export const MAX_API_VERSION = 16;

const prefix = /^\/v(\d+)(\/.*)?$/;

export interface VersionedUrl {
  url: string;
  version: number;
  /** Set when the prefix names no supported version, or an internal route was versioned. */
  unsupported?: boolean;
}

/** Strips an optional `/vN` prefix from a request URL (path and query). */
export function stripApiVersion(rawUrl: string): VersionedUrl {
  const m = prefix.exec(rawUrl.split('?')[0]);
  if (!m) return { url: rawUrl, version: 0 };
  const version = Number(m[1]);
  const rest = rawUrl.slice(`/v${m[1]}`.length) || '/';
  const internal = rest === '/i' || rest.startsWith('/i/') || rest.startsWith('/i?');
  return { url: rest, version, unsupported: version > MAX_API_VERSION || internal || m[1].length > 2 };
}
