import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { MethodDeclaration } from '../../../src-renderer/src/lib/backend/types.ts';
import { SUPERVISION, supervisionDeclaration } from '../../../shared/engine/supervision/kinds.ts';
import type { LearnerInput } from '../../../shared/domain/enums.ts';
import { backendWithDataset } from '../fake-backend.ts';

const method = (name: string, input: LearnerInput): MethodDeclaration => ({
  name, title: name.toUpperCase(), description: name, input, supervision: supervisionDeclaration(input), params: [],
});
const methods = [method('euclidean', 'none'), method('lfda', 'labels'), method('itml', 'pairs'), method('rca', 'chunklets'), method('scml', 'triplets'), method('lsml', 'quadruplets')];

/** The "what to label" line shown under a method, or null. */
const whatToLabelOf = (text: string): HTMLElement | null => screen.queryAllByText(text).find((e) => e.classList.contains('lacking')) ?? null;

describe("Experiments form: each method's supervision, and what to label when the dataset lacks it", () => {
  afterEach(() => cleanup());

  it('shows what each method learns from; on an unlabeled dataset, what to label for every method that needs supervision', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('datasets.list', () => ({
        datasets: [{ id: 1, name: 'toy', rows: 6, features: 2, classes: [], labeled: false, sourceFile: null, sourceSha256: null, contentHash: 'h', createdAt: '2026-01-01T00:00:00Z' }],
      }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => screen.getByRole('checkbox', { name: /^scml / }));

    expect(screen.getByRole('checkbox', { name: /^scml learns from relative comparisons \(a is closer to b than to c\)$/ })).toBeTruthy();
    expect(screen.getByRole('checkbox', { name: /^rca learns from chunklets/ })).toBeTruthy();
    for (const input of ['pairs', 'chunklets', 'triplets', 'quadruplets'] as const) expect(whatToLabelOf(SUPERVISION[input].whatToLabel)).not.toBeNull();
    expect(whatToLabelOf(SUPERVISION.labels.whatToLabel)).not.toBeNull();
    // A labels method on an unlabeled dataset cannot be ticked; the others can (the user may label first).
    expect((screen.getByRole('checkbox', { name: /^lfda / }) as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByRole('checkbox', { name: /^scml / }) as HTMLInputElement).disabled).toBe(false);
    expect(whatToLabelOf(SUPERVISION.none.whatToLabel)).toBeNull();
  });

  it('with my labels: comparisons satisfy scml and lsml, while rca still asks for must-link pairs', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('constraints.list', () => ({ constraints: [{ i: 0, j: 4, kind: 'cannot' as const }] }))
      .handle('comparisons.list', () => ({ comparisons: [{ anchor: 0, closer: 1, farther: 4 }, { anchor: 3, closer: 4, farther: 0 }] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    // One metric (one source, chosen by radio).
    await fireEvent.click(await waitFor(() => screen.getByLabelText('Learn one metric on all rows')));
    await waitFor(() => screen.getByRole('radio', { name: 'my labels (1 pair, 2 comparisons)' }));
    // Generated from class labels (a labeled dataset): nothing is missing.
    await fireEvent.click(screen.getByRole('radio', { name: /generated from class labels/ }));
    for (const input of ['pairs', 'chunklets', 'triplets', 'quadruplets'] as const) expect(whatToLabelOf(SUPERVISION[input].whatToLabel)).toBeNull();

    await fireEvent.click(screen.getByRole('radio', { name: 'my labels (1 pair, 2 comparisons)' }));
    expect(whatToLabelOf(SUPERVISION.triplets.whatToLabel)).toBeNull();
    expect(whatToLabelOf(SUPERVISION.quadruplets.whatToLabel)).toBeNull();
    expect(whatToLabelOf(SUPERVISION.pairs.whatToLabel)).toBeNull();
    const rca = whatToLabelOf(SUPERVISION.chunklets.whatToLabel)!;
    expect(rca.getAttribute('title')).toBe(
      'rca was asked to use labeled chunklets, but the dataset has no must-link pairs; label must-link pairs (each group joined by must-links is a chunklet).',
    );

    // The comparisons the pairs imply, when asked, go with the job of a comparison learner.
    await fireEvent.click(screen.getByRole('checkbox', { name: /^scml / }));
    await fireEvent.click(screen.getByRole('checkbox', { name: 'also the comparisons my pairs imply' }));
    await fireEvent.click(screen.getByLabelText('Accuracy vs number of constraints (sweep)'));
    backend.handle('jobs.start', () => ({ jobId: 'job-1', runIds: [1] }));
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(1));
    expect((backend.callsTo('jobs.start')[0] as { spec: unknown }).spec).toMatchObject({ kind: 'sweep', method: 'scml', constraintSource: 'labeled', derived: true });
  });

  it('in a comparison, runs a comparison learner once per ticked source, and titles its jobs with comparisons', async () => {
    let next = 0;
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('constraints.list', () => ({ constraints: [{ i: 0, j: 1, kind: 'must' as const }] }))
      .handle('comparisons.list', () => ({ comparisons: [{ anchor: 0, closer: 1, farther: 4 }] }))
      .handle('jobs.start', () => ({ jobId: `job-${++next}`, runIds: [next] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await fireEvent.click(await waitFor(() => screen.getByRole('checkbox', { name: /^scml / })));
    await fireEvent.click(screen.getByRole('checkbox', { name: /^lfda / }));
    const mine = await waitFor(() => screen.getByRole('checkbox', { name: 'my labels (1 pair, 1 comparison)' }) as HTMLInputElement);
    if (!mine.checked) await fireEvent.click(mine);
    const generated = screen.getByRole('checkbox', { name: /generated from class labels/ }) as HTMLInputElement;
    if (!generated.checked) await fireEvent.click(generated);
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Also fit each method on all rows (its metric for Compare and Export)' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    // nca is ticked by default (with euclidean); it takes no source, so it runs once, as lfda does.
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(5));
    const specs = backend.callsTo('jobs.start').map((r) => (r as { spec: { method: string; constraintSource?: string } }).spec);
    expect(specs.map((s) => `${s.method}${s.method === 'scml' ? ` ${s.constraintSource}` : ''}`).sort()).toEqual(['euclidean', 'lfda', 'nca', 'scml generated', 'scml labeled']);
    const titles = screen.getAllByTestId('job-card').map((card) => card.querySelector('strong')!.textContent);
    expect(titles).toContain('evaluate · scml (5-fold, labeled comparisons) · toy');
  });
});
