import { describe, expect, it } from 'vitest';
import cassandra from 'cassandra-driver';
import { confirmPlan, sameValue } from './lwt-confirm';
import { batchIsIdempotent, isConditional } from './db';
import { isAmbiguous, isUnavailable } from './resilience';

const { errors, types } = cassandra;

describe('LWT read-back plans', () => {
  it('judges INSERT ... IF NOT EXISTS by the row the refused retry returned', () => {
    const plan = confirmPlan('INSERT INTO ks.t ("user", doc, version) VALUES (?, ?, 1) IF NOT EXISTS', ['u1', 'd1']);
    if (!plan || !('judgeExisting' in plan)) throw new Error('expected a judge of the existing row');
    expect(plan.judgeExisting({ '[applied]': false, user: 'u1', doc: 'd1', version: 7 })).toBe('applied');
    expect(plan.judgeExisting({ '[applied]': false, user: 'u1', doc: 'someone else', version: 1 })).toBe('not-applied');
    // A column missing from the row is not evidence of our write.
    expect(plan.judgeExisting({ '[applied]': false, user: 'u1' })).toBe('not-applied');
  });

  it('understands an INSERT with a TTL after the condition (the TTL parameter comes last)', () => {
    const plan = confirmPlan('INSERT INTO ks.authresp (resp, end_of_life) VALUES (?, ?) IF NOT EXISTS USING TTL ?', [
      'a1',
      new Date(5000),
      60,
    ]);
    if (!plan || !('judgeExisting' in plan)) throw new Error('expected a judge of the existing row');
    expect(plan.judgeExisting({ resp: 'a1', end_of_life: new Date(5000) })).toBe('applied');
    expect(plan.judgeExisting({ resp: 'a1', end_of_life: new Date(5001) })).toBe('not-applied');
  });

  it('reads back the assigned columns of a conditional UPDATE, TTL and WHERE parameters in their places', () => {
    const plan = confirmPlan(
      'UPDATE ks.t USING TTL ? SET lease = ?, owner = null WHERE idp = ? AND team = ? IF url != null AND lease = null',
      [60, 'me', 'i1', 't1'],
    );
    if (!plan || !('cql' in plan)) throw new Error('expected a read');
    expect(plan.cql).toBe('SELECT lease, owner FROM ks.t WHERE idp = ? AND team = ?');
    expect(plan.params).toEqual(['i1', 't1']);
    expect(plan.judge({ lease: 'me', owner: null })).toBe('applied');
    expect(plan.judge({ lease: 'other', owner: null })).toBe('not-applied');
    expect(plan.judge(undefined)).toBe('not-applied');
  });

  it('keeps quoted column names quoted in the read', () => {
    const plan = confirmPlan(
      'UPDATE ks.scim_external SET creation_status = 0, "user" = ? WHERE team = ? AND external_id = ? IF "user" = ?',
      ['u', 't', 'e', 'u0'],
    );
    // `= 0` is a literal: not a shape this code judges.
    expect(plan).toBeUndefined();
    const quoted = confirmPlan('UPDATE ks.t SET "user" = ? WHERE k = ? IF "user" = ?', ['u', 'k', 'u0']);
    if (!quoted || !('cql' in quoted)) throw new Error('expected a read');
    expect(quoted.cql).toBe('SELECT "user" FROM ks.t WHERE k = ?');
    expect(quoted.judge({ user: 'u' })).toBe('applied');
  });

  it('counts a conditional DELETE as applied when the row is gone', () => {
    const plan = confirmPlan('DELETE FROM ks.user_keys WHERE key = ? IF "user" = ?', ['k', 'u']);
    if (!plan || !('cql' in plan)) throw new Error('expected a read');
    expect(plan.params).toEqual(['k']);
    expect(plan.judge(undefined)).toBe('applied');
    expect(plan.judge({ key: 'k', user: 'u' })).toBe('not-applied');
  });

  it('answers undefined for shapes it does not understand (appends, counters, functions)', () => {
    expect(confirmPlan('UPDATE ks.t SET members = members + ? WHERE k = ? IF version = ?', [['a'], 'k', 1])).toBeUndefined();
    expect(confirmPlan('UPDATE ks.t SET at = toTimestamp(now()) WHERE k = ? IF EXISTS', ['k'])).toBeUndefined();
    expect(confirmPlan('SELECT * FROM ks.t', [])).toBeUndefined();
  });

  it('compares driver values by meaning', () => {
    const id = types.Uuid.random();
    expect(sameValue(id, types.Uuid.fromString(id.toString()))).toBe(true);
    expect(sameValue(types.Long.fromNumber(5), types.Long.fromNumber(5))).toBe(true);
    expect(sameValue(new Date(1000), new Date(1000))).toBe(true);
    expect(sameValue(Buffer.from('a'), Buffer.from('a'))).toBe(true);
    expect(sameValue(['a', 'b'], new Set(['b', 'a']))).toBe(true);
    expect(sameValue(undefined, null)).toBe(true);
    expect(sameValue('a', null)).toBe(false);
    expect(sameValue(['a'], ['a', 'b'])).toBe(false);
  });
});

describe('what is retried', () => {
  it('treats every write with an IF clause as an LWT, flagged or not', () => {
    expect(isConditional('DELETE FROM ks.authreq WHERE req = ? IF idp_issuer = ?')).toBe(true);
    expect(isConditional('INSERT INTO t (a) VALUES (?) IF NOT EXISTS USING TTL ?')).toBe(true);
    expect(isConditional('UPDATE t SET a = ? WHERE k = ? IF EXISTS')).toBe(true);
    expect(isConditional('SELECT * FROM t WHERE k = ?')).toBe(false);
    expect(isConditional('INSERT INTO t (a, iffy) VALUES (?, ?)')).toBe(false);
  });

  it('treats a batch with a condition, a counter or a list append as not idempotent', () => {
    expect(batchIsIdempotent([{ query: 'INSERT INTO t (a) VALUES (?)' }, { query: 'DELETE FROM u WHERE a = ?' }])).toBe(true);
    expect(batchIsIdempotent([{ query: 'INSERT INTO t (a) VALUES (?) IF NOT EXISTS' }])).toBe(false);
    expect(batchIsIdempotent([{ query: 'UPDATE c SET n = n + ? WHERE k = ?' }])).toBe(false);
    expect(batchIsIdempotent([{ query: 'UPDATE t SET at = now() WHERE k = ?' }])).toBe(false);
  });

  it('sorts driver errors into unavailable (503, retried) and ambiguous (maybe applied)', () => {
    const unavailable = new errors.ResponseError(types.responseErrorCodes.unavailableException, 'Not enough replicas');
    const writeTimeout = new errors.ResponseError(types.responseErrorCodes.writeTimeout, 'timeout');
    const clientTimeout = new errors.OperationTimedOutError('no answer', '127.0.0.2:9042');
    const invalid = new errors.ResponseError(types.responseErrorCodes.invalid, 'keyspace x does not exist');
    expect([unavailable, writeTimeout, clientTimeout].map(isUnavailable)).toEqual([true, true, true]);
    expect(isUnavailable(invalid)).toBe(false);
    expect(isUnavailable(new Error('socket closed'))).toBe(false);
    expect([unavailable, writeTimeout, clientTimeout].map(isAmbiguous)).toEqual([false, true, true]);
    expect(isAmbiguous(new errors.NoHostAvailableError({ a: unavailable }))).toBe(false);
    expect(isAmbiguous(new errors.NoHostAvailableError({ a: unavailable, b: clientTimeout }))).toBe(true);
  });
});
