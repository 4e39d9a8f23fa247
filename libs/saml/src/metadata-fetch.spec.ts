import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError } from '@sso/domain';
import { type TestHttpsServer, startTestHttpsServer } from '@sso/testing';
import { type MetadataFetchOptions, forbiddenAddress, metadataFetcher } from './metadata-fetch';

const refusal = async (p: Promise<unknown>): Promise<string> => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DomainError);
    expect((e as DomainError).code).toBe('invalid-metadata');
    return (e as Error).message;
  }
  return 'accepted';
};

describe('forbiddenAddress (the SSRF guard)', () => {
  it.each([
    '10.1.2.3',
    '172.16.0.1',
    '172.31.255.255',
    '192.168.1.1',
    '127.0.0.1',
    '127.8.9.10',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.254',
    '0.0.0.0',
    '0.1.2.3',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '240.0.0.1',
    '198.18.0.1',
    '192.0.0.8',
    '::',
    '::1',
    'fe80::1',
    'fe80::1%eth0',
    'fd12:3456::1',
    'fc00::1',
    'ff02::1',
    'fec0::1',
    '::ffff:10.0.0.1',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:169.254.169.254',
    '64:ff9b::a00:1',
    '::10.0.0.1',
    '2002:0a00:0001::1',
    '2001:db8::1',
  ])('refuses %s', (a) => {
    expect(forbiddenAddress(a)).not.toBeNull();
  });

  it.each([
    '93.184.216.34',
    '8.8.8.8',
    '172.32.0.1',
    '100.128.0.1',
    '2606:4700:4700::1111',
    '::ffff:8.8.8.8',
    '64:ff9b::808:808',
    '2a00:1450:4001::200e',
  ])('accepts the public address %s', (a) => {
    expect(forbiddenAddress(a)).toBeNull();
  });

  it('accepts loopback only when allowed, and nothing else then', () => {
    expect(forbiddenAddress('127.0.0.1', true)).toBeNull();
    expect(forbiddenAddress('::1', true)).toBeNull();
    expect(forbiddenAddress('::ffff:127.0.0.1', true)).toBeNull();
    expect(forbiddenAddress('10.0.0.1', true)).not.toBeNull();
    expect(forbiddenAddress('169.254.169.254', true)).not.toBeNull();
    expect(forbiddenAddress('not-an-ip')).not.toBeNull();
  });
});

describe('metadataFetcher against a local HTTPS server', () => {
  let s: TestHttpsServer;
  const localhost = async () => [{ address: '127.0.0.1', family: 4 }];
  const fetcher = (over: MetadataFetchOptions = {}) =>
    metadataFetcher({ resolve: localhost, extraCa: s.caPem, allowLoopback: true, ...over });

  beforeAll(async () => {
    s = await startTestHttpsServer();
  });
  afterAll(() => s?.close());

  it('fetches over https by host name (certificate checked against the name) and by IP literal', async () => {
    s.serve('<md:EntityDescriptor/>');
    expect(await fetcher()(`${s.origin}/metadata`)).toBe('<md:EntityDescriptor/>');
    expect(await fetcher()(`https://127.0.0.1:${s.port}/metadata`)).toBe('<md:EntityDescriptor/>');
  });

  it('refuses http, credentials, loopback by default, an untrusted certificate, and non-200 answers', async () => {
    s.serve('<x/>');
    expect(await refusal(fetcher()(`http://localhost:${s.port}/`))).toMatch(/only https/);
    expect(await refusal(fetcher()(`https://u:p@localhost:${s.port}/`))).toMatch(/credentials/);
    expect(await refusal(fetcher({ allowLoopback: false })(`${s.origin}/`))).toMatch(/loopback/);
    expect(await refusal(fetcher({ allowLoopback: false })(`https://[::ffff:127.0.0.1]:${s.port}/`))).toMatch(/loopback/);
    expect(await refusal(fetcher({ extraCa: undefined })(`${s.origin}/`))).toMatch(/certificate/i);
    s.handle((_q, r) => r.writeHead(404).end('no'));
    expect(await refusal(fetcher()(`${s.origin}/`))).toMatch(/HTTP 404/);
  });

  it('refuses a host with any internal address, without connecting (DNS answers are checked, then used)', async () => {
    let hits = 0;
    s.handle((_q, r) => {
      hits++;
      r.writeHead(200).end('<x/>');
    });
    const mixed = async () => [
      { address: '93.184.216.34', family: 4 },
      { address: '10.0.0.7', family: 4 },
    ];
    expect(await refusal(fetcher({ resolve: mixed, allowLoopback: false })('https://idp.example.com/md'))).toMatch(
      /private address 10\.0\.0\.7/,
    );
    const metadataService = async () => [{ address: '169.254.169.254', family: 4 }];
    expect(await refusal(fetcher({ resolve: metadataService })('https://idp.example.com/md'))).toMatch(/link-local/);
    const mapped = async () => [{ address: '::ffff:192.168.0.1', family: 6 }];
    expect(await refusal(fetcher({ resolve: mapped })('https://idp.example.com/md'))).toMatch(/private/);
    const failing = async () => {
      throw new Error('ENOTFOUND');
    };
    expect(await refusal(fetcher({ resolve: failing })('https://idp.example.com/md'))).toMatch(/cannot resolve/);
    expect(hits).toBe(0);
  });

  it('refuses oversize bodies, declared or streamed', async () => {
    const big = 'x'.repeat(600 * 1024);
    s.serve(big);
    expect(await refusal(fetcher()(`${s.origin}/`))).toMatch(/larger than 524288 bytes/);
    s.handle((_q, r) => {
      r.writeHead(200, { 'content-type': 'application/xml' });
      for (let i = 0; i < 20; i++) r.write('y'.repeat(64 * 1024));
      r.end();
    });
    expect(await refusal(fetcher()(`${s.origin}/`))).toMatch(/larger than/);
    expect(await refusal(fetcher({ maxBytes: 10 })(`${s.origin}/`))).toMatch(/larger than 10 bytes/);
  });

  it('gives up after the total timeout', async () => {
    s.handle(() => {}); // never answers
    const t0 = Date.now();
    expect(await refusal(fetcher({ timeoutMs: 300 })(`${s.origin}/`))).toMatch(/no answer within 300 ms/);
    expect(Date.now() - t0).toBeLessThan(3000);
    s.handle((_q, r) => {
      r.writeHead(200);
      r.write('<md:'); // a body that trickles and never ends
    });
    expect(await refusal(fetcher({ timeoutMs: 300 })(`${s.origin}/`))).toMatch(/no answer within 300 ms/);
  });

  it('follows https redirects (checked again), refuses redirects to http and endless ones', async () => {
    s.handle((q, r) => {
      if (q.url === '/a') r.writeHead(302, { location: '/b' }).end();
      else if (q.url === '/b') r.writeHead(200).end('<ok/>');
      else if (q.url === '/plain') r.writeHead(301, { location: `http://localhost:${s.port}/b` }).end();
      else if (q.url === '/inside') r.writeHead(307, { location: 'https://10.0.0.1/md' }).end();
      else r.writeHead(302, { location: q.url ?? '/' }).end();
    });
    expect(await fetcher()(`${s.origin}/a`)).toBe('<ok/>');
    expect(await refusal(fetcher()(`${s.origin}/plain`))).toMatch(/only https/);
    expect(await refusal(fetcher()(`${s.origin}/inside`))).toMatch(/private/);
    expect(await refusal(fetcher()(`${s.origin}/loop`))).toMatch(/more than 3 redirects/);
  });
});
