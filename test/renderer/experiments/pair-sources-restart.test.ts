import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { MethodDeclaration } from '../../../src-renderer/src/lib/backend/types.ts';
import { paramSummary } from '../../../src-renderer/src/lib/experiments/param-form.ts';
import { backendWithDataset } from '../fake-backend.ts';
import { supervisionDeclaration } from '../../../shared/engine/supervision/kinds.ts';

const methods: MethodDeclaration[] = [
  { name: 'euclidean', title: 'Euclidean', description: 'identity', input: 'none', supervision: supervisionDeclaration('none'), params: [] },
  {
    name: 'nca', title: 'NCA', description: 'nca', input: 'labels', supervision: supervisionDeclaration('labels'),
    params: [
      { name: 'k', type: 'int', default: 3, min: 1, description: 'Neighbours.', rule: 'an integer ≥ 1' },
      { name: 'maxIter', type: 'int', default: 100, min: 1, description: 'Maximum number of iterations.', rule: 'an integer ≥ 1' },
      { name: 'tol', type: 'float', default: 1e-5, min: 0, exclusiveMin: true, description: 'Tolerance.', rule: 'a finite number > 0' },
    ],
  },
  {
    name: 'mmc', title: 'MMC', description: 'mmc', input: 'pairs', supervision: supervisionDeclaration('pairs'),
    params: [{ name: 'mustLinkPercentile', type: 'float', default: 5, min: 0, max: 100, description: 'Percentile.', rule: 'a number from 0 to 100' }],
  },
];

type Spec = { kind: string; method: string; constraintSource?: string; params: Record<string, unknown> };

/** The toy dataset with three labeled pairs, so both pair sources can be ticked. */
function backend() {
  let next = 0;
  return backendWithDataset()
    .handle('methods.list', () => ({ methods }))
    .handle('constraints.list', () => ({
      constraints: [
        { i: 0, j: 1, kind: 'must' as const },
        { i: 3, j: 4, kind: 'must' as const },
        { i: 0, j: 4, kind: 'cannot' as const },
      ],
    }))
    .handle('jobs.start', () => ({ jobId: `job-${++next}`, runIds: [next] }));
}

async function openExperiments(b: ReturnType<typeof backend>) {
  render(App, { props: { backend: b } });
  await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
  await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
  await waitFor(() => screen.getByRole('checkbox', { name: /^mmc / }));
}

describe('Both pair sources in one experiment', () => {
  afterEach(() => cleanup());

  it('runs each pair-based method once per ticked source, and the Euclidean baseline once', async () => {
    const b = backend();
    await openExperiments(b);
    await fireEvent.click(screen.getByRole('checkbox', { name: /^mmc / }));
    // My labels are ticked by default once there are some; tick generated pairs too.
    expect((screen.getByRole('checkbox', { name: /my labels \(3 pairs\)/ }) as HTMLInputElement).checked).toBe(true);
    await fireEvent.click(screen.getByRole('checkbox', { name: /generated from class labels/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(b.callsTo('jobs.start')).toHaveLength(7));
    const specs = b.callsTo('jobs.start').map((r) => (r as { spec: Spec }).spec);
    expect(specs.map((s) => `${s.kind} ${s.method}${s.method === 'mmc' ? ` ${s.constraintSource}` : ''}`)).toEqual([
      'evaluate euclidean',
      'evaluate nca',
      'evaluate mmc labeled',
      'evaluate mmc generated',
      'learn nca',
      'learn mmc labeled',
      'learn mmc generated',
    ]);
    // The job cards say which pairs each mmc run learns from.
    const titles = screen.getAllByTestId('job-card').map((card) => card.querySelector('strong')!.textContent);
    expect(titles).toContain('evaluate · mmc (5-fold, labeled pairs) · toy');
    expect(titles).toContain('evaluate · mmc (5-fold, generated pairs) · toy');
  });

  it('a cancelled or failed job card offers Restart, which submits the same spec again', async () => {
    const b = backend();
    await openExperiments(b);
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(b.callsTo('jobs.start')).toHaveLength(3));
    const [, ncaEval] = b.callsTo('jobs.start') as { spec: Spec }[];
    const card = () => screen.getAllByTestId('job-card').find((c) => c.getAttribute('data-job-id') === 'job-2')!;
    expect(within(card()).queryByRole('button', { name: /^Restart/ })).toBeNull();
    b.emit('job.finished', { jobId: 'job-2', runIds: [2], status: 'cancelled' });
    const restart = await waitFor(() => within(card()).getByRole('button', { name: /^Restart evaluate · nca/ }));
    await fireEvent.click(restart);
    await waitFor(() => expect(b.callsTo('jobs.start')).toHaveLength(4));
    expect((b.callsTo('jobs.start')[3] as { spec: Spec }).spec).toEqual(ncaEval!.spec);
    const fresh = await waitFor(() => screen.getAllByTestId('job-card').find((c) => c.getAttribute('data-job-id') === 'job-4')!);
    expect(fresh.querySelector('strong')!.textContent).toBe('evaluate · nca (5-fold) · toy');

    b.emit('job.finished', { jobId: 'job-1', runIds: [1], status: 'failed', error: 'boom' });
    await waitFor(() => screen.getByRole('button', { name: /^Restart evaluate · euclidean/ }));
  });
});

describe('Parameters folded to one line', () => {
  afterEach(() => cleanup());

  it('says "defaults" or what differs, as the engine reads it', () => {
    const nca = methods[1]!.params;
    expect(paramSummary('nca', nca, { k: '3', maxIter: '100', tol: '0.00001' })).toBe('defaults');
    expect(paramSummary('nca', nca, { k: '5', maxIter: '200', tol: '1e-5' })).toBe('k=5, maxIter=200');
    expect(paramSummary('nca', nca, { k: '5', maxIter: 'many' })).toBe('k=5, maxIter="many"');
  });

  it('shows each method folded with its summary, and opens a method with an invalid field', async () => {
    const b = backend();
    await openExperiments(b);
    await fireEvent.click(screen.getByRole('checkbox', { name: /^mmc / }));
    expect(screen.getByTestId('param-summary-nca').textContent).toBe('defaults');
    expect(screen.getByTestId('param-summary-mmc').textContent).toBe('defaults');
    const details = screen.getByTestId('param-summary-nca').closest('details')!;
    expect(details.open).toBe(false);
    await fireEvent.input(screen.getByLabelText('k'), { target: { value: '5' } });
    await fireEvent.input(screen.getByLabelText('maxIter'), { target: { value: '200' } });
    expect(screen.getByTestId('param-summary-nca').textContent).toBe('k=5, maxIter=200');
    expect(details.open).toBe(false);
    await fireEvent.input(screen.getByLabelText('maxIter'), { target: { value: '0' } });
    await waitFor(() => expect(details.open).toBe(true));
    // The whole parameter name is its label (the column is as wide as the longest name).
    expect(screen.getByLabelText('mustLinkPercentile')).toBeTruthy();
  });
});
