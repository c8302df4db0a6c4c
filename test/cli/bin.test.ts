/**
 * End to end through the real entry point (`node bin/workbench.mjs`, tsx, a fresh process each time). Spawning
 * costs about half a second, so the detailed behaviour is tested in-process in main.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/workbench.mjs');
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-bin-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

function workbench(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, '--db', join(dir, 'e2e.sqlite'), ...args], { cwd: dir, encoding: 'utf8', env: { ...process.env, METRIC_WORKBENCH_DB: '' } });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/workbench.mjs', () => {
  it('imports a CSV and prints the dataset as JSON with exit 0', () => {
    const r = workbench('--json', 'import', join(ROOT, 'src-main/samples/data/wine.csv'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ dataset: { id: 1, name: 'wine', rows: 178, features: 13, labeled: true } });
  });

  it('exits 1 with {"error": {code, message}} on stderr for an error', () => {
    const r = workbench('--json', 'dataset', 'show', 'nothing-here');
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(r.stderr)).toEqual({ error: { code: 'NOT_FOUND', message: "No dataset with id or name 'nothing-here'." } });
  });

  it('exits 2 for a usage error', () => {
    const r = workbench('constraints', 'generate', '--dataset', 'wine', '--pairs', 'many');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("workbench: error: --pairs must be an integer, got 'many'.");
  });
});
