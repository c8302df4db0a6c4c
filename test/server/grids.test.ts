import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient, createHttpTransport, type WorkbenchClient } from '../../shared/ipc/client.ts';
import type { EventOf } from '../../shared/ipc/contract.ts';
import { serve, type ServeHandle } from '../../src-main/server/main.ts';

/** grids.start / grids.list / grids.cancel and the grid.progress event, over HTTP against a real store and worker pool. */
let dir: string;
let handle: ServeHandle;
let client: WorkbenchClient;
const progress: EventOf<'grid.progress'>[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-grids-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  const token = 'grids-token-0123456789abcdef';
  handle = await serve({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'db.sqlite'), token, rendererDir: join(dir, 'renderer'), concurrency: 1 });
  handle.workbench.events.on('grid.progress', (p) => progress.push(p));
  client = createClient(createHttpTransport({ token, baseUrl: handle.server.origin }));
}, 60_000);

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

const until = async <T>(find: () => T | undefined, limitMs = 60_000): Promise<T> => {
  for (let waited = 0; ; waited += 25) {
    const found = find();
    if (found !== undefined) return found;
    if (waited > limitMs) throw new Error('the grid did not finish');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
};

describe('grids over the contract', () => {
  it('runs a grid as one entry with per-cell progress; the cells are ordinary runs marked with the grid', async () => {
    const iris = (await client.call('samples.add', { name: 'iris' })).dataset;
    const { grid } = await client.call('grids.start', {
      spec: { datasets: [iris.id], methods: ['euclidean', 'itml'], seeds: [0, 1], params: { itml: { gamma: [1, -1], maxIter: [30] } }, protocol: { folds: 3 } },
    });
    expect(grid.cells).toBe(6);
    expect(grid.title).toBe('iris × euclidean, itml × seeds 0, 1');
    const last = await until(() => progress.find((p) => p.gridId === grid.gridId && p.done + p.failed === p.cells));
    expect(last).toMatchObject({ cells: 6, done: 4, failed: 2, status: ['succeeded', 'succeeded', 'succeeded', 'succeeded', 'failed', 'failed'], fractions: [1, 1, 1, 1, 1, 1] });
    expect(last.errors[4]).toMatch(/gamma/);
    const listed = (await client.call('grids.list', {})).grids.find((g) => g.gridId === grid.gridId)!;
    expect(listed).toMatchObject({ done: 4, failed: 2, location: 'local' });
    const runs = (await client.call('runs.list', { datasetId: iris.id })).runs;
    for (const [cell, runId] of last.runIds.slice(0, 4).entries()) {
      expect(runs.find((r) => r.id === runId)).toMatchObject({ kind: 'evaluate', status: 'succeeded', grid: { id: grid.gridId, cell, where: 'local' } });
    }
    expect((await client.call('runs.get', { runId: last.runIds[2]! })).run.metric?.method).toBe('itml');
    expect((await client.call('grids.cancel', { gridId: grid.gridId })).cancelled).toBe(false); // finished
  });

  it('refuses an unknown data set or parameter before recording anything', async () => {
    const before = (await client.call('grids.list', {})).grids.length;
    await expect(client.call('grids.start', { spec: { datasets: [999], methods: ['lda'], seeds: [0] } })).rejects.toThrow(/no dataset with id 999/);
    await expect(client.call('grids.start', { spec: { datasets: [1], methods: ['itml'], seeds: [0], params: { itml: { gama: [1] } } } })).rejects.toThrow(/itml has no parameter 'gama'/);
    expect((await client.call('grids.list', {})).grids).toHaveLength(before);
  });
});
