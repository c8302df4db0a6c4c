import { describe, expect, it } from 'vitest';
import type { RunDetail } from '../../../src-renderer/src/lib/backend/types.ts';
import { answersChartConfig } from '../../../src-renderer/src/lib/compare/answers-chart.ts';
import { answersCurves, sweepCurve } from '../../../src-renderer/src/lib/compare/run-results.ts';

const point = (answers: number, accuracies: number[]) => {
  const mean = accuracies.reduce((a, b) => a + b, 0) / accuracies.length;
  const std = Math.sqrt(accuracies.reduce((a, b) => a + (b - mean) ** 2, 0) / accuracies.length);
  return { answers, used: accuracies.map(() => answers), accuracies, mean, std };
};

/** A pairs-vs-comparisons sweep run as runs.get gives it: itml on pairs against scml on comparisons, 2 seeds. */
function answersRun(id: number, source: 'generated' | 'suggested'): RunDetail {
  const baseline = [0.9, 0.92];
  return {
    id, datasetId: 1, datasetHash: 'h', kind: 'sweep', method: 'itml', params: {}, protocol: null, seed: 0, status: 'succeeded', appVersion: 'test',
    createdAt: '2026-01-01T00:00:00Z', startedAt: null, finishedAt: '2026-01-01T00:00:01Z', timings: null, errorCode: null, error: null, parentRunId: null,
    metric: null, evaluation: null, comparison: null, children: [], testScores: [],
    sweep: {
      kind: 'answers', answers: [0, 10, 50], constraintSource: source, protocol: { folds: 5, k: 3, seed: 0, preprocess: 'zscore' }, seeds: [0, 1],
      baseline: { method: 'euclidean', accuracies: baseline, mean: 0.91, std: 0.01 },
      curves: [
        { supervision: 'pairs', method: 'itml', params: {}, source, points: [point(0, baseline), point(10, [0.93, 0.95]), point(50, [0.96, 0.96])] },
        {
          supervision: 'comparisons', method: 'scml', params: {}, source,
          points: [point(0, baseline), { answers: 10, used: [], accuracies: [], mean: null, std: null, error: 'scml: 13 features but only 10 triplets; …' }, point(50, [0.94, 0.98])],
        },
      ],
    },
  } as RunDetail;
}

describe('pairs-vs-comparisons chart data', () => {
  it('answersCurves keeps both curves with their gaps left out, and a single-method sweep curve ignores the run', () => {
    const run = answersRun(7, 'generated');
    const drawn = answersCurves(run)!;
    expect(drawn.curves.map((c) => [c.supervision, c.method, c.points.map((p) => p.answers), c.gaps])).toEqual([['pairs', 'itml', [0, 10, 50], []], ['comparisons', 'scml', [0, 50], [10]]]);
    expect(drawn.baseline).toEqual({ mean: 0.91, std: 0.01 });
    expect(sweepCurve(run)).toBeNull();
  });

  it('draws a line and a ± std band per curve, the Euclidean baseline dashed across the answers, on an axis from 0 to 100 %', () => {
    const config = answersChartConfig([answersRun(7, 'generated'), answersRun(8, 'suggested')], '#111');
    const labels = config.data.datasets.map((d) => d.label);
    expect(labels).toEqual([
      'itml on random pairs (#7)', '± std', '',
      'scml on random comparisons (#7)', '± std', '',
      'Euclidean baseline 91.0 %',
      'itml on suggested pairs (active learning) (#8)', '± std', '',
      'scml on suggested comparisons (active learning) (#8)', '± std', '',
    ]);
    const [pairs, upper, lower] = config.data.datasets;
    expect(pairs!.data).toEqual([{ x: 0, y: 91 }, { x: 10, y: 94 }, { x: 50, y: 96 }]);
    expect(upper!.fill).toBe('+1');
    expect(upper!.data[1]!.y).toBeCloseTo(95, 10);
    expect(lower!.data[1]!.y).toBeCloseTo(93, 10);
    // One baseline for both runs (same protocol and seeds, the same Euclidean figures), dashed, flat at its mean.
    const baseline = config.data.datasets[6]!;
    expect(baseline.borderDash).toEqual([5, 4]);
    expect(baseline.data).toEqual([{ x: 0, y: 91 }, { x: 50, y: 91 }]);
    expect(baseline.borderColor).toBe('#111');
    // A number of answers without a figure breaks the comparisons line (and its band) instead of bridging it.
    expect(config.data.datasets[3]!.data).toEqual([{ x: 0, y: 91 }, { x: 10, y: null }, { x: 50, y: 96 }]);
    expect(config.data.datasets[4]!.data[1]).toEqual({ x: 10, y: null });
    // Suggested curves are told apart by their points.
    expect(config.data.datasets[7]!.pointStyle).toBe('triangle');
    expect(pairs!.pointStyle).toBe('circle');
    expect(config.options!.scales!.y).toMatchObject({ min: 0, max: 100 });
  });
});

describe('AnswersSweepChart component', () => {
  it('titles the chart, says where the axis starts and lists both curves per number of answers', async () => {
    const { cleanup, fireEvent, render, screen, within } = await import('@testing-library/svelte');
    const { default: AnswersSweepChart } = await import('../../../src-renderer/src/components/compare/AnswersSweepChart.svelte');
    render(AnswersSweepChart, { props: { runs: [answersRun(7, 'generated')] } });
    expect(screen.getByText('Pairs or comparisons: kNN accuracy per number of answers (mean ± std over seeds)')).toBeTruthy();
    const axis = screen.getByTestId('answers-axis');
    expect(axis.textContent).toMatch(/^The axis starts at 0 %\. Dashed: the Euclidean baseline/);
    expect([axis.dataset.min, axis.dataset.max]).toEqual(['0', '100']);
    const table = screen.getByTestId('answers-table');
    expect(within(table).getByText('Run #7: generated answers, Euclidean 91.0%')).toBeTruthy();
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['answers', 'pairs (itml)', 'comparisons (scml)']);
    expect(within(table).getAllByRole('row').slice(1).map((r) => r.textContent)).toEqual(['091.0% ± 1.0%91.0% ± 1.0%', '1094.0% ± 1.0%—', '5096.0% ± 0.0%96.0% ± 2.0%']);
    // Zoomed on request: 5 points below the lowest whisker (91 − 1 = 90 %), rounded down to a multiple of 5.
    await fireEvent.click(screen.getByLabelText('Zoom to the differences'));
    expect(screen.getByTestId('answers-axis').dataset.min).toBe('85');
    expect(screen.getByTestId('answers-axis').textContent).toMatch(/^Zoomed: the axis starts at 85 %/);
    cleanup();
  });
});
