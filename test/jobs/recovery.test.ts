import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createJobRunner } from '../../src-main/jobs/runner.ts';
import { INTERRUPTED_MESSAGE } from '../../src-main/storage/runs-repository.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { addDataset, FIXTURE_WORKER, tempStore } from './helpers.ts';
import { createRunsService } from '../../src-main/services/runs.ts';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));

describe('crash recovery', () => {
  let t: ReturnType<typeof tempStore> | undefined;
  afterEach(() => t?.cleanup());

  it('after SIGKILL during a long job, the database opens, the run is interrupted and earlier results are intact', async () => {
    t = tempStore();
    const datasetId = addDataset(t.store, 'iris');
    const before = t.store.datasets.get(datasetId)!;
    t.store.close(); // the child is the only writer while it lives

    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, t.path, String(datasetId)], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    const lines: string[] = [];
    const runningRunId = await new Promise<number>((resolve, reject) => {
      let buffer = '';
      child.stdout.on('data', (chunk: Buffer) => {
        buffer += chunk.toString();
        let nl: number;
        while ((nl = buffer.indexOf('\n')) >= 0) {
          const line = buffer.slice(0, nl);
          buffer = buffer.slice(nl + 1);
          lines.push(line);
          const m = /^RUNNING (\d+)$/.exec(line);
          if (m) resolve(Number(m[1]));
        }
      });
      child.on('exit', (code) => reject(new Error(`child exited (${code}) before the long job ran: ${stderr}`)));
    });
    const exited = new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const doneRunId = Number(/^DONE (\d+)$/.exec(lines[0]!)![1]);

    const store = openStore(t.path);
    t.store = store;
    expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(store.runs.require(runningRunId).status).toBe('running'); // as the crash left it

    const runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER });
    expect(store.runs.require(runningRunId)).toMatchObject({ status: 'interrupted', errorCode: 'JOB_FAILED', error: INTERRUPTED_MESSAGE });
    expect(store.runs.require(doneRunId).status).toBe('succeeded');
    const metric = store.metrics.get(doneRunId)!;
    expect(metric.method).toBe('euclidean');
    expect(Array.from(metric.L)).toEqual([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
    expect(store.datasets.get(datasetId)).toEqual(before);

    // The recovered runner works as usual.
    const again = runner.submit({ kind: 'learn', datasetId, method: 'euclidean' });
    await expect(again.done).resolves.toMatchObject({ status: 'succeeded' });
    await runner.close();
  });
});
