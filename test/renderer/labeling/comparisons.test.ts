import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import { WorkbenchError } from '../../../shared/errors.ts';
import { bytesToBase64 } from '../../../shared/ipc/base64.ts';
import { backendWithDataset, type FakeBackend } from '../fake-backend.ts';
import { backendWithRuns, METRICS } from '../compare/runs-fixture.ts';
import { ComparisonSession } from '../../../src-renderer/src/lib/labeling/comparison-session.svelte.ts';

type Stored = { anchor: number; closer: number; farther: number; origin: 'manual' | 'generated' | 'imported'; seq: number };

/**
 * The toy dataset's backend with an in-memory comparison store that keeps main's rules: the same triple again is
 * unchanged, its mirror is refused naming the stored one, replace swaps them.
 */
function withComparisons(backend: FakeBackend, derived: [number, number, number][] = []): FakeBackend {
  const stored: Stored[] = [];
  let seq = 0;
  const find = (a: number, b: number, c: number) => stored.findIndex((s) => s.anchor === a && s.closer === b && s.farther === c);
  return backend
    .handle('comparisons.list', () => ({ comparisons: stored.map((s) => ({ ...s })) }))
    .handle('comparisons.derived', () => ({ derived, total: derived.length }))
    .handle('comparisons.add', ({ anchor, closer, farther }) => {
      const mirror = stored[find(anchor, farther, closer)];
      if (mirror) throw new WorkbenchError('CONSTRAINT_INVALID', `contradicts the stored comparison (${anchor}, ${farther}, ${closer})`);
      if (find(anchor, closer, farther) < 0) stored.push({ anchor, closer, farther, origin: 'manual', seq: ++seq });
      return { comparison: stored[find(anchor, closer, farther)]!, outcome: 'added' as const };
    })
    .handle('comparisons.replace', ({ anchor, closer, farther }) => {
      const at = find(anchor, farther, closer);
      const replaced = at >= 0 ? stored.splice(at, 1)[0]! : null;
      stored.push({ anchor, closer, farther, origin: 'manual', seq: ++seq });
      return { comparison: stored.at(-1)!, replaced };
    })
    .handle('comparisons.remove', ({ anchor, closer, farther }) => {
      const at = find(anchor, closer, farther);
      const removed = at >= 0 ? stored.splice(at, 1)[0]! : null;
      return { removed: removed !== null, comparison: removed };
    });
}

/** A 2×2-pixel "image" dataset (6 rows) in place of the toy one's features. */
function imageBackend(): FakeBackend {
  const backend = withComparisons(backendWithDataset());
  const pixels = Float64Array.from({ length: 24 }, (_, k) => ((k * 7) % 5) + (k >= 12 ? 10 : 0));
  return backend
    .handle('datasets.get', () => ({
      dataset: {
        id: 1, name: 'toy', rows: 6, features: 4, classes: ['a', 'b'], labeled: true, sourceFile: null, sourceSha256: null, contentHash: 'h',
        createdAt: '2026-01-01T00:00:00Z', featureNames: ['p0', 'p1', 'p2', 'p3'], classNames: ['a', 'b'], imageShape: [2, 2] as [number, number],
        classCounts: [3, 3], format: 'idx', importOptions: {}, warnings: [], stats: [],
      },
    }))
    .handle('datasets.data', () => ({ nRows: 6, nFeatures: 4, encoding: 'f64' as const, features: bytesToBase64(new Uint8Array(pixels.buffer)), labels: [0, 0, 0, 1, 1, 1] }));
}

async function openComparisons(backend: FakeBackend = withComparisons(backendWithDataset())) {
  const app = render(App, { props: { backend } });
  await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
  await fireEvent.click(screen.getByRole('tab', { name: 'Label' }));
  await fireEvent.click(screen.getByRole('radio', { name: 'Comparisons' }));
  const hook = await waitFor(() => {
    const h = window.__workbench?.scatters.label;
    if (!h) throw new Error('label scatter not registered yet');
    return h;
  });
  const canvas = screen.getByLabelText(/^Scatter of toy for comparison labeling/);
  return { app, backend, hook, canvas };
}

