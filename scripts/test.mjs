#!/usr/bin/env node
// `npm test`: typecheck, lint (eslint.config.js), check for dead code (knip.jsonc), build the renderer (the e2e tests
// drive the built app), run every Vitest project, and end with the one line CI reads: "N passed, N failed".
import '../src-main/launcher/require-node.mjs';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';

const run = (cmd, args, env = {}) => {
  console.log(`\n> ${Object.entries(env).map(([k, v]) => `${k}=${v} `).join('')}${cmd} ${args.join(' ')}`);
  return spawnSync(cmd, args, { stdio: 'inherit', shell: process.platform === 'win32', env: { ...process.env, ...env } }).status ?? 1;
};

const failedSteps = []; // typecheck, lint, dead-code and build steps count as one failure each
for (const [name, cmd, args, env] of [
  ['typecheck (main, shared, tests)', 'npx', ['tsc', '-p', 'tsconfig.node.json']],
  ['typecheck (renderer)', 'npx', ['svelte-check', '--tsconfig', './tsconfig.json', '--fail-on-warnings']],
  // typescript-eslint's type-aware recommended rules and the project's own (eslint.config.js); no warnings allowed.
  ['lint', 'npx', ['eslint', '.', '--max-warnings', '0']],
  // Unused files, exports and dependencies (knip.jsonc).
  ['dead code', 'npx', ['knip', '--no-progress']],
  // The app's renderer (no test hooks), and the end-to-end build the e2e specs drive (out/renderer-e2e).
  ['renderer build', 'npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { WORKBENCH_TEST_HOOKS: '0' }],
  ['renderer build (e2e)', 'npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], { WORKBENCH_TEST_HOOKS: '1' }],
]) {
  if (run(cmd, args, env) !== 0) {
    failedSteps.push(name);
    console.log(`${name}: FAILED`);
  } else console.log(`${name}: ok`);
}

const report = 'vitest-report.json';
rmSync(report, { force: true });
const vitestStatus = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile=${report}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const json = JSON.parse(readFileSync(report, 'utf8'));
  passed = json.numPassedTests ?? 0;
  failed = json.numFailedTests ?? 0;
  // A test file that fails to load (syntax error, missing import) has no failed test of its own: count it once.
  for (const file of json.testResults ?? []) {
    const failedInFile = (file.assertionResults ?? []).filter((t) => t.status === 'failed').length;
    if (file.status === 'failed' && failedInFile === 0) failed++;
  }
} else {
  failed = 1;
}
failed += failedSteps.length;
if (vitestStatus !== 0 && failed === 0) failed = 1;
if (failedSteps.length > 0) console.log(`\nfailed steps: ${failedSteps.join(', ')}`);
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
