import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import { WorkbenchError } from '../../../shared/errors.ts';
import type { RequestOf, ResponseOf } from '../../../shared/ipc/contract.ts';
import App from '../../../src-renderer/src/App.svelte';
import { backendWithRuns } from './runs-fixture.ts';

/**
 * Compare → Test set while main scores in its worker: the panel follows `score.progress` events of its own score id,
 * offers Cancel, and Cancel sends `scores.cancel` with that id and stops the shown runs still to come.
 */
function backendWithTestSet() {
  const toy = {
    id: 1, name: 'toy', rows: 6, features: 2, classes: ['a', 'b'], labeled: true, sourceFile: null,
    sourceSha256: null, contentHash: 'h', createdAt: '2026-01-01T00:00:00Z',
  };
  const pending: Array<{ request: RequestOf<'runs.score'>; resolve(v: ResponseOf<'runs.score'>): void; reject(e: Error): void }> = [];
  const backend = backendWithRuns()
    .handle('datasets.list', () => ({ datasets: [toy, { ...toy, id: 2, name: 'toy-test', contentHash: 'h2' }] }))
    .handle('runs.score', (request) => new Promise((resolve, reject) => pending.push({ request, resolve, reject })))
    .handle('scores.cancel', () => ({ cancelled: true }));
  return { backend, pending };
}

describe('Compare → Test set, scored in main’s worker', () => {
  afterEach(() => cleanup());

  it('shows the progress of its own score, and Cancel sends scores.cancel and stops the runs still to come', async () => {
    const { backend, pending } = backendWithTestSet();
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Compare' }));
    const button = await waitFor(() => screen.getByRole('button', { name: 'Score on test set' }));
    await waitFor(() => expect((button as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(button);
    await waitFor(() => expect(pending.length).toBe(1));
    const { scoreId } = pending[0]!.request;
    expect(scoreId).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(pending[0]!.request).toMatchObject({ runId: 1, k: 3 });

    // Another score's events are not this one's.
    backend.emit('score.progress', { scoreId: 'someone-else', runId: 1, phase: 'knn', elapsedMs: 10, fraction: 0.9, message: 'not ours' });
    backend.emit('score.progress', { scoreId: scoreId!, runId: 1, phase: 'knn', elapsedMs: 800, fraction: 0.25, message: '3-NN of 10 test rows against 6 training rows' });
    const progress = await waitFor(() => screen.getByTestId('score-progress'));
    await waitFor(() => expect(progress.textContent).toContain('3-NN of 10 test rows against 6 training rows'));
    expect(progress.textContent).not.toContain('not ours');
    expect(progress.querySelector('progress')!.getAttribute('value')).toBe('0.25');

    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(() => expect(backend.callsTo('scores.cancel')).toEqual([{ scoreId }]));
    pending[0]!.reject(new WorkbenchError('JOB_CANCELLED', 'The score was cancelled; nothing was stored.'));
    await waitFor(() => expect(screen.getByRole('alert').textContent).toBe('Scoring run 1 was cancelled; nothing was stored.'));
    expect(screen.queryByTestId('score-progress')).toBeNull();
    expect(screen.getByRole('button', { name: 'Score on test set' })).toBeTruthy();
    // The shown runs after the first were not scored.
    expect(backend.callsTo('runs.score').length).toBe(1);
  });
});