async function clickPoints(hook: { pointToClient(i: number): { x: number; y: number } | null }, canvas: HTMLElement, rows: number[]) {
  for (const r of rows) {
    const p = hook.pointToClient(r)!;
    await fireEvent.pointerDown(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
    await fireEvent.pointerUp(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
    await fireEvent.click(canvas, { clientX: p.x, clientY: p.y, detail: 1 });
  }
}

const listed = () => within(screen.getByRole('list', { name: 'Answered comparisons, newest first' })).getAllByRole('listitem').map((li) => li.querySelector('button')!.textContent);

describe('Label view: comparisons', () => {
  afterEach(() => cleanup());

  it('poses a query from three clicks, shows the anchor and both candidates with their most different features, and stores the answer of 1', async () => {
    const { backend, hook, canvas } = await openComparisons();
    expect(screen.queryByTestId('comparison-count')).toBeNull(); // the header counts comparisons once there are some
    await clickPoints(hook, canvas, [0]);
    await waitFor(() => screen.getByText(/Anchor: row 0 \(a\)\. Now click the first candidate\./));
    await clickPoints(hook, canvas, [1, 3]);
    await waitFor(() => screen.getByText('Is row 0 closer to', { exact: false }));
    expect(screen.getByTestId('comparison-anchor').textContent).toContain('Row 0');
    expect(screen.getByTestId('comparison-first').textContent).toContain('Row 1');
    expect(screen.getByTestId('comparison-second').textContent).toContain('Row 3');
    expect(window.__workbench!.scatters.label!.selected()).toEqual([0, 1, 3]);
    // The feature table: anchor, 1, 2 per feature, the larger z-score gap first (colour's spread is the smaller, so
    // its gap of 5 is the larger); row 3 lies ≥ 1 std from row 0 on both features, row 1 on neither.
    const table = screen.getByRole('table');
    const body = within(table).getAllByRole('row').slice(1).map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(body).toEqual([['color', '0', '0', '5'], ['size', '0', '0.1000', '5']]);
    expect([...table.querySelectorAll('td.differs')].map((td) => td.textContent)).toEqual(['5', '5']);
    await fireEvent.keyDown(window, { key: '1' });
    await waitFor(() => expect(listed()).toEqual(['0: 1 ‹ 3']));
    expect(backend.callsTo('comparisons.add')).toEqual([{ datasetId: 1, anchor: 0, closer: 1, farther: 3 }]);
    expect(screen.getByTestId('comparison-counts').textContent).toBe('1 comparison: 1 manual');
    expect(screen.getByTestId('comparison-count').textContent).toBe('· 1 comparison');
  });

  it('answers with ← and →, even while the scatter has the focus, and undoes and redoes with Ctrl+Z and Ctrl+Shift+Z', async () => {
    const { backend, hook, canvas } = await openComparisons();
    await clickPoints(hook, canvas, [4, 1, 5]);
    canvas.focus();
    await fireEvent.keyDown(canvas, { key: 'ArrowRight' });
    await waitFor(() => expect(listed()).toEqual(['4: 5 ‹ 1']));
    await clickPoints(hook, canvas, [2, 0, 3]);
    await fireEvent.keyDown(canvas, { key: 'ArrowLeft' });
    await waitFor(() => expect(listed()).toEqual(['2: 0 ‹ 3', '4: 5 ‹ 1']));
    expect(screen.getByTestId('comparison-counts').textContent).toBe('2 comparisons: 2 manual');
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(listed()).toEqual(['4: 5 ‹ 1']));
    expect(backend.callsTo('comparisons.remove')).toEqual([{ datasetId: 1, anchor: 2, closer: 0, farther: 3 }]);
    await fireEvent.keyDown(window, { key: 'Z', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(listed()).toEqual(['2: 0 ‹ 3', '4: 5 ‹ 1']));
    // Deleting one from the list.
    await fireEvent.click(screen.getByRole('button', { name: 'Delete comparison 4, 5, 1' }));
    await waitFor(() => expect(listed()).toEqual(['2: 0 ‹ 3']));
    expect(screen.getByTestId('comparison-counts').textContent).toBe('1 comparison: 1 manual');
  });

  it('says which stored answer a conflicting answer contradicts, and replaces it only when asked (undo puts it back)', async () => {
    const { backend, hook, canvas } = await openComparisons();
    await clickPoints(hook, canvas, [0, 1, 3]);
    await fireEvent.keyDown(window, { key: '1' });
    await waitFor(() => expect(listed()).toEqual(['0: 1 ‹ 3']));
    // The same query, answered the other way.
    await clickPoints(hook, canvas, [0, 3, 1]);
    await fireEvent.keyDown(window, { key: '1' });
    const alert = await waitFor(() => screen.getByTestId('comparison-conflict'));
    expect(alert.textContent).toContain('This answer (row 0 is closer to row 3 than to row 1) contradicts your stored comparison #1: row 0 is closer to row 1 than to row 3.');
    expect(backend.callsTo('comparisons.add')).toHaveLength(1);
    await fireEvent.click(screen.getByRole('button', { name: 'Keep the stored answer' }));
    expect(screen.queryByTestId('comparison-conflict')).toBeNull();
    await fireEvent.keyDown(window, { key: '1' });
    await fireEvent.click(await waitFor(() => screen.getByRole('button', { name: 'Replace the stored answer' })));
    await waitFor(() => expect(listed()).toEqual(['0: 3 ‹ 1']));
    expect(backend.callsTo('comparisons.replace')).toEqual([{ datasetId: 1, anchor: 0, closer: 3, farther: 1 }]);
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(listed()).toEqual(['0: 1 ‹ 3']));
    expect(backend.callsTo('comparisons.replace')).toEqual([{ datasetId: 1, anchor: 0, closer: 3, farther: 1 }, { datasetId: 1, anchor: 0, closer: 1, farther: 3 }]);
  });

  it('suggests a query with its reason on N, never again one skipped with S, and moves on after an answer', async () => {
    const { backend } = await openComparisons();
    await fireEvent.keyDown(window, { key: 'n' });
    const reason = await waitFor(() => screen.getByTestId('comparison-reason'));
    expect(reason.textContent).toMatch(/^Suggested: least sure under the Euclidean metric \(z-scored features\): row \d is /);
    const first = window.__workbench!.state.comparisonPending!() as number[];
    expect(first).toHaveLength(3);
    await fireEvent.keyDown(window, { key: 's' });
    const key = (q: number[]) => `${q[0]}|${Math.min(q[1]!, q[2]!)}|${Math.max(q[1]!, q[2]!)}`;
    const seen = [key(first)];
    // Every later suggestion of this session differs from the skipped one.
    for (let k = 0; k < 3; k++) {
      const q = await waitFor(() => {
        const p = window.__workbench!.state.comparisonPending!() as number[];
        if (p.length !== 3 || seen.includes(key(p))) throw new Error('waiting for the next query');
        return p;
      });
      seen.push(key(q));
      await fireEvent.keyDown(window, { key: '2' });
      await waitFor(() => expect(backend.callsTo('comparisons.add')).toHaveLength(k + 1));
    }
    expect(backend.callsTo('comparisons.add').map((r) => key(Object.values(r as object).slice(1) as number[]))).not.toContain(seen[0]);
  });

  it('keeps the mode across a reload, and lists the comparisons the pairs imply as derived', async () => {
    const backend = withComparisons(backendWithDataset(), [[0, 1, 4], [1, 0, 4]]);
    const { app } = await openComparisons(backend);
    expect(screen.getByTestId('derived-comparison-count').textContent).toContain('2 derived comparisons');
    const derived = within(screen.getByRole('list', { name: 'Comparisons implied by your pairs' })).getAllByRole('listitem');
    expect(derived.map((li) => li.textContent)).toEqual(['0: 1 ‹ 4 derived', '1: 0 ‹ 4 derived']);
    app.unmount();
    render(App, { props: { backend } });
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Label' }).getAttribute('aria-selected')).toBe('true'));
    expect((screen.getByRole('radio', { name: 'Comparisons' }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByRole('heading', { name: 'Label comparisons' })).toBeTruthy();
  });

  it('shows the three images side by side for image data, and no feature table', async () => {
    const { hook, canvas } = await openComparisons(imageBackend());
    await clickPoints(hook, canvas, [0, 2, 4]);
    await waitFor(() => screen.getByLabelText('Image of row 0'));
    expect(screen.getByLabelText('Image of row 2')).toBeTruthy();
    expect(screen.getByLabelText('Image of row 4')).toBeTruthy();
    expect(screen.queryByRole('table')).toBeNull();
  });

  it("suggests under the dataset's latest learned metric, and says so", async () => {
    // Runs #3 (nca) and #5 (mmc, the newest) learned metrics on the toy dataset; #5's L is [[1, −0.5], [0, 1]] on
    // the raw features (its preprocessing centers at 0 and scales by 1).
    await openComparisons(withComparisons(backendWithRuns()));
    await fireEvent.keyDown(window, { key: 'n' });
    const reason = (await waitFor(() => screen.getByTestId('comparison-reason'))).textContent!;
    expect(reason).toContain("least sure under run #5's learned metric (mmc)");
    const features = [[0, 0], [0.1, 0], [0.2, 0.1], [5, 5], [5.1, 5], [5.2, 5.1]];
    const L = METRICS[5]!.L;
    const learned = (a: number, b: number) => {
      const dx = features[a]![0]! - features[b]![0]!, dy = features[a]![1]! - features[b]![1]!;
      return Math.hypot(L[0]! * dx + L[1]! * dy, L[2]! * dx + L[3]! * dy);
    };
    const [, a, d1, b, d2, c] = /row (\d+) is ([\d.]+) from row (\d+) and ([\d.]+) from row (\d+)/.exec(reason)!;
    expect(d1).toBe(learned(Number(a), Number(b)).toPrecision(4));
    expect(d2).toBe(learned(Number(a), Number(c)).toPrecision(4));
    expect(screen.getByText(/computed under run #5's learned metric \(mmc\)/)).toBeTruthy();
  });

  it('turns a refusal from main (the opposite stored from another window) into a conflict it can replace', async () => {
    const { backend, hook, canvas } = await openComparisons();
    // Another window stores (0, 3, 1) after this one loaded the list.
    await backend.call('comparisons.add', { datasetId: 1, anchor: 0, closer: 3, farther: 1 });
    await clickPoints(hook, canvas, [0, 1, 3]);
    await fireEvent.keyDown(window, { key: '1' });
    const alert = await waitFor(() => screen.getByTestId('comparison-conflict'));
    expect(alert.textContent).toContain('This answer (row 0 is closer to row 1 than to row 3) contradicts your stored comparison #1: row 0 is closer to row 3 than to row 1.');
    expect(listed()).toEqual(['0: 3 ‹ 1']);
    await fireEvent.click(screen.getByRole('button', { name: 'Replace the stored answer' }));
    await waitFor(() => expect(listed()).toEqual(['0: 1 ‹ 3']));
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('Comparison undo history across a reload', () => {
  const noSpace = async () => null;
  const answer = async (session: ComparisonSession, rows: [number, number, number], which: 'first' | 'second') => {
    for (const r of rows) session.pick(r);
    await session.answer(which);
  };

  it('restores both stacks after a reload (a new session on the same tab), and drops a history that no longer fits', async () => {
    const backend = withComparisons(backendWithDataset());
    const first = new ComparisonSession(backend, noSpace, () => []);
    await first.load(1);
    await answer(first, [0, 1, 3], 'first');
    await answer(first, [4, 3, 0], 'second');
    await first.undo();
    expect(first.comparisons.map((c) => [c.anchor, c.closer, c.farther])).toEqual([[0, 1, 3]]);

    const second = new ComparisonSession(backend, noSpace, () => []);
    await second.load(1);
    expect([second.canUndo, second.canRedo]).toEqual([true, true]);
    await second.redo();
    expect(second.comparisons.map((c) => [c.anchor, c.closer, c.farther])).toEqual([[0, 1, 3], [4, 0, 3]]);
    await second.undo();
    await second.undo();
    expect(second.comparisons).toEqual([]);
    expect(second.canUndo).toBe(false);

    // Another window answers (0, 1, 3) since: the stored history's redo would now find it answered, so it is dropped.
    await backend.call('comparisons.add', { datasetId: 1, anchor: 0, closer: 3, farther: 1 });
    const third = new ComparisonSession(backend, noSpace, () => []);
    await third.load(1);
    expect([third.canUndo, third.canRedo]).toEqual([false, false]);
    sessionStorage.setItem('metric-workbench.comparison-undo.1', '{not json');
    await third.load(1);
    expect(third.canUndo).toBe(false);
  });
});
