import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { loggerOptions } from './logger';

function capture(level: string) {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { log: pino(loggerOptions('scim-api', level), sink), lines };
}

/** The fields of the log table in docs/operations.md ("### Logs"). */
function documentedFields(): Set<string> {
  const ops = fs.readFileSync(path.resolve(__dirname, '../../../docs/operations.md'), 'utf8');
  const section = ops.slice(ops.indexOf('### Logs'), ops.indexOf('\n## ', ops.indexOf('### Logs')));
  const fields = new Set<string>();
  for (const row of section.split('\n').filter((l) => l.startsWith('| `'))) {
    for (const m of row.split('|')[1]!.matchAll(/`([a-zA-Z]+)`/g)) fields.add(m[1]!);
  }
  return fields;
}

describe('log lines (docs/operations.md, "Logs")', () => {
  it('are JSON with the level as text, ISO time and the app; no pid or hostname', () => {
    const { log, lines } = capture('info');
    log.info({ port: 1 }, 'scim-api listening');
    log.child({ reqId: 'r-1' }).warn('slow');
    log.debug('not written at info');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      app: 'scim-api',
      port: 1,
      msg: 'scim-api listening',
    });
    expect(lines[1]).toMatchObject({ level: 'warn', app: 'scim-api', reqId: 'r-1', msg: 'slow' });
    expect(lines.some((l) => 'hostname' in l || 'pid' in l)).toBe(false);
  });

  it('carry only fields the table documents, for every line the platform writes itself', () => {
    const { log, lines } = capture('info');
    log.child({ reqId: 'r-2' }).info({ req: { method: 'GET', url: '/x' } }, 'incoming request');
    log.child({ reqId: 'r-2' }).info({ res: { statusCode: 200 }, responseTime: 1.5 }, 'request completed');
    log.error({ err: new Error('boom') }, 'request failed');
    log.error({ context: 'Nest', trace: 'stack' }, 'from Nest');
    const documented = documentedFields();
    for (const l of lines) for (const k of Object.keys(l)) expect(documented, `field ${k}`).toContain(k);
    expect(documented).not.toContain('pid');
    expect(documented).not.toContain('hostname');
  });
});
