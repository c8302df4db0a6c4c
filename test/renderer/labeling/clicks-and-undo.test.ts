import { describe, expect, it } from 'vitest';
import { LabelingSession, type EmbeddingSpace } from '../../../src-renderer/src/lib/labeling/labeling-session.svelte.ts';
import { backendWithDataset } from '../fake-backend.ts';

const space: EmbeddingSpace = { points: Float64Array.from([0, 0, 0.1, 0, 0.2, 0.1, 5, 5, 5.1, 5, 5.2, 5.1]), n: 6, e: 2 };

describe('Labeling clicks taken however fast', () => {
  it('keeps the pair when the second point is clicked twice in a row (two quick clicks)', async () => {
    const labeling = new LabelingSession(backendWithDataset(), () => space);
    await labeling.load(1);
    labeling.pick(0);
    labeling.pick(4);
    // The second click on the same point (a plain repeat, or the browser's double-click count 2) keeps the pair.
    labeling.pick(4);
    expect(labeling.pending).toEqual([0, 4]);
    labeling.pick(4, true);
    expect(labeling.pair).toEqual({ i: 0, j: 4, existing: null, implied: null });
    // A double-click on the first point selects it (the repeat does not toggle it off again).
    labeling.clearSelection();
    labeling.pick(2);
    labeling.pick(2, true);
    expect(labeling.pending).toEqual([2]);
    // A third point starts a new pair.
    labeling.pick(3);
    labeling.pick(5);
    expect(labeling.pending).toEqual([5]);
  });
});

describe('Undo history across a reload', () => {
  it('restores both stacks for the dataset after a reload (a new session), and undo still works', async () => {
    const backend = backendWithDataset();
    const first = new LabelingSession(backend, () => space);
    await first.load(1);
    for (const [i, j, kind] of [[0, 1, 'must'], [1, 4, 'cannot'], [2, 5, 'cannot']] as const) {
      first.pick(i);
      first.pick(j);
      await first.label(kind);
    }
    await first.undo();
    expect(first.constraints.map((c) => `${c.i}-${c.j}`)).toEqual(['0-1', '1-4']);

    // The page reloads: a fresh session over the same backend and tab storage.
    const second = new LabelingSession(backend, () => space);
    await second.load(1);
    expect(second.canUndo).toBe(true);
    expect(second.canRedo).toBe(true);
    await second.redo();
    expect(second.constraints.map((c) => `${c.i}-${c.j}`).sort()).toEqual(['0-1', '1-4', '2-5']);
    await second.undo();
    await second.undo();
    await second.undo();
    expect(second.constraints).toEqual([]);
    expect(second.canUndo).toBe(false);
  });

  it('drops a stored history that no longer fits the constraints, or is malformed', async () => {
    const backend = backendWithDataset();
    const first = new LabelingSession(backend, () => space);
    await first.load(1);
    first.pick(0);
    first.pick(1);
    await first.label('must');
    // Another window removed the pair since: undoing "0-1 must" would now remove nothing it made.
    await backend.call('constraints.remove', { datasetId: 1, i: 0, j: 1 });
    const second = new LabelingSession(backend, () => space);
    await second.load(1);
    expect(second.canUndo).toBe(false);

    sessionStorage.setItem('metric-workbench.undo.1', JSON.stringify({ undo: [{ i: 0, j: 0, before: null, after: 'must' }], redo: [] }));
    const third = new LabelingSession(backend, () => space);
    await third.load(1);
    expect(third.canUndo).toBe(false);
    sessionStorage.setItem('metric-workbench.undo.1', '{not json');
    await third.load(1);
    expect(third.canUndo).toBe(false);
  });
});
