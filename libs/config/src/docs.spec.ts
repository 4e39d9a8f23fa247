import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderConfigDocs } from './docs';
import { envHelp } from './help';
import { envBindings } from './load';

const file = path.resolve(__dirname, '../../../docs/configuration.md');

describe('docs/configuration.md', () => {
  it('explains every environment variable, and nothing that is gone', () => {
    expect(envBindings.filter((b) => !envHelp[b.env]).map((b) => b.env)).toEqual([]);
    expect(Object.keys(envHelp).filter((e) => !envBindings.some((b) => b.env === e))).toEqual([]);
  });

  it('is the generated one (run with UPDATE_DOCS=1 to regenerate)', () => {
    const generated = renderConfigDocs();
    if (process.env.UPDATE_DOCS) fs.writeFileSync(file, generated);
    expect(fs.readFileSync(file, 'utf8')).toBe(generated);
  });
});
