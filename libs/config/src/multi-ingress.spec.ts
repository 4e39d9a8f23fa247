import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './load';

const problemsOf = (env: Record<string, string>): string[] => {
  try {
    loadConfig({ env });
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  throw new Error('expected a ConfigError');
};

describe('saml.spDomainConfigs (multi-ingress)', () => {
  it('is absent by default: single-ingress', () => {
    expect(loadConfig({ env: {} }).saml.spDomainConfigs).toBeUndefined();
  });

  it('reads SAML_SP_DOMAIN_CONFIGS as JSON, contacts defaulting to none', () => {
    const c = loadConfig({
      env: {
        SAML_SP_DOMAIN_CONFIGS: JSON.stringify({
          'a.example.com': {
            spSsoUri: 'https://a.example.com/sso',
            spAppUri: 'https://a.example.com/',
            contacts: [{ type: 'ContactSupport', email: 'email:x@a.example.com' }],
          },
          'b.example.com': { spSsoUri: 'https://b.example.com/sso', spAppUri: 'https://b.example.com/' },
        }),
      },
    });
    expect(c.saml.spDomainConfigs).toEqual({
      'a.example.com': {
        spSsoUri: 'https://a.example.com/sso',
        spAppUri: 'https://a.example.com/',
        contacts: [{ type: 'ContactSupport', email: 'email:x@a.example.com' }],
      },
      'b.example.com': { spSsoUri: 'https://b.example.com/sso', spAppUri: 'https://b.example.com/', contacts: [] },
    });
  });

  it.each([
    ['an empty map', {}, /name at least one domain/],
    ['an uppercase host', { 'A.example.com': { spSsoUri: 'https://a/sso', spAppUri: 'https://a/' } }, /lowercase host name/],
    ['a host with a port', { 'a.example.com:443': { spSsoUri: 'https://a/sso', spAppUri: 'https://a/' } }, /lowercase host name/],
    ['a missing spSsoUri', { 'a.example.com': { spAppUri: 'https://a/' } }, /spSsoUri/],
    ['a relative spSsoUri', { 'a.example.com': { spSsoUri: '/sso', spAppUri: 'https://a/' } }, /spSsoUri/],
    ['an unknown key', { 'a.example.com': { spSsoUri: 'https://a/sso', spAppUri: 'https://a/', publicUrl: 'x' } }, /publicUrl/],
    [
      'a bad contact type',
      { 'a.example.com': { spSsoUri: 'https://a/sso', spAppUri: 'https://a/', contacts: [{ type: 'Boss' }] } },
      /contacts/,
    ],
  ])('refuses %s, naming the key and the variable', (_, value, message) => {
    const problems = problemsOf({ SAML_SP_DOMAIN_CONFIGS: JSON.stringify(value) });
    expect(problems.join('\n')).toMatch(/saml\.spDomainConfigs/);
    expect(problems.join('\n')).toMatch(/env SAML_SP_DOMAIN_CONFIGS/);
    expect(problems.join('\n')).toMatch(message);
  });

  it('refuses JSON that does not parse', () => {
    expect(problemsOf({ SAML_SP_DOMAIN_CONFIGS: '{a.example.com' })).toEqual([
      'saml.spDomainConfigs (env SAML_SP_DOMAIN_CONFIGS): not valid JSON',
    ]);
  });
});
