/**
 * A write handler reports what was committed: the figures it answers with (and the counts in its events) are read
 * inside the committing transaction, so a read that fails turns into a failure with nothing saved, never a failure
 * reported for a change that was saved; and an event after the commit cannot fail the call.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWorkbench, type Workbench } from '../../src-main/services/workbench.ts';

let dir: string;
let workbench: Workbench;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-commit-'));
  workbench = await createWorkbench({ dbPath: join(dir, 'w.sqlite'), mode: 'cli', log: () => undefined });
  workbench.store.datasets.insert({
    name: 'four',
    matrix: { nRows: 4, nFeatures: 1, features: Float64Array.of(0, 1, 2, 3), featureNames: ['x'], labels: Int32Array.of(0, 0, 1, 1), classNames: ['a', 'b'] },
  });
});
afterEach(async () => {
  await workbench.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Makes the store's constraint count throw as a damaged page would, for the duration of `work`. */
async function withFailingCount<T>(work: () => Promise<T>): Promise<T> {
  const repository = workbench.store.constraints;
  const original = repository.count.bind(repository);
  repository.count = () => {
    throw Object.assign(new Error('database disk image is malformed'), { code: 'SQLITE_CORRUPT' });
  };
  try {
    return await work();
  } finally {
    repository.count = original;
  }
}

describe('write handlers report what was committed', () => {
  it('constraints.set: the count in its event comes from the committing transaction', async () => {
    const counts: number[] = [];
    workbench.events.on('constraints.changed', (e) => counts.push(e.count));
    expect((await workbench.dispatch('constraints.set', { datasetId: 1, i: 0, j: 1, kind: 'must' })).ok).toBe(true);
    expect((await workbench.dispatch('constraints.set', { datasetId: 1, i: 0, j: 2, kind: 'cannot' })).ok).toBe(true);
    expect(counts).toEqual([1, 2]);
  });

  for (const [channel, request] of [
    ['constraints.set', { datasetId: 1, i: 2, j: 3, kind: 'must' }],
    ['constraints.remove', { datasetId: 1, i: 0, j: 1 }],
    ['constraints.clear', { datasetId: 1 }],
    ['constraints.generate', { datasetId: 1, pairs: 2, seed: 0 }],
  ] as const) {
    it(`${channel}: a read that fails in its transaction fails the call and saves nothing`, async () => {
      await workbench.dispatch('constraints.set', { datasetId: 1, i: 0, j: 1, kind: 'must' });
      const before = workbench.store.constraints.list(1);
      const envelope = await withFailingCount(() => workbench.dispatch(channel, request as never));
      expect(envelope).toMatchObject({ ok: false, error: { code: 'DATABASE_DAMAGED' } });
      expect(workbench.store.constraints.list(1)).toEqual(before);
    });
  }

  it('a failing event listener does not fail a committed change', async () => {
    workbench.events.on('constraints.changed', () => {
      throw new Error('a closed window');
    });
    const envelope = await workbench.dispatch('constraints.set', { datasetId: 1, i: 0, j: 3, kind: 'must' });
    expect(envelope).toMatchObject({ ok: true, value: { outcome: 'added' } });
    expect(workbench.store.constraints.count(1).total).toBe(1);
  });
});
