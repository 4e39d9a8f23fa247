import { lookup } from 'node:dns/promises';
import https from 'node:https';
import { isIP } from 'node:net';
import { type PeerCertificate, checkServerIdentity, rootCertificates } from 'node:tls';
import { DomainError } from '@sso/domain';
import { METADATA_LIMITS } from './idp-metadata';

/** Resolves a host name to every address it has (injectable so tests control DNS). */
export type Resolver = (host: string) => Promise<Array<{ address: string; family: number }>>;

const systemResolver: Resolver = (host) => lookup(host, { all: true, verbatim: true });

export interface MetadataFetchOptions {
  resolve?: Resolver;
  /** Extra trusted CA certificates (PEM), added to Node's roots (a private PKI, or a test server). */
  extraCa?: string;
  /** Accept loopback addresses (tests only; the config refuses it in production). Off by default. */
  allowLoopback?: boolean;
  /** Default: METADATA_LIMITS.maxBytes (what the parser accepts anyway). */
  maxBytes?: number;
  /** For the whole fetch, redirects included. Default 10 s. */
  timeoutMs?: number;
  /** Default 3; each hop must be https and pass the address check again. */
  maxRedirects?: number;
}

/** Fetches IdP metadata from a URL; throws DomainError `invalid-metadata` with the reason. */
export type MetadataFetcher = (url: string) => Promise<string>;

const refused = (why: string) => new DomainError('invalid-metadata', `Metadata URL refused: ${why}`);

/** An IPv4 address as 4 bytes, or null. */
function v4Bytes(a: string): number[] | null {
  if (isIP(a) !== 4) return null;
  return a.split('.').map(Number);
}

/** An IPv6 address (possibly with a dotted IPv4 tail or a zone) as 16 bytes, or null. */
function v6Bytes(input: string): number[] | null {
  const a = input.replace(/%.*$/, '');
  if (isIP(a) !== 6) return null;
  let text = a;
  const tail: number[] = [];
  const dotted = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (dotted) {
    const b = v4Bytes(dotted[1]);
    if (!b) return null;
    tail.push(...b);
    text = text.slice(0, -dotted[1].length) + '0:0';
  }
  const [head, rest] = text.includes('::') ? text.split('::') : [text, null];
  const hs = head ? head.split(':') : [];
  const rs = rest ? rest.split(':') : [];
  const groups = rest === null ? hs : [...hs, ...new Array(8 - hs.length - rs.length).fill('0'), ...rs];
  if (groups.length !== 8) return null;
  const bytes = groups.flatMap((g) => {
    const n = parseInt(g, 16);
    return [n >> 8, n & 0xff];
  });
  if (tail.length) bytes.splice(12, 4, ...tail);
  return bytes;
}

const inV4 = (b: number[], net: number[], bits: number) => {
  for (let i = 0; i < 4; i++) {
    const m = bits >= (i + 1) * 8 ? 0xff : bits <= i * 8 ? 0 : (0xff << (8 - (bits - i * 8))) & 0xff;
    if ((b[i] & m) !== (net[i] & m)) return false;
  }
  return true;
};

/** Why an address must not be fetched from (null: public unicast, fine). */
export function forbiddenAddress(address: string, allowLoopback = false): string | null {
  const b4 = v4Bytes(address);
  if (b4) {
    const ranges: Array<[number[], number, string]> = [
      [[0, 0, 0, 0], 8, 'unspecified ("this network")'],
      [[10, 0, 0, 0], 8, 'private'],
      [[100, 64, 0, 0], 10, 'carrier-grade NAT'],
      [[127, 0, 0, 0], 8, 'loopback'],
      [[169, 254, 0, 0], 16, 'link-local'],
      [[172, 16, 0, 0], 12, 'private'],
      [[192, 0, 0, 0], 24, 'IETF protocol assignments'],
      [[192, 168, 0, 0], 16, 'private'],
      [[198, 18, 0, 0], 15, 'benchmarking'],
      [[224, 0, 0, 0], 4, 'multicast'],
      [[240, 0, 0, 0], 4, 'reserved or broadcast'],
    ];
    for (const [net, bits, why] of ranges) {
      if (inV4(b4, net, bits)) return why === 'loopback' && allowLoopback ? null : `${why} address ${address}`;
    }
    return null;
  }
  const b = v6Bytes(address);
  if (!b) return `not an IP address: ${address}`;
  const zero = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zero(0, 16)) return `unspecified address ${address}`;
  if (zero(0, 15) && b[15] === 1) return allowLoopback ? null : `loopback address ${address}`;
  // IPv4-mapped (::ffff:a.b.c.d) and NAT64 (64:ff9b::a.b.c.d): judged by the IPv4 address inside.
  const embedded = b.slice(12).join('.');
  if (zero(0, 10) && b[10] === 0xff && b[11] === 0xff) return forbiddenAddress(embedded, allowLoopback);
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zero(4, 12)) return forbiddenAddress(embedded, allowLoopback);
  if (zero(0, 12)) return `IPv4-compatible address ${address}`;
  if (b[0] === 0x20 && b[1] === 0x02) return forbiddenAddress(b.slice(2, 6).join('.'), allowLoopback); // 6to4
  if (b[0] === 0xff) return `multicast address ${address}`;
  if ((b[0] & 0xfe) === 0xfc) return `private (unique local) address ${address}`;
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0x80) return `link-local address ${address}`;
  if (b[0] === 0xfe && (b[1] & 0xc0) === 0xc0) return `site-local address ${address}`;
  if (b[0] === 0x20 && b[1] === 0x01 && b[2] === 0x0d && b[3] === 0xb8) return `documentation address ${address}`;
  return null;
}

