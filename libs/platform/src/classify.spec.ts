import { BadRequestException, ForbiddenException, HttpException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import { DomainError, errorCodes, errorSpecs, labelOf, scimTypes, statusOf } from '@sso/domain';
import { InvalidCursorError, StoreUnavailableError } from '@sso/persistence';
import { JsonSyntaxError, JsonTooDeepError } from './body-parsers';
import { classify, isServerFault } from './classify';

const fastifyError = (code: string, statusCode: number, message = 'm') => Object.assign(new Error(message), { code, statusCode });

describe('the error table', () => {
  it('gives every code an error status and a Wire label', () => {
    for (const code of errorCodes) {
      expect(statusOf(code), code).toBeGreaterThanOrEqual(400);
      expect(statusOf(code), code).toBeLessThan(600);
      expect(labelOf(code), code).toMatch(/^[a-z]+(-[a-z]+)*$/);
    }
    expect(Object.keys(errorSpecs).sort()).toEqual([...errorCodes].sort());
    expect(new Set(errorCodes).size).toBe(errorCodes.length);
  });

  it('names each scimType by a code of its own, which carries it', () => {
    for (const t of scimTypes) expect(errorSpecs[t].scimType).toBe(t);
    const carriers = errorCodes.filter((c) => errorSpecs[c].scimType !== undefined);
    expect(carriers.sort()).toEqual([...scimTypes].sort());
  });
});

describe('classify', () => {
  it('keeps the code, message and details of every DomainError (exhaustive over the table)', () => {
    for (const code of errorCodes) {
      expect(classify(new DomainError(code, `about ${code}`, { retryAfterSeconds: 3 }))).toEqual({
        code,
        message: `about ${code}`,
        details: { retryAfterSeconds: 3 },
      });
    }
  });

  it('reaches every status of the table from what Nest and Fastify throw, with a code of that status', () => {
    const statuses = new Set(errorCodes.map(statusOf));
    for (const status of statuses) {
      const fromNest = classify(new HttpException('x', status));
      expect(statusOf(fromNest.code), `Nest ${status}`).toBe(status >= 500 && status !== 503 ? 500 : status);
      if (status < 500) expect(statusOf(classify(fastifyError('FST_X', status)).code), `Fastify ${status}`).toBe(status);
    }
  });

  it("answers Nest's own exceptions by their status; an unmatched route is no-endpoint", () => {
    expect(classify(new NotFoundException('Cannot GET /nope'))).toEqual({ code: 'no-endpoint', message: 'Cannot GET /nope', details: {} });
    expect(classify(new NotFoundException('User u not found')).code).toBe('not-found');
    expect(classify(new BadRequestException(['name must be a string', 'age must be a number']))).toMatchObject({
      code: 'bad-request',
      message: 'name must be a string; age must be a number',
    });
    expect(classify(new ForbiddenException()).code).toBe('access-denied');
    expect(classify(new PayloadTooLargeException()).code).toBe('payload-too-large');
    expect(classify(new HttpException('teapot', 418))).toMatchObject({ code: 'client-error', message: 'teapot' });
    expect(classify(new HttpException('gateway', 502)).code).toBe('server-error');
  });

  it("classifies Fastify's parsing errors: JSON syntax is invalidSyntax (bad-request in Wire)", () => {
    for (const code of ['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']) {
      expect(classify(fastifyError(code, 400, 'Body is not valid JSON'))).toEqual({
        code: 'invalidSyntax',
        message: 'Body is not valid JSON',
        details: {},
      });
    }
    expect(classify(new JsonSyntaxError('FST_ERR_CTP_EMPTY_JSON_BODY', 'empty'))).toEqual({
      code: 'invalidSyntax',
      message: 'empty',
      details: {},
    });
    expect(classify(new JsonTooDeepError())).toEqual({
      code: 'invalidSyntax',
      message: 'JSON body nested deeper than 32 levels',
      details: {},
    });
    expect(classify(Object.assign(new SyntaxError('Unexpected token'), { statusCode: 400 })).code).toBe('invalidSyntax');
    expect(classify(fastifyError('FST_ERR_CTP_BODY_TOO_LARGE', 413, 'Request body is too large')).code).toBe('payload-too-large');
    expect(classify(fastifyError('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).code).toBe('unsupported-media-type');
    expect(classify(fastifyError('MULTIPART_MALFORMED', 400, 'Malformed multipart body: x'))).toMatchObject({
      code: 'bad-request',
      message: 'Malformed multipart body: x',
    });
    expect(classify(fastifyError('FST_INVALID_MULTIPART_CONTENT_TYPE', 406)).code).toBe('not-acceptable');
  });

  it("classifies what Node's parser and Fastify's router refuse before routing", () => {
    const node = (code: string) => classify(Object.assign(new Error('parse'), { code }));
    expect(node('HPE_HEADER_OVERFLOW')).toEqual({
      code: 'request-header-fields-too-large',
      message: 'Request header fields too large',
      details: {},
    });
    expect(node('ERR_HTTP_REQUEST_TIMEOUT').code).toBe('request-timeout');
    expect(node('ERR_HTTP_HEADERS_TIMEOUT').code).toBe('request-timeout');
    expect(node('HPE_INVALID_METHOD')).toMatchObject({ code: 'bad-request', message: 'Unknown HTTP method' });
    expect(node('HPE_URI_TOO_LONG')).toMatchObject({ code: 'request-uri-too-long', message: 'Request URI too long' });
    expect(node('HPE_INVALID_CONSTANT')).toMatchObject({ code: 'bad-request', message: 'Malformed HTTP request (HPE_INVALID_CONSTANT)' });
    expect(classify(fastifyError('FST_ERR_MAX_PARAM_LENGTH', 414))).toMatchObject({
      code: 'request-uri-too-long',
      message: 'A path segment is too long (at most 512 characters)',
    });
    expect(classify(fastifyError('FST_ERR_BAD_URL', 400))).toMatchObject({
      code: 'bad-request',
      message: 'The path is not valid percent-encoding',
    });
  });

  it("answers the stores: an unusable cursor is the client's, an unavailable database a logged 503", () => {
    expect(classify(new InvalidCursorError('foreign cursor'))).toEqual({ code: 'invalidCursor', message: 'foreign cursor', details: {} });
    const down = classify(new StoreUnavailableError('SELECT x', new Error('NoHostAvailable 10.0.0.1')));
    expect(down).toEqual({ code: 'service-unavailable', message: 'The database is unavailable; try again', details: {} });
    expect(isServerFault(down)).toBe(true);
  });

  it('makes anything else a 500 that reveals nothing, and only 5xx are our fault', () => {
    for (const thrown of [
      new Error('secret at /etc/x'),
      new TypeError('x is undefined'),
      'a string',
      42,
      null,
      undefined,
      { statusCode: 500 },
      { statusCode: 'x' },
    ]) {
      const e = classify(thrown);
      expect(e, String(thrown)).toEqual({ code: 'server-error', message: 'Internal server error', details: {} });
      expect(isServerFault(e)).toBe(true);
    }
    expect(isServerFault(classify(new DomainError('not-found', 'x')))).toBe(false);
    expect(isServerFault(classify(new DomainError('bad-upstream', 'x')))).toBe(true);
  });
});
