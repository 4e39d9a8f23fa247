#!/usr/bin/env node
// schemathesis (PyPI) in a virtualenv under .cache/schemathesis, installed on first use at the
// exact version below; the OpenAPI conformance test (e2e/schemathesis.spec.ts) calls `install`.
//   node tools/schemathesis/schemathesis.mjs install   prints the path of the `schemathesis` binary
import { pipTool } from '../lib/pip-tool.mjs';

export const VERSION = '4.32.5';
// schemathesis 4 needs Python 3.9 or later.
const tool = pipTool('schemathesis', VERSION, { minPython: [3, 9] });

/** Makes sure the pinned schemathesis is installed; returns the path of its command. */
export const install = tool.install;

tool.cli(import.meta.url);
