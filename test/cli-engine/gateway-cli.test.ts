import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRunsService } from '../../src-main/services/runs.ts';
import { createWorkbench } from '../../src-main/services/workbench.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { runCli } from '../cli/helpers.ts';

// The CLI submits and reads runs through the same dispatch gateway as the app and the browser mode
// (issue 11): its requests are validated by the contract, and what it prints is what the gateway answers.
let dir: string;
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-gateway-'));
  db = join(dir, 'test.sqlite');
  expect((await cli('samples', 'add', 'iris')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the CLI through the gateway', () => {
  it('prints for run show exactly the runs.get response, and the runs service agrees byte for byte', async () => {
    const learned = await cli('learn', '--dataset', 'iris', '--method', 'itml', '--seed', '1');
    expect(learned.code).toBe(0);
    const compared = await cli('compare', '--dataset', 'iris', '--methods', 'euclidean,mmc-diagonal', '--folds', '3');
    expect(compared.code).toBe(0);
    const learnId = (learned.json as { run: { id: number } }).run.id;
    const compareId = (compared.json as { runId: number }).runId;

    const workbench = await createWorkbench({ dbPath: db, mode: 'cli', concurrency: 1 });
    try {
      for (const runId of [learnId, compareId, compareId + 1]) {
        const shown = await cli('run', 'show', String(runId));
        expect(shown.code).toBe(0);
        const envelope = await workbench.dispatch('runs.get', { runId });
        expect(envelope.ok).toBe(true);
        expect(shown.json).toEqual({ run: (envelope as { ok: true; value: { run: unknown } }).value.run });
        // The wire schemas keep the stored shape: nothing stripped, nothing reordered.
        expect(JSON.stringify(shown.json)).toBe(JSON.stringify({ run: workbench.runs.show(runId) }));
      }
      const listed = await cli('runs', '--limit', '1');
      expect(listed.code).toBe(0);
      const envelope = await workbench.dispatch('runs.list', { limit: 1 });
      expect(listed.json).toEqual((envelope as { ok: true; value: unknown }).value);
      expect((listed.json as { runs: Array<{ id: number }> }).runs.map((r) => r.id)).toEqual([compareId]);
    } finally {
      await workbench.close();
    }
  });

  it('refuses a job the contract refuses, with the gateway error and nothing recorded', async () => {
    const store = openStore(db);
    const before = store.runs.list().length;
    store.close();
    const r = await cli('learn', '--dataset', 'iris', '--method', 'mmc', '--constraints', 'generated', '--pairs', '2000000');
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`"code":"INVALID_ARGUMENT"`);
    expect(r.stderr).toContain(`Invalid request for 'jobs.start': spec.pairs: Too big`);
    const after = openStore(db);
    try {
      expect(after.runs.list().length).toBe(before);
    } finally {
      after.close();
    }
  });

  it('rerun goes through runs.rerun: a compare child is refused with the service message', async () => {
    const store = openStore(db);
    const runs = createRunsService(store);
    const child = runs.list({ includeChildren: true }).find((r) => r.parentRunId !== null)!;
    runs.dispose();
    store.close();
    const r = await cli('run', 'rerun', String(child.id));
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stderr)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: `Run ${child.id} is part of the compare run ${child.parentRunId}; re-run that one.` },
    });
  });
});
