import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { afterEach, describe, expect, it } from 'vitest';
import App from '../../../src-renderer/src/App.svelte';
import type { MethodDeclaration } from '../../../src-renderer/src/lib/backend/types.ts';
import type { LearnerInput } from '../../../shared/domain/enums.ts';
import { supervisionDeclaration } from '../../../shared/engine/supervision/kinds.ts';
import { backendWithDataset } from '../fake-backend.ts';

const method = (name: string, input: LearnerInput): MethodDeclaration => ({
  name, title: name.toUpperCase(), description: name, input, supervision: supervisionDeclaration(input), params: [],
});
const methods = [method('euclidean', 'none'), method('nca', 'labels'), method('mmc', 'pairs'), method('itml', 'pairs'), method('scml', 'triplets'), method('lsml', 'quadruplets')];

describe('Experiments → Pairs vs comparisons', () => {
  afterEach(() => cleanup());

  it('ticks itml and scml, asks for one learner of each side, and starts one sweep job with both over the numbers of answers', async () => {
    const backend = backendWithDataset()
      .handle('methods.list', () => ({ methods }))
      .handle('jobs.start', () => ({ jobId: 'job-1', runIds: [1] }));
    render(App, { props: { backend } });
    await waitFor(() => screen.getByRole('heading', { name: 'toy' }));
    await fireEvent.click(screen.getByRole('tab', { name: 'Experiments' }));
    await waitFor(() => screen.getByRole('checkbox', { name: /^scml / }));

    await fireEvent.click(screen.getByLabelText('Pairs vs comparisons (accuracy per answer)'));
    await waitFor(() => expect((screen.getByRole('checkbox', { name: /^itml / }) as HTMLInputElement).checked).toBe(true));
    expect((screen.getByRole('checkbox', { name: /^scml / }) as HTMLInputElement).checked).toBe(true);
    expect(screen.getByLabelText(/Numbers of answers/)).toBeTruthy();

    // Two pair learners: which one is meant is unclear, so Start is blocked with the reason.
    await fireEvent.click(screen.getByRole('checkbox', { name: /^mmc / }));
    expect(screen.getByText('Pairs vs comparisons needs exactly one ticked method that learns from pairs (mmc, itml) and one that learns from comparisons (scml, lsml).')).toBeTruthy();
    expect((screen.getByRole('button', { name: 'Start' }) as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.click(screen.getByRole('checkbox', { name: /^mmc / }));

    await fireEvent.click(screen.getByRole('radio', { name: /suggested \(active learning\)/ }));
    await fireEvent.click(screen.getByRole('button', { name: 'Start' }));
    await waitFor(() => expect(backend.callsTo('jobs.start')).toHaveLength(1));
    const { spec } = backend.callsTo('jobs.start')[0] as { spec: Record<string, unknown> };
    expect(spec).toMatchObject({
      kind: 'sweep', method: 'itml', versus: { method: 'scml', params: {} }, counts: [0, 10, 20, 50, 100, 200], seeds: 3, constraintSource: 'suggested', datasetId: 1,
    });
    await waitFor(() => expect(screen.getByText(/pairs vs comparisons · itml vs scml \(suggested\) · toy/)).toBeTruthy());
  });
});
