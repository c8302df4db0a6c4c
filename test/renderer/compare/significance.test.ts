import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { RunDetail, RunSummary } from '../../../src-renderer/src/lib/backend/types.ts';
import { withMarker } from '../../../src-renderer/src/lib/compare/significance.ts';
import { SMALL_COMPARISON } from '../../report/fixtures.ts';
import { backendWithDataset } from '../fake-backend.ts';

/**
 * The runs of test/report/fixtures.ts SMALL_COMPARISON as the history lists them: euclidean #11, nca #12 (class
 * labels), itml #13 (15 labeled pairs), 5 folds each, 5 held-out labeled pairs behind every pair AUC.
 */
const SUMMARIES: RunSummary[] = SMALL_COMPARISON.map((r): RunSummary => ({
  id: r.runId, datasetId: 1, datasetHash: 'h', kind: 'evaluate', method: r.method, params: r.params, seed: 0, status: 'succeeded',
  createdAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', parentRunId: null, error: null,
  accuracy: r.evaluation.accuracy!.mean, components: null, testScore: null, supervision: r.supervision,
})).reverse();

function detail(id: number): RunDetail {
  const run = SMALL_COMPARISON.find((r) => r.runId === id)!;
  return {
    ...SUMMARIES.find((s) => s.id === id)!, protocol: null, appVersion: 'test', startedAt: null, timings: null, errorCode: null,
    metric: null, evaluation: run.evaluation, comparison: null, sweep: null, children: [], testScores: [],
  } as RunDetail;
}

async function openCompare() {
  const backend = backendWithDataset()
    .handle('runs.list', () => ({ runs: SUMMARIES }))
    .handle('runs.get', ({ runId }) => ({ run: detail(runId) }))
    .handle('runs.report', ({ runIds, format }) => ({ fileName: `toy-comparison-runs-${runIds.join('-')}-table.${format}`, mimeType: 'application/x-tex', text: '\\toprule\n' }));
  render(App, { props: { backend } });
  await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
  await fireEvent.click(screen.getByRole('tab', { name: 'Compare' }));
  await waitFor(() => expect(screen.getByTestId('significance-table').querySelectorAll('tbody tr')).toHaveLength(3));
  return backend;
}

describe('Compare view: significance, markers, pair AUC count, supervision, Export table', () => {
  afterEach(() => cleanup());

  it('shows the p-values of the corrected resampled t-test against the best and against Euclidean, the test named', async () => {
    await openCompare();
    const row = (id: number) => [...screen.getByTestId(`significance-row-${id}`).querySelectorAll('th, td')].map((c) => c.textContent);
    // scipy 1.10 (see test/report/writers.test.ts): euclidean vs nca p = 0.00388, itml vs nca 0.178, itml vs euclidean 0.0161.
    expect(row(11)).toEqual(['euclidean #11', 'unsupervised', '90.0% ± 2.1%**', '0.004', 'baseline']);
    expect(row(12)).toEqual(['nca #12', 'class labels', '96.0% ± 2.5%', 'best', '0.004']);
    expect(row(13)).toEqual(['itml #13', 'pairs: labeled (15)', '94.0% ± 1.3%', '0.178', '0.016']);
    expect(screen.getByTestId('significance-note').textContent).toContain('Test: corrected resampled t-test (Nadeau & Bengio), paired over the same 5 folds');
  });

  it('puts the markers against Euclidean beside the bar labels, and says what they mean', async () => {
    await openCompare();
    await waitFor(() => expect(screen.getByTestId('accuracy-markers').textContent).toContain('itml #13 *, nca #12 **:'));
    expect(screen.getByTestId('accuracy-markers').textContent).toContain('* p < 0.05, ** p < 0.01 against the Euclidean baseline');
  });

  it('shows pair AUC as n/a with the count of held-out pairs, and each run\'s supervision in the list', async () => {
    await openCompare();
    expect(screen.getByTestId('pair-auc-13').textContent).toBe('n/a — only 5 held-out labeled pairs');
    expect(screen.getByTestId('chooser-supervision-13').textContent).toBe('pairs: labeled (15)');
    expect(screen.getByTestId('chooser-supervision-12').textContent).toBe('class labels');
  });

  it('exports the shown runs as a table in the chosen format (a download in the browser)', async () => {
    URL.createObjectURL = vi.fn(() => 'blob:table');
    URL.revokeObjectURL = vi.fn();
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {});
    const backend = await openCompare();
    await fireEvent.change(screen.getByTestId('table-export-format'), { target: { value: 'md' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Export table' }));
    await waitFor(() => expect(clicked).toHaveBeenCalledTimes(1));
    expect(backend.callsTo('runs.report')).toEqual([{ runIds: [11, 13, 12], format: 'md' }]);
    expect(await waitFor(() => screen.getByText(/^Downloaded toy-comparison-runs-11-13-12-table\.md/))).toBeTruthy();
    clicked.mockRestore();
  });
});

describe('bar labels with their marker', () => {
  it('adds the marker beside the label, nothing without one', () => {
    expect(withMarker('nca #12', '**')).toBe('nca #12 **');
    expect(withMarker('euclidean #11', undefined)).toBe('euclidean #11');
  });
});
