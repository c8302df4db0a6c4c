import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { MethodDeclaration, RunSummary } from '../../../src-renderer/src/lib/backend/types.ts';
import { progressLine } from '../../../src-renderer/src/lib/experiments/job-text.ts';
import { backendWithDataset } from '../fake-backend.ts';
import { supervisionDeclaration } from '../../../shared/engine/supervision/kinds.ts';

const methods: MethodDeclaration[] = [
  { name: 'euclidean', title: 'Euclidean', description: 'identity', input: 'none', supervision: supervisionDeclaration('none'), params: [] },
  { name: 'nca', title: 'NCA', description: 'nca', input: 'labels', supervision: supervisionDeclaration('labels'), params: [] },
];

const run = (id: number, status: RunSummary['status'], accuracy: number | null): RunSummary => ({
  id, datasetId: 1, datasetHash: 'h', kind: 'evaluate', method: 'nca', params: {}, seed: 0, status,
  createdAt: '2026-01-01T00:00:00Z', finishedAt: null, parentRunId: null, error: null, accuracy, components: null, testScore: null,
});

describe('progressLine', () => {
  it('says each fact once and shows no clock while a job waits', () => {
    const p = { jobId: 'j', runId: 2, phase: 'evaluate' as const, fold: 3, folds: 5, message: 'nca, fold 3/5', elapsedMs: 1500 };
    expect(progressLine({ status: 'running', progress: p })).toBe('nca, fold 3/5 · 1.5 s');
    expect(progressLine({ status: 'running', progress: { ...p, message: 'nca' } })).toBe('nca · fold 3/5 · 1.5 s');
    const queued = { jobId: 'j', runId: 2, phase: 'queued' as const, elapsedMs: 0 };
    expect(progressLine({ status: 'queued', progress: queued })).toBe('Waiting for a free worker…');
    // The worker took the job but has not reported yet: it is running, not queued.
    expect(progressLine({ status: 'running', progress: queued })).toBe('Starting…');
    expect(progressLine({ status: 'running', progress: { jobId: 'j', runId: 2, phase: 'started', elapsedMs: 0.4 } })).toBe('Started');
  });
});

describe('Job feedback in Experiments (issue 14)', () => {
  const scrolled: Element[] = [];
  beforeEach(() => {
    scrolled.length = 0;
    // happy-dom lays nothing out; record which element the view asks to bring into view.
    Element.prototype.scrollIntoView = vi.fn(function (this: Element) { scrolled.push(this); });
  });
  afterEach(() => cleanup());

  it('after Start, says so in a notice and scrolls the new job into view', async () => {
    let next = 0;
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: `job-${++next}`, runIds: [next] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await fireEvent.click(await waitFor(() => screen.getByRole('button', { name: 'Start' })));
    await waitFor(() => expect(screen.getByTestId('toasts').textContent).toContain('Started 3 jobs: progress is under Jobs.'));
    expect(scrolled).toHaveLength(1);
    expect(scrolled[0]!.getAttribute('data-job-id')).toBe('job-1');
    expect(scrolled[0]!.closest('section')?.getAttribute('aria-labelledby')).toBe('jobs-title');
    // The notice belongs to Experiments: it goes when the user moves on.
    await fireEvent.click(screen.getByRole('tab', { name: 'Compare' }));
    expect(screen.getByTestId('toasts').textContent).toBe('');
  });

  it('shows a running job as running, with its progress said once', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: 'job-1', runIds: [2] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await fireEvent.click(await waitFor(() => screen.getByLabelText(/^euclidean\b/)));
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    const card = await waitFor(() => screen.getByTestId('job-card'));
    backend.emit('job.progress', { jobId: 'job-1', runId: 2, phase: 'queued', elapsedMs: 0 });
    await waitFor(() => expect(within(card).getByTestId('job-progress').textContent).toBe('Waiting for a free worker…'));
    expect(within(card).getByTestId('job-progress').textContent).not.toContain('0 ms');
    backend.emit('job.status', { jobId: 'job-1', status: 'running' });
    await waitFor(() => expect(within(card).getByTestId('job-status').textContent).toBe('running'));
    expect(within(card).getByTestId('job-progress').textContent).toBe('Starting…');
    backend.emit('job.progress', { jobId: 'job-1', runId: 2, phase: 'evaluate', fold: 3, folds: 5, message: 'nca, fold 3/5', elapsedMs: 2500 });
    await waitFor(() => expect(within(card).getByTestId('job-progress').textContent).toBe('nca, fold 3/5 · 2.5 s'));
  });

  it('says "finishing" until the run is read back, then succeeded with its accuracy', async () => {
    let runs: RunSummary[] = [run(2, 'running', null)];
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('runs.list', () => ({ runs }))
      .handle('jobs.list', () => ({ jobs: [{ jobId: 'job-1', kind: 'evaluate' as const, datasetId: 1, status: 'running' as const, runIds: [2] }] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    const card = await waitFor(() => screen.getByTestId('job-card'));
    backend.emit('job.finished', { jobId: 'job-1', runIds: [2], status: 'succeeded' });
    await waitFor(() => expect(within(card).getByTestId('job-status').textContent).toBe('finishing…'));
    expect(within(card).queryByText(/%/)).toBeNull();
    runs = [run(2, 'succeeded', 0.875)];
    backend.emit('job.status', { jobId: 'job-1', status: 'succeeded' });
    await waitFor(() => expect(within(card).getByTestId('job-status').textContent).toBe('succeeded'));
    expect(within(card).getByText('nca 87.5%')).toBeTruthy();
  });

  it('gives the objective sparkline its range and its iteration count', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.list', () => ({ jobs: [{ jobId: 'job-1', kind: 'evaluate' as const, datasetId: 1, status: 'running' as const, runIds: [2] }] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    const card = await waitFor(() => screen.getByTestId('job-card'));
    for (const [iteration, objective] of [[1, 12.5], [2, 7.25], [3, 4.125]] as const) {
      backend.emit('job.progress', { jobId: 'job-1', runId: 2, phase: 'fit', fold: 1, folds: 5, iteration, objective, elapsedMs: 100 * iteration });
    }
    await waitFor(() => expect(within(card).getByTestId('sparkline-max').textContent).toBe('12.5'));
    expect(within(card).getByTestId('sparkline-min').textContent).toBe('4.13');
    expect(within(card).getByTestId('sparkline-x').textContent).toBe('iteration 1 … 3 · last 4.13');
    expect(within(card).getByLabelText(/^Objective of .*: iteration 1 to 3, from 12\.50 to 4\.125$/)).toBeTruthy();
  });

  it('puts the iteration numbers of the progress events on the x axis, not the number of updates', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.list', () => ({ jobs: [{ jobId: 'job-1', kind: 'evaluate' as const, datasetId: 1, status: 'running' as const, runIds: [2] }] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    const card = await waitFor(() => screen.getByTestId('job-card'));
    // Progress is throttled (~10 a second): a 50-iteration fit reports only some of its iterations.
    for (const [iteration, objective] of [[1, 9], [7, 6], [19, 4], [33, 3.5], [50, 3.25]] as const) {
      backend.emit('job.progress', { jobId: 'job-1', runId: 2, phase: 'fit', fold: 1, folds: 5, iteration, objective, elapsedMs: 10 * iteration });
    }
    await waitFor(() => expect(within(card).getByTestId('sparkline-x').textContent).toBe('iteration 1 … 50 · last 3.25'));
  });
});
