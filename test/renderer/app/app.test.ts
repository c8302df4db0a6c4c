import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import { backendWithDataset, FakeBackend } from '../fake-backend.ts';

describe('App', () => {
  afterEach(() => cleanup());

  it('has the five views by name and shows the current dataset', async () => {
    render(App, { props: { backend: backendWithDataset() } });
    for (const name of ['Datasets', 'Label', 'Experiments', 'Compare', 'Export']) {
      expect(screen.getByRole('tab', { name })).toBeTruthy();
    }
    await waitFor(() => expect(screen.getByRole('heading', { name: 'toy' })).toBeTruthy());
    expect((screen.getByLabelText('Dataset') as HTMLSelectElement).value).toBe('1');
  });

  it('labels a pair picked on the Label scatter with the M key, and undoes it with Ctrl+Z', async () => {
    const backend = backendWithDataset();
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Label' }));
    const hook = await waitFor(() => {
      const h = window.__workbench?.scatters.label;
      if (!h) throw new Error('label scatter not registered yet');
      return h;
    });
    const canvas = screen.getByLabelText(/^Scatter of toy for pair labeling/);
    for (const i of [0, 4]) {
      const p = hook.pointToClient(i)!;
      await fireEvent.pointerDown(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
      await fireEvent.pointerUp(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
      await fireEvent.click(canvas, { clientX: p.x, clientY: p.y, detail: 1 });
    }
    await waitFor(() => expect(screen.getByRole('button', { name: 'Must-link (M)' })).toBeTruthy());
    await fireEvent.keyDown(window, { key: 'm' });
    await waitFor(() => expect(backend.callsTo('constraints.set')).toEqual([{ datasetId: 1, i: 0, j: 4, kind: 'must' }]));
    expect(screen.getByTestId('constraint-counts').textContent).toContain('1 must-link');
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(backend.callsTo('constraints.remove')).toEqual([{ datasetId: 1, i: 0, j: 4 }]));
  });

  it('labels with the keyboard alone: N suggests a pair, C and M label it and the next one appears', async () => {
    const backend = backendWithDataset();
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Label' }));
    await waitFor(() => screen.getByRole('button', { name: 'Suggest next pair (N)' }));
    await fireEvent.keyDown(window, { key: 'n' });
    await waitFor(() => expect(screen.getByText(/^Suggested:/)).toBeTruthy());
    await fireEvent.keyDown(window, { key: 'c' });
    await waitFor(() => expect(backend.callsTo('constraints.set')).toHaveLength(1));
    await waitFor(() => expect(screen.getByText(/^Suggested:/)).toBeTruthy());
    await fireEvent.keyDown(window, { key: 'm' });
    await waitFor(() => expect(backend.callsTo('constraints.set')).toHaveLength(2));
    const kinds = backend.callsTo('constraints.set').map((r) => (r as { kind: string }).kind);
    expect(kinds).toEqual(['cannot', 'must']);
    const pairs = backend.callsTo('constraints.set').map((r) => { const { i, j } = r as { i: number; j: number }; return `${i},${j}`; });
    expect(new Set(pairs).size).toBe(2);
  });

  it('offers the guided example when there is no dataset, and it can be skipped', async () => {
    const backend = new FakeBackend()
      .handle('datasets.list', () => ({ datasets: [] }))
      .handle('samples.list', () => ({ samples: [] }))
      .handle('methods.list', () => ({ methods: [] }))
      .handle('jobs.list', () => ({ jobs: [] }));
    localStorage.clear();
    render(App, { props: { backend } });
    await waitFor(() => expect(screen.getByRole('dialog', { name: 'A guided example: apples' })).toBeTruthy());
    await fireEvent.click(screen.getByRole('button', { name: 'Skip the example' }));
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(screen.getByText(/Import a CSV, TSV, ARFF, LIBSVM, .npy or IDX file/)).toBeTruthy();
  });
});
