#!/usr/bin/env node
// The ingress reads its paths from helm/sso/files/routes.json (Helm can read files only inside the
// chart); libs/config/src/routes.json is the one source. This copies it, or with --check fails when
// the copy differs.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const sourceFile = path.join(repoRoot, 'libs/config/src/routes.json');
export const chartFile = path.join(repoRoot, 'helm/sso/files/routes.json');

/** The chart copy's expected text: the source table, normalised. */
export function expectedCopy() {
  return `${JSON.stringify(JSON.parse(fs.readFileSync(sourceFile, 'utf8')), null, 2)}\n`;
}

export function inSync() {
  return fs.existsSync(chartFile) && fs.readFileSync(chartFile, 'utf8') === expectedCopy();
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--check')) {
    if (!inSync()) {
      console.error(
        `${path.relative(repoRoot, chartFile)} differs from ${path.relative(repoRoot, sourceFile)}: run node tools/helm/sync-routes.mjs`,
      );
      process.exit(1);
    }
    console.log('routes in sync');
  } else {
    fs.writeFileSync(chartFile, expectedCopy());
    console.log(`wrote ${path.relative(repoRoot, chartFile)}`);
  }
}
