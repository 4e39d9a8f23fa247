import { describe, expect, it } from 'vitest';
import { errorCodes, labelOf, statusOf } from '@sso/domain';
import { detailHeaders, renderWireError, rendererFor, wireError } from './wire-error';

describe('the Wire JSON renderer', () => {
  it('renders every code as {code, label, message} with the status and label of the table', () => {
    for (const code of errorCodes) {
      const r = renderWireError({ code, message: `m ${code}`, details: {} });
      expect(r.contentType).toBe('application/json; charset=utf-8');
      expect(JSON.parse(r.body)).toEqual({ code: statusOf(code), label: labelOf(code), message: `m ${code}` });
    }
  });

  it('writes the exact bytes Wire clients parse, in that key order', () => {
    expect(renderWireError({ code: 'token-limit-reached', message: 'Maximum number of tokens reached', details: {} }).body).toBe(
      '{"code":403,"label":"token-limit-reached","message":"Maximum number of tokens reached"}',
    );
    // Codes that share a label: the status is the code's own.
    expect(wireError('bad-response-issuer', 'x')).toEqual({ code: 403, label: 'bad-response-saml', message: 'x' });
    expect(wireError('request-header-fields-too-large', 'x')).toEqual({ code: 431, label: 'client-error', message: 'x' });
    expect(wireError('invalidSyntax', 'x')).toEqual({ code: 400, label: 'bad-request', message: 'x' });
  });

  it("uses an app's renderer for its paths only, and turns details into headers", () => {
    const other = () => ({ contentType: 'x/y', body: 'other' });
    expect(rendererFor((p) => (p.startsWith('/x') ? other : undefined), '/x/1')).toBe(other);
    expect(rendererFor((p) => (p.startsWith('/x') ? other : undefined), '/y')).toBe(renderWireError);
    expect(rendererFor(undefined, '/x')).toBe(renderWireError);
    expect(detailHeaders({ code: 'too-many-requests', message: '', details: { retryAfterSeconds: 7 } })).toEqual({ 'retry-after': '7' });
    expect(detailHeaders({ code: 'too-many-requests', message: '', details: {} })).toEqual({});
  });
});
