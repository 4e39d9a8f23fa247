import { expect } from 'vitest';
import { statusOf } from '@sso/domain';
import { ScimError, type ScimType } from './errors';

// Test helper: only spec files import it, so the build (tools/build.mjs) leaves it out of dist/.

/** Runs `f`, expects a 400 ScimError with `type`, and returns its detail for the caller to check. */
export function failsWith(type: ScimType, f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ScimError);
    expect((e as ScimError).scimType).toBe(type);
    expect(statusOf((e as ScimError).code)).toBe(400);
    return (e as ScimError).detail;
  }
  throw new Error(`expected ${type}`);
}
