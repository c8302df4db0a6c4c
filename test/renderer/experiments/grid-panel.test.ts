import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { GridView, MethodDeclaration } from '../../../src-renderer/src/lib/backend/types.ts';
import { GridRunner } from '../../../src-renderer/src/lib/experiments/grid-runner.svelte.ts';
import { backendWithDataset } from '../fake-backend.ts';
import { supervisionDeclaration } from '../../../shared/engine/supervision/kinds.ts';

const methods: MethodDeclaration[] = [
  { name: 'euclidean', title: 'Euclidean', description: 'identity', input: 'none', supervision: supervisionDeclaration('none'), params: [] },
  {
    name: 'nca', title: 'NCA', description: 'nca', input: 'labels', supervision: supervisionDeclaration('labels'),
    params: [{ name: 'maxIter', type: 'int', default: 50, min: 1, description: 'Maximum number of iterations.', rule: 'an integer ≥ 1' }],
  },
  { name: 'itml', title: 'ITML', description: 'itml', input: 'pairs', supervision: supervisionDeclaration('pairs'), params: [] },
];

const view = (patch: Partial<GridView>): GridView => ({
  gridId: 'grid-1', cells: 4, done: 0, failed: 0, location: 'local', createdAt: '2026-01-01T00:00:00Z',
  title: 'toy × euclidean, nca × seeds 0, 1', status: ['queued', 'queued', 'queued', 'queued'], fractions: [0, 0, 0, 0],
  runIds: [1, 2, 3, 4], errors: [null, null, null, null], ...patch,
});

describe('Experiments view: Grid panel', () => {
  afterEach(() => cleanup());

  it('starts the grid of the ticked methods over the ticked data sets and seeds, and shows it as one entry with per-cell progress', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('grids.start', () => ({ grid: view({}) }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => screen.getByLabelText('maxIter'));
    await fireEvent.input(screen.getByLabelText('maxIter'), { target: { value: '20' } });

    const start = screen.getByRole('button', { name: 'Start grid (4 cells)' });
    await fireEvent.click(start);
    await waitFor(() => expect(backend.callsTo('grids.start')).toHaveLength(1));
    expect(backend.callsTo('grids.start')[0]).toEqual({
      spec: { datasets: [1], methods: ['euclidean', 'nca'], seeds: [0, 1], params: { nca: { maxIter: [20] } }, protocol: { folds: 5, k: 3, preprocess: 'zscore' } },
    });
    const entry = await waitFor(() => screen.getByTestId('grid-entry'));
    expect(within(entry).getByText('0/4 done')).toBeTruthy();

    const runsListed = backend.callsTo('runs.list').length;
    backend.emit('grid.progress', view({
      done: 1, failed: 1, status: ['succeeded', 'running', 'failed', 'queued'], fractions: [1, 0.5, 1, 0],
      errors: [null, null, "nca: parameter 'maxIter' must be an integer ≥ 1, got 0.", null],
    }));
    await waitFor(() => expect(within(entry).getByText('1/4 done, 1 failed')).toBeTruthy());
    await waitFor(() => expect(backend.callsTo('runs.list').length).toBeGreaterThan(runsListed)); // the history follows finished cells
    const cells = within(entry).getAllByRole('listitem');
    expect(cells.map((c) => c.getAttribute('aria-label'))).toEqual(['cell 0 succeeded', 'cell 1 running', 'cell 2 failed', 'cell 3 queued']);
    expect(cells[1]!.getAttribute('style')).toContain('--f: 0.5');
    expect(within(entry).getByText("cell 2: nca: parameter 'maxIter' must be an integer ≥ 1, got 0.")).toBeTruthy();
    expect(screen.getAllByTestId('grid-entry')).toHaveLength(1); // one entry per grid, not one per cell

    // a pair-based method gets one cell per count; bad seeds block the start
    await fireEvent.click(screen.getByRole('checkbox', { name: /^itml / }));
    await fireEvent.input(screen.getByLabelText('Grid counts'), { target: { value: '10, 20' } });
    expect(screen.getByRole('button', { name: 'Start grid (8 cells)' })).toBeTruthy();
    await fireEvent.input(screen.getByLabelText('Grid seeds'), { target: { value: '0, x' } });
    expect(screen.getByText('Grid seeds must be whole numbers ≥ 0 separated by commas, e.g. 0, 1, 2.')).toBeTruthy();
    expect((screen.getByRole('button', { name: /^Start grid/ }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('parses comma lists strictly', () => {
    expect(GridRunner.parseList('0, 1,2 ,1', 0)).toEqual([0, 1, 2]);
    expect(GridRunner.parseList('', 1)).toEqual([]);
    expect(GridRunner.parseList('0', 1)).toBeNull();
    expect(GridRunner.parseList('1.5', 0)).toBeNull();
    expect(GridRunner.parseList('-1', 0)).toBeNull();
  });
});
