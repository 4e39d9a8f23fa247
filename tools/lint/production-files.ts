import fs from 'node:fs';
import path from 'node:path';

export const repoRoot = path.resolve(__dirname, '../..');

/**
 * The production TypeScript files under `dir` (relative to the repository): no specs, no `test/`
 * or `testing/` folders, no `test-*.ts` helpers, and no file that imports vitest (the store
 * contracts and assertion helpers next to the code run under vitest only).
 */
export function productionFiles(dir: string): string[] {
  return fs.readdirSync(path.join(repoRoot, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return ['node_modules', 'test', 'testing'].includes(e.name) ? [] : productionFiles(rel);
    if (!e.name.endsWith('.ts') || e.name.endsWith('.spec.ts') || e.name.startsWith('test-')) return [];
    return /from 'vitest'/.test(fs.readFileSync(path.join(repoRoot, rel), 'utf8')) ? [] : [rel];
  });
}
