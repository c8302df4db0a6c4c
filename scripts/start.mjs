#!/usr/bin/env node
// `npm start`: open the desktop app, installing Electron's binary first when it is missing; fall back to
// the browser mode in one line that says why. The logic is typed and tested in src-main/launcher/.
import '../src-main/launcher/require-node.mjs';
import { register } from 'tsx/esm/api';

register();
const { realStartDeps, runStart } = await import('../src-main/launcher/start.ts');
const outcome = await runStart(process.argv.slice(2), realStartDeps(new URL('..', import.meta.url).pathname));
process.exit(outcome.exitCode);
