#!/usr/bin/env node
// scim-sanity (PyPI), a third-party SCIM 2.0 conformance probe, in a virtualenv under
// .cache/scim-sanity, installed on first use at the exact version below; e2e/scim-sanity.spec.ts
// calls `install`.
//   node tools/scim-sanity/scim-sanity.mjs install   prints the path of the `scim-sanity` binary
import { pipTool } from '../lib/pip-tool.mjs';

export const VERSION = '0.7.4';
// scim-sanity declares Python 3.9 or later.
const tool = pipTool('scim-sanity', VERSION, { minPython: [3, 9] });

/** Makes sure the pinned scim-sanity is installed; returns the path of its command. */
export const install = tool.install;

tool.cli(import.meta.url);