/** A fetcher with the SSRF guard, HTTPS only, a size cap and a total timeout. */
export function metadataFetcher(opts: MetadataFetchOptions = {}): MetadataFetcher {
  const resolve = opts.resolve ?? systemResolver;
  const maxBytes = opts.maxBytes ?? METADATA_LIMITS.maxBytes;
  const timeoutMs = opts.timeoutMs ?? 10_000;
  const maxRedirects = opts.maxRedirects ?? 3;
  const ca = opts.extraCa ? [...rootCertificates, opts.extraCa] : undefined;

  return async (url: string): Promise<string> => {
    const ac = new AbortController();
    const timer = setTimeout(() => ac.abort(), timeoutMs);
    try {
      let current = url;
      for (let hop = 0; ; hop++) {
        const r = await oneRequest(current, {
          resolve,
          ca,
          maxBytes,
          allowLoopback: opts.allowLoopback ?? false,
          signal: ac.signal,
          timeoutMs,
        });
        if (r.kind === 'body') return r.text;
        if (hop >= maxRedirects) throw refused(`more than ${maxRedirects} redirects`);
        current = new URL(r.location, current).toString();
      }
    } finally {
      clearTimeout(timer);
    }
  };
}

interface RequestCtx {
  resolve: Resolver;
  ca: string[] | undefined;
  maxBytes: number;
  allowLoopback: boolean;
  signal: AbortSignal;
  timeoutMs: number;
}

async function oneRequest(raw: string, ctx: RequestCtx): Promise<{ kind: 'body'; text: string } | { kind: 'redirect'; location: string }> {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw refused('not a URL');
  }
  if (url.protocol !== 'https:') throw refused('only https URLs are fetched');
  if (url.username || url.password) throw refused('credentials in the URL');
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const literal = isIP(host) !== 0;
  let addresses: Array<{ address: string; family: number }>;
  try {
    addresses = literal ? [{ address: host, family: isIP(host) }] : await withAbort(ctx.resolve(host), ctx.signal, ctx.timeoutMs);
  } catch (e) {
    if (e instanceof DomainError) throw e;
    throw refused(`cannot resolve ${host}`);
  }
  if (addresses.length === 0) throw refused(`cannot resolve ${host}`);
  // Every address must be acceptable (a name that also points inside is refused), and we connect
  // to the checked one ourselves, so a second DNS answer cannot move the request (no rebinding).
  for (const a of addresses) {
    const why = forbiddenAddress(a.address, ctx.allowLoopback);
    if (why) throw refused(why);
  }
  const target = addresses[0];

  return new Promise((resolvePromise, reject) => {
    const req = https.request(
      {
        host: target.address,
        family: target.family,
        port: url.port ? Number(url.port) : 443,
        path: `${url.pathname}${url.search}`,
        method: 'GET',
        servername: literal ? undefined : host,
        headers: {
          host: url.host,
          accept: 'application/samlmetadata+xml, application/xml, text/xml;q=0.9, */*;q=0.1',
          'accept-encoding': 'identity',
        },
        ca: ctx.ca,
        signal: ctx.signal,
        agent: false,
        // The certificate is checked against the URL's host, not the address we connect to.
        checkServerIdentity: (_h, cert) => tlsCheck(host, cert),
      },
      (res) => {
        const status = res.statusCode ?? 0;
        if ([301, 302, 303, 307, 308].includes(status)) {
          res.resume();
          const location = res.headers.location;
          if (!location) return reject(refused(`redirect ${status} without Location`));
          return resolvePromise({ kind: 'redirect', location });
        }
        if (status !== 200) {
          res.resume();
          return reject(refused(`HTTP ${status}`));
        }
        const declared = Number(res.headers['content-length'] ?? NaN);
        if (declared > ctx.maxBytes) {
          res.destroy();
          return reject(refused(`larger than ${ctx.maxBytes} bytes`));
        }
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > ctx.maxBytes) {
            res.destroy();
            reject(refused(`larger than ${ctx.maxBytes} bytes`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          try {
            resolvePromise({ kind: 'body', text: new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)) });
          } catch {
            reject(refused('not UTF-8'));
          }
        });
        res.on('error', (e) => reject(ctx.signal.aborted ? refused(`no answer within ${ctx.timeoutMs} ms`) : refused(e.message)));
      },
    );
    req.on('error', (e) => reject(ctx.signal.aborted ? refused(`no answer within ${ctx.timeoutMs} ms`) : refused(e.message)));
    req.end();
  });
}

function tlsCheck(host: string, cert: PeerCertificate): Error | undefined {
  return checkServerIdentity(host, cert);
}

function withAbort<T>(p: Promise<T>, signal: AbortSignal, timeoutMs: number): Promise<T> {
  if (signal.aborted) return Promise.reject(refused(`no answer within ${timeoutMs} ms`));
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(refused(`no answer within ${timeoutMs} ms`));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
