#!/usr/bin/env node
// Cost of the tag-structure scan (libs/saml/src/xml-shape.ts) next to the DOM parse it precedes,
// on a signed test response and on one padded to just under the 512 KiB limit.
//   node tools/build.mjs --dev && node bench/saml/xml-shape.mjs [iterations, default 2000]
// Not a test: run by hand; record the figures in docs/benchmarks.md with the machine.
import { createRequire } from 'node:module';
import { DOMParser } from '@xmldom/xmldom';
import { machine } from '../lib.mjs';

const require = createRequire(import.meta.url);
const { documentShapeProblem } = require('../../dist/libs/saml/xml-shape.js');
const { TestIdp } = require('../../dist/libs/testing/saml-idp.js');
const n = Number(process.argv[2] ?? 2000);

const idp = await TestIdp.create();
const small = idp.response({ sp: 'https://sp.example.com/sso/finalize-login/t', requestId: '_r' }).xml;
const pad = `<!--${'x'.repeat(500 * 1024)}-->`;
const large = small.replace('</samlp:Status>', `</samlp:Status>${'<a b="c">text</a>'.repeat(4000)}${pad.slice(0, 400 * 1024)}-->`);

const time = (f, iterations) => {
  for (let i = 0; i < Math.min(200, iterations); i++) f();
  const t = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) f();
  return Number(process.hrtime.bigint() - t) / 1e3 / iterations;
};
console.log(machine());
for (const [name, xml, iterations] of [
  ['signed response', small, n],
  ['padded response', large, Math.max(10, n / 100)],
]) {
  if (documentShapeProblem(xml) !== null) throw new Error(`${name} is refused: ${documentShapeProblem(xml)}`);
  const scan = time(() => documentShapeProblem(xml), iterations);
  const parse = time(() => new DOMParser({ errorHandler: () => {} }).parseFromString(xml, 'text/xml'), iterations);
  console.log(
    `${name} (${(Buffer.byteLength(xml) / 1024).toFixed(1)} KiB): scan ${scan.toFixed(1)} µs, xmldom parse ${parse.toFixed(1)} µs, scan/parse ${(scan / parse).toFixed(2)}`,
  );
}
