/**
 * Replacing a stored comparison by the answer that contradicts it (the Label view's "Replace"): through the gateway,
 * validated as every channel is; the old one removed and the new one added in one transaction.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ResponseOf } from '../../shared/ipc/contract.ts';
import { createWorkbench, type Workbench } from '../../src-main/services/workbench.ts';

let dir: string;
let workbench: Workbench;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cmp-replace-'));
  workbench = await createWorkbench({ dbPath: join(dir, 'w.sqlite'), mode: 'cli', log: () => undefined });
  workbench.store.datasets.insert({
    name: 'five',
    matrix: { nRows: 5, nFeatures: 1, features: Float64Array.of(0, 1, 2, 3, 4), featureNames: ['x'], labels: Int32Array.of(0, 0, 1, 1, 1), classNames: ['a', 'b'] },
  });
});
afterEach(async () => {
  await workbench.close();
  rmSync(dir, { recursive: true, force: true });
});

const triples = async () => {
  const listed = await workbench.dispatch('comparisons.list', { datasetId: 1 });
  if (!listed.ok) throw new Error(listed.error.message);
  return (listed.value as ResponseOf<'comparisons.list'>).comparisons.map((c) => [c.anchor, c.closer, c.farther]);
};
type Replaced = ResponseOf<'comparisons.replace'>;

describe('comparisons.replace', () => {
  it('refuses the contradicting add naming the stored one, then replaces it in one step', async () => {
    await workbench.dispatch('comparisons.add', { datasetId: 1, anchor: 0, closer: 1, farther: 3 });
    await workbench.dispatch('comparisons.add', { datasetId: 1, anchor: 2, closer: 3, farther: 0 });
    const refused = await workbench.dispatch('comparisons.add', { datasetId: 1, anchor: 0, closer: 3, farther: 1 });
    expect(refused).toEqual({
      ok: false,
      error: {
        code: 'CONSTRAINT_INVALID',
        message: 'The comparison (0, 3, 1) (row 0 closer to 3 than to 1) contradicts the stored comparison (0, 1, 3) (row 0 closer to 1 than to 3, manual, #1); remove that one first.',
      },
    });
    const replaced = await workbench.dispatch('comparisons.replace', { datasetId: 1, anchor: 0, closer: 3, farther: 1 });
    expect(replaced.ok).toBe(true);
    if (!replaced.ok) return;
    expect((replaced.value as Replaced).replaced).toMatchObject({ anchor: 0, closer: 1, farther: 3, origin: 'manual', seq: 1 });
    expect((replaced.value as Replaced).comparison).toMatchObject({ anchor: 0, closer: 3, farther: 1, origin: 'manual', seq: 3 });
    expect(await triples()).toEqual([[2, 3, 0], [0, 3, 1]]);
    // Without a stored mirror it is an add.
    const plain = await workbench.dispatch('comparisons.replace', { datasetId: 1, anchor: 4, closer: 3, farther: 0 });
    expect(plain.ok && (plain.value as Replaced).replaced).toBe(null);
    expect(await triples()).toEqual([[2, 3, 0], [0, 3, 1], [4, 3, 0]]);
  });

  it('leaves the stored answer when the new one cannot be stored, and refuses a malformed request', async () => {
    await workbench.dispatch('comparisons.add', { datasetId: 1, anchor: 0, closer: 1, farther: 3 });
    const add = workbench.store.comparisons.add.bind(workbench.store.comparisons);
    workbench.store.comparisons.add = () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    try {
      const failed = await workbench.dispatch('comparisons.replace', { datasetId: 1, anchor: 0, closer: 3, farther: 1 });
      expect(failed.ok).toBe(false);
    } finally {
      workbench.store.comparisons.add = add;
    }
    expect(await triples()).toEqual([[0, 1, 3]]);
    const bad = await workbench.dispatch('comparisons.replace', { datasetId: 1, anchor: 0, closer: 0, farther: 1 });
    expect(bad).toEqual({ ok: false, error: { code: 'CONSTRAINT_INVALID', message: 'The comparison (0, 0, 1) names row 0 twice (anchor and closer): a comparison needs three different rows.' } });
    const malformed = await workbench.dispatch('comparisons.replace', { datasetId: 1, anchor: -1, closer: 2, farther: 1 } as never);
    expect(malformed.ok).toBe(false);
  });
});
