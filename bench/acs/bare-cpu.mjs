#!/usr/bin/env node
// The bare node-saml validation's CPU per call in a process of its own, read the way acs.mjs reads
// saml-sp's (the whole process: V8's GC and compiler threads count too), so the two compare like
// for like. Run by acs.mjs with a JSON file of { options, fields }: the SAML options of phase A and
// the base64 responses.
import fs from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SAML } = require('@node-saml/node-saml');
const { options, fields } = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const saml = new SAML(options);
const call = async (f) => {
  const { profile } = await saml.validatePostResponseAsync({ SAMLResponse: f });
  if (!profile) throw new Error('bare node-saml: no profile');
};
for (const f of fields.slice(0, 20)) await call(f); // warm-up (JIT), not counted
const cpu0 = process.cpuUsage();
const t0 = performance.now();
for (const f of fields) await call(f);
const wallMs = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
console.log(
  JSON.stringify({
    calls: fields.length,
    cpu_ms_per_call: Number(((cpu.user + cpu.system) / 1000 / fields.length).toFixed(2)),
    wall_ms_per_call: Number((wallMs / fields.length).toFixed(2)),
  }),
);
