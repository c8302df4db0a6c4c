import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import { backendWithDataset } from '../fake-backend.ts';

async function openLabel(backend = backendWithDataset()) {
  render(App, { props: { backend } });
  await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
  await fireEvent.click(screen.getByRole('tab', { name: 'Label' }));
  const hook = await waitFor(() => {
    const h = window.__workbench?.scatters.label;
    if (!h) throw new Error('label scatter not registered yet');
    return h;
  });
  const canvas = screen.getByLabelText(/^Scatter of toy for pair labeling/);
  return { backend, hook, canvas };
}

async function labelPair(hook: { pointToClient(i: number): { x: number; y: number } | null }, canvas: HTMLElement, i: number, j: number, key: 'm' | 'c') {
  for (const r of [i, j]) {
    const p = hook.pointToClient(r)!;
    await fireEvent.pointerDown(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
    await fireEvent.pointerUp(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
    await fireEvent.click(canvas, { clientX: p.x, clientY: p.y, detail: 1 });
  }
  await waitFor(() => screen.getByRole('button', { name: 'Must-link (M)' }));
  await fireEvent.keyDown(window, { key });
}

describe('Label view (issue 14)', () => {
  afterEach(() => cleanup());

  it('counts pairs in the header and in Experiments in the singular and the plural', async () => {
    const opened = await openLabel();
    const { backend } = opened;
    let { hook, canvas } = opened;
    expect(screen.getByTestId('constraint-count').textContent).toBe('0 pairs labeled');
    await labelPair(hook, canvas, 0, 1, 'm');
    await waitFor(() => expect(screen.getByTestId('constraint-count').textContent).toBe('1 pair labeled'));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => screen.getByText(/my labels \(1 pair\)$/));
    await fireEvent.click(screen.getByRole('tab', { name: 'Label' }));
    hook = await waitFor(() => {
      const h = window.__workbench?.scatters.label;
      if (!h) throw new Error('label scatter not registered yet');
      return h;
    });
    canvas = screen.getByLabelText(/^Scatter of toy for pair labeling/);
    await labelPair(hook, canvas, 0, 4, 'c');
    await waitFor(() => expect(screen.getByTestId('constraint-count').textContent).toBe('2 pairs labeled'));
    expect(backend.callsTo('constraints.set')).toHaveLength(2);
  });

  it('keeps the newest pair on top and in view, and says the list is newest first', async () => {
    const { hook, canvas } = await openLabel();
    await labelPair(hook, canvas, 0, 1, 'm');
    const list = await waitFor(() => screen.getByRole('list', { name: 'Labeled pairs, newest first' }));
    list.scrollTop = 120; // the user scrolled down to older pairs
    await labelPair(hook, canvas, 3, 4, 'm');
    await waitFor(() => expect(list.querySelector('[data-newest="true"]')?.textContent).toContain('row 3 · b ↔ row 4 · b'));
    expect(list.firstElementChild?.getAttribute('data-newest')).toBe('true');
    expect(list.scrollTop).toBe(0);
    expect(screen.getByTestId('pair-list-note').textContent).toContain('2 pairs, newest first');
    expect(screen.getByTestId('pair-list-note').textContent).toContain('rows are numbered from 0 in file order');
  });

  it('hides the hover tooltip when a key undoes a pair', async () => {
    const { hook, canvas } = await openLabel();
    await labelPair(hook, canvas, 0, 1, 'm');
    const p = hook.pointToClient(5)!;
    await fireEvent.pointerMove(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
    await waitFor(() => expect(document.querySelector('.tooltip')?.textContent).toBe('row 5 · b'));
    await fireEvent.keyDown(window, { key: 'z', ctrlKey: true });
    await waitFor(() => expect(document.querySelector('.tooltip')).toBeNull());
    // It comes back as soon as the pointer moves again.
    await fireEvent.pointerMove(canvas, { clientX: p.x, clientY: p.y, pointerId: 1 });
    await waitFor(() => expect(document.querySelector('.tooltip')?.textContent).toBe('row 5 · b'));
  });

  it('says how rows are numbered', async () => {
    await openLabel();
    expect(screen.getByText(/Rows are numbered from 0 in the order of the imported file \(row 0 is its first data row\); import messages count the file's lines from 1 instead\./)).toBeTruthy();
  });
});

describe('Reloading the window (issue 14)', () => {
  afterEach(() => cleanup());

  it('comes back to the view and dataset the user was in', async () => {
    const backend = backendWithDataset();
    const first = render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    first.unmount();
    // A reload: a fresh app on the same storage.
    render(App, { props: { backend: backendWithDataset() } });
    await waitFor(() => expect(screen.getByRole('tab', { name: 'Experiments' }).getAttribute('aria-selected')).toBe('true'));
    expect((screen.getByLabelText('Dataset') as HTMLSelectElement).value).toBe('1');
  });

  it('falls back to Datasets when the remembered dataset is gone', async () => {
    localStorage.setItem('metric-workbench.ui', JSON.stringify({ view: 'Label', datasetId: 99 }));
    render(App, { props: { backend: backendWithDataset() } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    expect(screen.getByRole('tab', { name: 'Datasets' }).getAttribute('aria-selected')).toBe('true');
  });
});
