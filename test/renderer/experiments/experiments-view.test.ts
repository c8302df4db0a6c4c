import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { MethodDeclaration } from '../../../src-renderer/src/lib/backend/types.ts';
import { backendWithDataset } from '../fake-backend.ts';
import { supervisionDeclaration } from '../../../shared/engine/supervision/kinds.ts';

const methods: MethodDeclaration[] = [
  { name: 'euclidean', title: 'Euclidean', description: 'identity', input: 'none', supervision: supervisionDeclaration('none'), params: [] },
  {
    name: 'nca', title: 'NCA', description: 'nca', input: 'labels', supervision: supervisionDeclaration('labels'),
    params: [
      { name: 'maxIter', type: 'int', default: 50, min: 1, description: 'Maximum number of iterations.', rule: 'an integer ≥ 1' },
      { name: 'init', type: 'enum', default: 'auto', values: ['auto', 'pca'], description: 'Starting L.', rule: "one of 'auto', 'pca'" },
    ],
  },
  { name: 'mmc', title: 'MMC', description: 'mmc', input: 'pairs', supervision: supervisionDeclaration('pairs'), params: [] },
];

describe('Experiments view', () => {
  afterEach(() => cleanup());

  it('generates parameter forms from methods.list, validates inline, and starts one job per method', async () => {
    let nextJob = 0;
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: `job-${++nextJob}`, runIds: [nextJob] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));

    const maxIter = (await waitFor(() => screen.getByLabelText('maxIter'))) as HTMLInputElement;
    expect(maxIter.value).toBe('50');
    expect((screen.getByLabelText('init') as HTMLSelectElement).value).toBe('auto');
    await fireEvent.input(maxIter, { target: { value: '0' } });
    expect(maxIter.getAttribute('aria-invalid')).toBe('true');
    expect(screen.getAllByText("nca: parameter 'maxIter' must be an integer ≥ 1, got 0.").length).toBeGreaterThan(0);
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.input(maxIter, { target: { value: '20' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(3));
    const specs = backend.callsTo('jobs.start').map((r) => (r as { spec: Record<string, unknown> }).spec);
    expect(specs.map((s) => [s.kind, s.method, s.params])).toEqual([
      ['evaluate', 'euclidean', {}],
      ['evaluate', 'nca', { maxIter: 20 }],
      ['learn', 'nca', { maxIter: 20 }],
    ]);
    expect(specs[0]).toMatchObject({ datasetId: 1, protocol: { folds: 5, k: 3, seed: 0, preprocess: 'zscore' }, constraintSource: 'generated' });

    backend.emit('job.progress', { jobId: 'job-2', runId: 2, phase: 'fit', fold: 2, folds: 5, iteration: 3, objective: 1.5, elapsedMs: 1200, fraction: 0.3 });
    await waitFor(() => expect(screen.getByText(/fold 2\/5/)).toBeTruthy());
    backend.emit('job.finished', { jobId: 'job-2', runIds: [2], status: 'failed', error: 'nca: the data has a single class.' });
    await waitFor(() => expect(screen.getByText('nca: the data has a single class.')).toBeTruthy());
  });
});

describe('Experiments view: PCA first in the Protocol box', () => {
  afterEach(() => cleanup());

  it("puts reduce in every job's protocol when a number of components is given, and refuses 0", async () => {
    let nextJob = 0;
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: `job-${++nextJob}`, runIds: [nextJob] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    const reduce = (await waitFor(() => screen.getByLabelText(/PCA first/))) as HTMLInputElement;
    await fireEvent.input(reduce, { target: { value: '0' } });
    expect(screen.getAllByText('PCA first must be a whole number of components ≥ 1, or empty for none.').length).toBeGreaterThan(0);
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(reduce, { target: { value: '2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(3));
    const specs = backend.callsTo('jobs.start').map((r) => (r as { spec: { protocol: Record<string, unknown> } }).spec);
    for (const spec of specs) expect(spec.protocol).toMatchObject({ preprocess: 'zscore', reduce: 2 });
  });
});

describe('Experiments view: a finished learn job says whether it converged and why', () => {
  afterEach(() => cleanup());

  it('marks a run that did not converge, with the reason in words and the final objective', async () => {
    let nextJob = 0;
    const summary = { iterations: 2, converged: false, stopReason: 'maxIter', objective: 141.25, objectiveTrace: [120.5, 141.25], fitSeconds: 0.01 };
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: `job-${++nextJob}`, runIds: [nextJob] }))
      .handle('runs.get', ({ runId }) => ({ run: { id: runId, kind: 'learn', method: 'nca', status: 'succeeded', metric: { summary } } }) as never);
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => screen.getByLabelText('maxIter'));
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(3));
    // job-3 is the learn job (see the first test).
    backend.emit('job.finished', { jobId: 'job-3', runIds: [3], status: 'succeeded', error: null });
    const line = await waitFor(() => screen.getByTestId('job-stop-reason'));
    expect(line.getAttribute('data-stop-reason')).toBe('maxIter');
    expect(line.textContent).toContain('not converged: stopped at the iteration limit');
    expect(line.textContent).toContain('objective 141.25');
    expect(line.className).toContain('not-converged');
  });
});

