import { describe, expect, it } from 'vitest';
import { DomainError, errorCodes, errorSpecs, statusOf } from '@sso/domain';
import { ERROR_SCHEMA, SCIM_CONTENT_TYPE, ScimError, renderScimError, scimErrorBody } from './errors';

describe('the SCIM JSON renderer', () => {
  it('renders every code as RFC 7644 §3.12: status as a string, scimType only where the table has one', () => {
    for (const code of errorCodes) {
      const r = renderScimError({ code, message: `m ${code}` });
      expect(r.contentType).toBe(SCIM_CONTENT_TYPE);
      const scimType = errorSpecs[code].scimType;
      expect(JSON.parse(r.body)).toEqual({
        schemas: [ERROR_SCHEMA],
        status: String(statusOf(code)),
        detail: `m ${code}`,
        ...(scimType ? { scimType } : {}),
      });
    }
  });

  it('writes the exact bytes', () => {
    expect(renderScimError({ code: 'uniqueness', message: "userName 'a' is already taken" }).body).toBe(
      '{"schemas":["urn:ietf:params:scim:api:messages:2.0:Error"],"status":"409","detail":"userName \'a\' is already taken","scimType":"uniqueness"}',
    );
    expect(scimErrorBody({ code: 'precondition-failed', message: 'changed' })).toEqual({
      schemas: [ERROR_SCHEMA],
      status: '412',
      detail: 'changed',
    });
  });
});

describe('ScimError', () => {
  it('is a DomainError with a code; its scimType and status come from the table', () => {
    const e = new ScimError('invalidFilter', 'bad filter');
    expect(e).toBeInstanceOf(DomainError);
    expect(e).toMatchObject({
      code: 'invalidFilter',
      scimType: 'invalidFilter',
      detail: 'bad filter',
      message: 'bad filter',
      name: 'ScimError',
    });
    const gone = new ScimError('not-found', 'User u not found');
    expect(gone.scimType).toBeUndefined();
    expect(statusOf(gone.code)).toBe(404);
  });
});
