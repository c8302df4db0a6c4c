import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { RunSummary } from '../../../src-renderer/src/lib/backend/types.ts';
import { RUNS, detailOf } from '../compare/runs-fixture.ts';
import { backendWithDataset } from '../fake-backend.ts';

/** The runs of runs-fixture.ts with their supervision: nca learned from class labels, mmc from 15 labeled pairs. */
const SUPERVISED: RunSummary[] = RUNS.map((r) => ({
  ...r,
  supervision: r.method === 'euclidean' ? { kind: 'none' } : r.method === 'nca' ? { kind: 'labels' } : { kind: 'pairs', source: 'labeled', count: 15 },
}));

async function open(tab: string) {
  const backend = backendWithDataset()
    .handle('runs.list', () => ({ runs: SUPERVISED }))
    .handle('runs.get', ({ runId }) => ({ run: detailOf(runId) }));
  render(App, { props: { backend } });
  await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
  await fireEvent.click(screen.getByRole('tab', { name: tab }));
}

describe('which supervision a run used, wherever it is named', () => {
  afterEach(() => cleanup());

  it('the run history has a Supervision column', async () => {
    await open('Experiments');
    await waitFor(() => expect(screen.getByTestId('supervision-5').textContent).toBe('pairs: labeled (15)'));
    expect(screen.getByTestId('supervision-3').textContent).toBe('class labels');
    expect(screen.getByTestId('supervision-1').textContent).toBe('unsupervised');
  });

  it('the Export list names the supervision and the accuracy of the run\'s evaluation', async () => {
    await open('Export');
    const options = await waitFor(() => {
      const found = [...document.querySelectorAll('option')].map((o) => o.textContent ?? '');
      expect(found.some((t) => t.startsWith('#5 '))).toBe(true);
      return found;
    });
    // mmc #5 (learn) goes with the mmc evaluation #4 (70 %), nca #3 with nca #2 (80 %).
    expect(options.find((t) => t.startsWith('#5 '))).toMatch(/^#5 · mmc · pairs: labeled \(15\) · CV 70\.0% · learn · /);
    expect(options.find((t) => t.startsWith('#3 '))).toMatch(/^#3 · nca · class labels · CV 80\.0% · learn · /);
  });
});
