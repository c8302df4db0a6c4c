#!/usr/bin/env node
// The `workbench` CLI. It runs the TypeScript sources directly through tsx, so `npx workbench` works
// right after `npm ci` with no build step.
import '../scripts/require-node.mjs';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
