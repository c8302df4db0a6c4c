#!/usr/bin/env node
// `npm run serve`: Metric Workbench in the browser. Like bin/workbench.mjs it runs the TypeScript
// sources through tsx, so it works right after `npm ci` (the renderer is built on first use).
import '../src-main/launcher/require-node.mjs';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/server/main.ts');
process.exitCode = await main(process.argv.slice(2));
