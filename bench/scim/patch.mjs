#!/usr/bin/env node
// In-process cost of applying one SCIM PATCH to a user: N emails added in one operation (value
// caps lifted, so the growth can be seen), N operations on a user at the cap, and the reported
// request (20,000 emails) against the real caps. No Cassandra, no HTTP.
//   node bench/scim/patch.mjs [repetitions, default 5] [sizes, default 1000,2000,5000,10000,20000]
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
// SCIM_DIST=<dir> runs it against another build of libs/scim (e.g. an older commit's dist).
import path from 'node:path';
import { createRequire } from 'node:module';
import { repoRoot } from '../../tools/lib/proc.mjs';
import { run, machine } from '../lib.mjs';

const require = createRequire(import.meta.url);
const reps = Number(process.argv[2] ?? 5);
const sizes = (process.argv[3] ?? '1000,2000,5000,10000,20000').split(',').map(Number);
if (!process.env.SCIM_DIST) await run(['tools/build.mjs']);
const scim = require(path.join(process.env.SCIM_DIST ?? path.join(repoRoot, 'dist/libs/scim'), 'index.js'));
const { applyPatch, parsePatchRequest, userResourceSchema } = scim;

const uncap = (a) => ({ ...a, maxValues: undefined });
const uncapped = { ...userResourceSchema, core: { ...userResourceSchema.core, attributes: userResourceSchema.core.attributes.map(uncap) } };
const user = {
  schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'],
  userName: 'bench',
  externalId: 'bench',
  emails: [{ value: 'bench@example.com', type: 'work', primary: true }],
};
const body = (Operations) => ({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations });
const email = (i) => ({ value: `m${i}@example.com`, type: 'work' });

/** Median milliseconds of `reps` runs of f. */
function median(f) {
  const t = [];
  for (let i = 0; i < reps; i++) {
    const s = process.hrtime.bigint();
    f();
    t.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)];
}

const rows = [];
for (const n of sizes) {
  const ops = parsePatchRequest(body([{ op: 'add', path: 'emails', value: Array.from({ length: n }, (_, i) => email(i)) }]), {
    maxOperations: Infinity,
  });
  const ms = median(() => applyPatch(user, ops, uncapped));
  rows.push({ case: 'one op, N emails', n, ms: +ms.toFixed(2), us_per_value: +((ms * 1000) / n).toFixed(2) });
}
// Per operation the work is bounded by the cap: a user with 100 emails, N operations each
// re-adding one of them (so the list stays at the cap) and replacing the title.
const full = { ...user, emails: Array.from({ length: 100 }, (_, i) => email(i)) };
for (const n of [250, 500, 1000]) {
  const ops = parsePatchRequest(
    body(
      Array.from(
        { length: n },
        (_, i) =>
          [
            { op: 'add', path: 'emails', value: [email(i % 100)] },
            { op: 'replace', path: 'title', value: `t${i}` },
          ][i % 2],
      ),
    ),
  );
  const ms = median(() => applyPatch(full, ops, userResourceSchema));
  rows.push({ case: 'N ops on a user with 100 emails, real caps', n, ms: +ms.toFixed(2), us_per_value: +((ms * 1000) / n).toFixed(2) });
}
{
  const raw = body([{ op: 'add', path: 'emails', value: Array.from({ length: 20000 }, (_, i) => ({ value: `m${i}@x.io` })) }]);
  let outcome = 'accepted';
  const ms = median(() => {
    try {
      applyPatch(user, parsePatchRequest(raw), userResourceSchema);
    } catch (e) {
      if (e.name !== 'ScimError') throw e;
      outcome = `refused: ${e.detail}`;
    }
  });
  rows.push({
    case: `reported request (20,000 emails), real caps: ${outcome}`,
    n: 20000,
    ms: +ms.toFixed(2),
    us_per_value: +((ms * 1000) / 20000).toFixed(2),
  });
}
console.table(rows);
console.log(JSON.stringify({ machine: machine(), reps, rows }));
