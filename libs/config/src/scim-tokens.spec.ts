import { describe, expect, it } from 'vitest';
import { loadConfig } from './load';

describe('SCIM token lifecycle configuration', () => {
  it('has the documented defaults: a 5 s check cache, 100/s per token with bursts of 300, 730-day lifetimes, 14-day warning', () => {
    expect(loadConfig({ env: {} }).scim).toMatchObject({
      tokenCacheSeconds: 5,
      tokenRateLimit: 100,
      tokenRateBurst: 300,
      maxTokenLifetimeDays: 730,
      tokenExpiryWarningDays: 14,
    });
  });

  it('reads the environment, and 0 turns the cache and the rate limit off', () => {
    const c = loadConfig({
      env: {
        SCIM_TOKEN_CACHE_SECONDS: '0',
        SCIM_TOKEN_RATE_LIMIT: '0',
        SCIM_TOKEN_RATE_BURST: '10',
        SCIM_TOKEN_MAX_LIFETIME_DAYS: '90',
        SCIM_TOKEN_EXPIRY_WARNING_DAYS: '7',
      },
    }).scim;
    expect(c).toMatchObject({
      tokenCacheSeconds: 0,
      tokenRateLimit: 0,
      tokenRateBurst: 10,
      maxTokenLifetimeDays: 90,
      tokenExpiryWarningDays: 7,
    });
  });

  it.each([
    ['SCIM_TOKEN_CACHE_SECONDS', '61'],
    ['SCIM_TOKEN_CACHE_SECONDS', '-1'],
    ['SCIM_TOKEN_RATE_LIMIT', '-1'],
    ['SCIM_TOKEN_RATE_LIMIT', 'fast'],
    ['SCIM_TOKEN_RATE_BURST', '0'],
    ['SCIM_TOKEN_MAX_LIFETIME_DAYS', '0'],
    ['SCIM_TOKEN_EXPIRY_WARNING_DAYS', '366'],
  ])('refuses %s=%s, naming the key', (name, value) => {
    expect(() => loadConfig({ env: { [name]: value } })).toThrow(
      /scim\.(tokenCacheSeconds|tokenRateLimit|tokenRateBurst|maxTokenLifetimeDays|tokenExpiryWarningDays)/,
    );
  });
});
