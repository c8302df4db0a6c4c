import { describe, expect, it, vi } from 'vitest';
import { WorkbenchError } from '../../../shared/errors.ts';
import { LabelingSession, type EmbeddingSpace } from '../../../src-renderer/src/lib/labeling/labeling-session.svelte.ts';
import { backendWithDataset } from '../fake-backend.ts';

const space: EmbeddingSpace = { points: Float64Array.from([0, 0, 0.1, 0, 0.2, 0.1, 5, 5, 5.1, 5, 5.2, 5.1]), n: 6, e: 2 };

async function session() {
  const backend = backendWithDataset();
  const labeling = new LabelingSession(backend, () => space);
  await labeling.load(1);
  return { backend, labeling };
}

describe('LabelingSession', () => {
  it('turns two clicks into a pending pair; clicking the first point again deselects it', async () => {
    const { labeling } = await session();
    labeling.pick(2);
    expect(labeling.pending).toEqual([2]);
    expect(labeling.pair).toBeNull();
    labeling.pick(2);
    expect(labeling.pending).toEqual([]);
    labeling.pick(0);
    labeling.pick(4);
    expect(labeling.pair).toEqual({ i: 0, j: 4, existing: null, implied: null });
    labeling.pick(5);
    expect(labeling.pending).toEqual([5]);
  });

  it('stores a label in main with i < j and counts it', async () => {
    const { backend, labeling } = await session();
    labeling.pick(4);
    labeling.pick(1);
    await labeling.label('must');
    expect(backend.callsTo('constraints.set')).toEqual([{ datasetId: 1, i: 1, j: 4, kind: 'must' }]);
    expect(labeling.constraints.map(({ i, j, kind }) => ({ i, j, kind }))).toEqual([{ i: 1, j: 4, kind: 'must' }]);
    expect(labeling.counts).toEqual({ must: 1, cannot: 0 });
    expect(labeling.pending).toEqual([]);
  });

  it('undo removes the pair in main, redo adds it back, and a relabel undoes to the old kind', async () => {
    const { backend, labeling } = await session();
    labeling.pick(0);
    labeling.pick(3);
    await labeling.label('cannot');
    labeling.selectPair(0, 3);
    expect(labeling.pair?.existing).toBe('cannot');
    await labeling.label('must');
    await labeling.undo();
    expect(labeling.constraints.map((c) => c.kind)).toEqual(['cannot']);
    await labeling.undo();
    expect(labeling.constraints).toEqual([]);
    expect(labeling.canUndo).toBe(false);
    expect(labeling.canRedo).toBe(true);
    await labeling.redo();
    expect(labeling.constraints.map((c) => c.kind)).toEqual(['cannot']);
    expect(backend.callsTo('constraints.remove')).toEqual([{ datasetId: 1, i: 0, j: 3 }]);
  });

  it('rolls the local change back and says why when main refuses it', async () => {
    const { backend, labeling } = await session();
    backend.handle('constraints.set', () => {
      throw new WorkbenchError('CONSTRAINT_INVALID', 'Row 9 is out of range: dataset 1 has 6 rows.');
    });
    labeling.pick(0);
    labeling.pick(1);
    await labeling.label('must');
    expect(labeling.constraints).toEqual([]);
    expect(labeling.error).toBe('Could not save the pair (0, 1): Row 9 is out of range: dataset 1 has 6 rows.');
  });

  it('shows derived pairs and flags a contradiction', async () => {
    const { labeling } = await session();
    for (const [i, j, kind] of [[0, 1, 'must'], [1, 2, 'must'], [0, 2, 'cannot']] as const) {
      labeling.selectPair(i, j);
      await labeling.label(kind);
    }
    expect(labeling.closure.contradictions).toEqual([{ i: 0, j: 2, path: [0, 1, 2] }]);
  });

  it('Suggest next pair fills the pending pair with an open pair and moves on after labeling it', async () => {
    const { labeling } = await session();
    labeling.next();
    const first = labeling.pair;
    expect(first).not.toBeNull();
    expect(labeling.currentSuggestion).not.toBeNull();
    await labeling.label('must');
    expect(labeling.constraints).toHaveLength(1);
    const second = labeling.pair;
    expect(second).not.toBeNull();
    expect(`${second!.i},${second!.j}`).not.toBe(`${first!.i},${first!.j}`);
  });
});

describe('LabelingSession key map (issue 11, item 4)', () => {
  it('owns the labeling keys: M and C only with a pair, S, N, Esc, and Ctrl/⌘+Z, Ctrl+Shift+Z, Ctrl+Y', async () => {
    const { backend, labeling } = await session();
    expect(labeling.handleKey('m')).toBe(false); // no pair chosen: M is not taken
    expect(labeling.handleKey('x')).toBe(false);
    expect(labeling.handleKey('m', { alt: true })).toBe(false);
    labeling.pick(0);
    labeling.pick(1);
    expect(labeling.handleKey('M')).toBe(true);
    await vi.waitFor(() => expect(backend.callsTo('constraints.set')).toEqual([{ datasetId: 1, i: 0, j: 1, kind: 'must' }]));
    expect(labeling.canUndo).toBe(true);
    expect(labeling.handleKey('z', { ctrl: true })).toBe(true);
    await vi.waitFor(() => expect(backend.callsTo('constraints.remove')).toHaveLength(1));
    expect(labeling.canRedo).toBe(true);
    expect(labeling.handleKey('z', { meta: true, shift: true })).toBe(true);
    await vi.waitFor(() => expect(backend.callsTo('constraints.set')).toHaveLength(2));
    expect(labeling.handleKey('y', { ctrl: true })).toBe(true); // nothing left to redo: taken, does nothing
    expect(labeling.handleKey('c', { ctrl: true })).toBe(false); // Ctrl+C stays the browser's copy
    expect(labeling.handleKey('n')).toBe(true);
    expect(labeling.pair).not.toBeNull();
    expect(labeling.handleKey('Escape')).toBe(true);
    expect(labeling.pending).toEqual([]);
  });
});

describe('LabelingSession suggestions follow the labels (issue 14 exploratory pass)', () => {
  it('recomputes the queue after a label, so the threshold moves with the labels', async () => {
    // 40 points on a line, so the first queue (up to 20 disjoint pairs) does not run dry after two labels.
    const line: EmbeddingSpace = { points: Float64Array.from({ length: 40 }, (_, i) => i), n: 40, e: 1 };
    const labeling = new LabelingSession(backendWithDataset(), () => line);
    await labeling.load(1);
    labeling.next();
    expect(labeling.currentSuggestion?.reason).toContain('half the median distance');
    await labeling.label('must');
    labeling.next();
    await labeling.label('cannot');
    labeling.next();
    // Both kinds are labeled now: the next suggestion is computed from them, not from the first queue.
    expect(labeling.currentSuggestion?.reason).toContain('halfway between your mean must-link and cannot-link distances');
  });
});
