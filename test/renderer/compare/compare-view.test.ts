import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import MetricHeatmap from '../../../src-renderer/src/components/compare/MetricHeatmap.svelte';
import { accuracyAxis } from '../../../src-renderer/src/lib/compare/accuracy-axis.ts';
import { backendWithRuns } from './runs-fixture.ts';

/** The y range the accuracy chart is built with (happy-dom has no 2-D canvas, so chart.js draws nothing here). */
function accuracyScale(): { min: number; max: number } {
  const note = screen.getByTestId('accuracy-axis');
  return { min: Number(note.dataset.min), max: Number(note.dataset.max) };
}

async function openCompare(): Promise<ReturnType<typeof backendWithRuns>> {
  const backend = backendWithRuns();
  render(App, { props: { backend } });
  await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
  await fireEvent.click(screen.getByRole('tab', { name: 'Compare' }));
  await waitFor(() => expect(screen.getByTestId('accuracy-values').textContent).toContain('mmc'));
  return backend;
}

describe('accuracyAxis', () => {
  it('starts at 0 % unless zoomed, and a zoom says where it starts', () => {
    const bars = [{ mean: 0.6, std: 0.08 }, { mean: 0.9, std: 0.02 }];
    expect(accuracyAxis(bars, false)).toEqual({ min: 0, max: 100, note: 'The axis starts at 0 %.' });
    // lowest whisker 52 % → 5 points below is 47 % → rounded down to a multiple of 5.
    expect(accuracyAxis(bars, true)).toEqual({ min: 45, max: 100, note: 'Zoomed: the axis starts at 45 %, not 0 %, so differences look larger than they are.' });
    expect(accuracyAxis([{ mean: 0.04, std: 0.01 }], true).min).toBe(0);
  });
});

describe('Compare view (issue 14)', () => {
  afterEach(() => cleanup());

  it('draws the accuracy axis from 0 % with the baseline named, and zooms only when asked', async () => {
    await openCompare();
    expect(accuracyScale()).toEqual({ min: 0, max: 100 });
    expect(screen.getByTestId('accuracy-axis').textContent).toBe('The axis starts at 0 %. Dashed line: the Euclidean baseline, 60.0 %.');
    await fireEvent.click(screen.getByLabelText('Zoom to the differences'));
    await waitFor(() => expect(accuracyScale().min).toBe(45));
    expect(screen.getByTestId('accuracy-axis').textContent).toContain('Zoomed: the axis starts at 45 %');
  });

  it('gives the M heatmap a colour scale with its values, and M as a table', async () => {
    await openCompare();
    // The focus is the newest learned metric, mmc #5: M = [[1, −0.5], [−0.5, 1.25]].
    await waitFor(() => screen.getByRole('heading', { name: 'Learned metric of run #5 · mmc' }));
    const scale = screen.getByTestId('heatmap-scale');
    expect(scale.textContent).toContain('-1.25');
    expect(scale.textContent).toContain('1.25');
    expect(scale.textContent).toContain('entries range from -0.5 to 1.25');
    expect(within(scale).getByRole('img').getAttribute('aria-label')).toBe('Colour scale from -1.25 (blue) through 0 (white) to 1.25 (red)');
    await fireEvent.click(screen.getByText('M as a table of values'));
    const cells = [...(await waitFor(() => screen.getByTestId('heatmap-values'))).querySelectorAll('td')].map((td) => td.textContent);
    expect(cells).toEqual(['1.00', '-0.500', '-0.500', '1.25']);
  });

  it('keeps the colour scale for a 784×784 M but offers no table of its 614,656 values', async () => {
    const d = 784;
    const M = Array.from({ length: d * d }, (_, k) => (k % (d + 1) === 0 ? 2 : -0.25));
    render(MetricHeatmap, { props: { M, d, names: Array.from({ length: d }, (_, f) => `px${f}`), fileName: 'big' } });
    expect(screen.getByTestId('heatmap-scale').textContent).toContain('entries range from -0.25 to 2');
    await fireEvent.click(screen.getByText('M as a table of values'));
    expect(screen.getByText('M is 784×784: too large to read as a table here. Export the run (CSV) to read every value.')).toBeTruthy();
    expect(screen.queryByTestId('heatmap-values')).toBeNull();
  });

  it('explains an empty Pair AUC instead of a bare dash', async () => {
    await openCompare();
    await waitFor(() => expect(screen.getAllByText('n/a*')).toHaveLength(3));
    expect(screen.getByTestId('pair-auc-note').textContent).toContain('No run here had such pairs');
  });

  it('shows the metric the user chose, and Export then offers that run', async () => {
    await openCompare();
    await waitFor(() => screen.getByRole('heading', { name: 'Learned metric of run #5 · mmc' }));
    // The Export selector follows the run looked at in Compare, not the newest one.
    await fireEvent.click(screen.getAllByRole('button', { name: 'Show' })[0]!);
    await waitFor(() => screen.getByRole('heading', { name: 'Learned metric of run #3 · nca' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Export' }));
    const select = (await waitFor(() => screen.getByLabelText('Run'))) as HTMLSelectElement;
    await waitFor(() => expect(select.value).toBe('3'));
  });

  it("ticking an evaluation focuses its method's learned metric", async () => {
    await openCompare();
    await waitFor(() => screen.getByRole('heading', { name: 'Learned metric of run #5 · mmc' }));
    const nca = screen.getByRole('checkbox', { name: /#2 nca/ }) as HTMLInputElement;
    // Unticking one of the runs shown by default keeps the others.
    await fireEvent.click(nca);
    await waitFor(() => expect(screen.getByTestId('accuracy-values').textContent).toBe('euclidean 60.0%, mmc 70.0%'));
    expect(nca.checked).toBe(false);
    await fireEvent.click(nca);
    await waitFor(() => screen.getByRole('heading', { name: 'Learned metric of run #3 · nca' }));
    expect(screen.getByTestId('accuracy-values').textContent).toBe('euclidean 60.0%, mmc 70.0%, nca 80.0%');
  });

  it("a job's Compare button opens the metric of that job, not the newest one", async () => {
    const backend = backendWithRuns().handle('jobs.list', () => ({
      jobs: [{ jobId: 'j-nca', kind: 'evaluate' as const, datasetId: 1, status: 'succeeded' as const, runIds: [2] }],
    }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    const card = await waitFor(() => screen.getByTestId('job-card'));
    await waitFor(() => expect(within(card).getByTestId('job-status').textContent).toBe('succeeded'));
    await fireEvent.click(within(card).getByRole('button', { name: 'Compare →' }));
    await waitFor(() => screen.getByRole('heading', { name: 'Learned metric of run #3 · nca' }));
    expect(screen.getByRole('tab', { name: 'Compare' }).getAttribute('aria-selected')).toBe('true');
  });
});
