#!/usr/bin/env node
// The `workbench` CLI. It runs the TypeScript sources directly through tsx, so `npx workbench` works
// right after `npm ci` with no build step.
import '../src-main/launcher/require-node.mjs';
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src-main/cli/main.ts');
const code = await main(process.argv.slice(2));
// Interrupted (Ctrl-C): end now, even if a read the command started is still blocked in the thread pool.
if (code === 130) process.exit(code);
process.exitCode = code;