describe('Experiments view: sweep with suggested pairs', () => {
  afterEach(() => cleanup());

  it("offers 'suggested (active learning)' for a sweep only and sends it in the sweep spec", async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: 'job-1', runIds: [1] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => screen.getByLabelText('maxIter'));
    expect(screen.queryByLabelText('suggested (active learning)')).toBeNull();

    await fireEvent.click(screen.getByLabelText('Accuracy vs number of constraints (sweep)'));
    await fireEvent.click(screen.getByLabelText(/^mmc\b/));
    await fireEvent.click(screen.getByLabelText('suggested (active learning)'));
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(1));
    const spec = (backend.callsTo('jobs.start')[0] as { spec: Record<string, unknown> }).spec;
    expect(spec).toMatchObject({ kind: 'sweep', method: 'mmc', constraintSource: 'suggested', seeds: 3 });

    // Back to a comparison: its own pair sources (ticked, any number), no suggested pairs.
    await fireEvent.click(screen.getByLabelText('Compare methods (cross-validated kNN)'));
    expect(screen.queryByLabelText('suggested (active learning)')).toBeNull();
    expect((screen.getByRole('checkbox', { name: /generated from class labels/ }) as HTMLInputElement).checked).toBe(true);
  });
});

describe('Experiments view: learn one metric', () => {
  afterEach(() => cleanup());

  it('learns the ticked method rather than the Euclidean baseline that is ticked by default, and says so', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: 'job-1', runIds: [1] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => screen.getByLabelText('maxIter'));
    await fireEvent.click(screen.getByLabelText('Learn one metric on all rows'));
    expect(screen.getByText('Learns nca only (one metric); untick it to learn another of the ticked methods.')).toBeTruthy();
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(1));
    const spec = (backend.callsTo('jobs.start')[0] as { spec: Record<string, unknown> }).spec;
    expect(spec).toMatchObject({ kind: 'learn', method: 'nca' });

    // In a sweep, the ticked methods that take no pairs are named as left out.
    await fireEvent.click(screen.getByLabelText('Accuracy vs number of constraints (sweep)'));
    await fireEvent.click(screen.getByLabelText(/^mmc\b/));
    expect(screen.getByText('A sweep runs only the method that learns from constraints (mmc); the other ticked methods (euclidean, nca) are not part of it.')).toBeTruthy();
  });
});

describe('Experiments view after a reload', () => {
  afterEach(() => cleanup());

  it('titles jobs it did not start from their runs and dataset instead of their raw ids', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.list', () => ({ jobs: [{ jobId: 'a1b2c3', kind: 'evaluate' as const, datasetId: 1, status: 'succeeded' as const, runIds: [7] }] }))
      .handle('runs.list', () => ({
        runs: [{
          id: 7, datasetId: 1, datasetHash: 'h', kind: 'evaluate' as const, method: 'nca', params: {}, seed: 0, status: 'succeeded' as const,
          createdAt: '2026-01-01T00:00:00Z', finishedAt: '2026-01-01T00:00:01Z', parentRunId: null, error: null, accuracy: 0.9, components: null, testScore: null,
        }],
      }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => expect(screen.getByText('evaluate · nca · toy')).toBeTruthy());
    expect(screen.queryByText('Job a1b2c3')).toBeNull();
  });
});

describe('Experiments view with contradictory labels', () => {
  afterEach(() => cleanup());

  it('blocks pair-based fits on my labels until the contradiction is fixed', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('constraints.list', () => ({
        constraints: [
          { i: 0, j: 1, kind: 'must' as const },
          { i: 1, j: 2, kind: 'must' as const },
          { i: 0, j: 2, kind: 'cannot' as const },
        ],
      }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await fireEvent.click(await waitFor(() => screen.getByRole('checkbox', { name: /^mmc / })));
    expect((screen.getByRole('checkbox', { name: /my labels \(3 pairs\)/ }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByText(/Your pairs contain 1 contradiction/)).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(true);
    // Generated pairs instead of my labels: nothing contradicts, Start is offered.
    await fireEvent.click(screen.getByRole('checkbox', { name: /generated from class labels/ }));
    await fireEvent.click(screen.getByRole('checkbox', { name: /my labels \(3 pairs\)/ }));
    expect(screen.queryByText(/Your pairs contain 1 contradiction/)).toBeNull();
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(false);
  });
});
