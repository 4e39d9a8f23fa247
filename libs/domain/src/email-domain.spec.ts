import { describe, expect, it } from 'vitest';
import { domainChallengeName, emailDomain, normalizeDomain } from './email-domain';

describe('email domains', () => {
  it('normalises domain names and refuses what is not one', () => {
    expect(normalizeDomain(' Example.COM. ')).toBe('example.com');
    expect(normalizeDomain('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
    expect(normalizeDomain('a.b.c.example.org')).toBe('a.b.c.example.org');
    for (const bad of [
      '',
      'com',
      'localhost',
      '-a.com',
      'a-.com',
      'a..com',
      'a b.com',
      'bücher.de',
      '1.2.3.4',
      `${'a'.repeat(64)}.com`,
      'a.com/x',
      'a.com:80',
    ]) {
      expect(normalizeDomain(bad), bad).toBeNull();
    }
  });

  it('takes the domain after the last @ of an email', () => {
    expect(emailDomain('Alice@Example.com')).toBe('example.com');
    expect(emailDomain('"a@b"@corp.example')).toBe('corp.example');
    expect(emailDomain('alice')).toBeNull();
    expect(emailDomain('@example.com')).toBeNull();
    expect(emailDomain('alice@')).toBeNull();
    expect(domainChallengeName('example.com')).toBe('_wire-challenge.example.com');
  });
});
