import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { RunDetail } from '../backend/types.ts';
import { CLASS_COLORS } from '../scatter/palette.ts';
import { answersCurveLabel, answersCurves, type AnswersCurve } from './run-results.ts';

/** A point of a line; y null breaks the line there (a number of answers that could not be evaluated). */
type XY = { x: number; y: number | null };
type LineDataset = ChartDataset<'line', XY[]>;

/** The curve's points with `value(p)` in percent, and a null at each gap, in order of answers. */
function series(curve: AnswersCurve, value: (p: AnswersCurve['points'][number]) => number): XY[] {
  return [...curve.points.map((p) => ({ x: p.answers, y: value(p) * 100 })), ...curve.gaps.map((x) => ({ x, y: null }))].sort((a, b) => a.x - b.x);
}

/** The legend text of the dashed Euclidean line. */
export const baselineLabel = (mean: number): string => `Euclidean baseline ${(mean * 100).toFixed(1)} %`;

/** Every drawn point's mean and std (fractions), for the accuracy axis (accuracy-axis.ts). */
export function answersFigures(runs: readonly RunDetail[]): Array<{ mean: number; std: number }> {
  return runs.flatMap((run) => answersCurves(run)?.curves.flatMap((c) => c.points) ?? []);
}

/**
 * The pairs-vs-comparisons chart of Compare: per run, a line per supervision (pairs, comparisons) with a band of
 * ± std over seeds, and the Euclidean baseline as a dashed line across the answers (once per distinct baseline:
 * runs on the same protocol and seeds share it). Accuracy in percent on `axis` (default 0 to 100, as the accuracy
 * bars, so the distance between the curves is not magnified; zoomed only when the user asks, accuracy-axis.ts).
 * Suggested (active-learning) curves use triangles; a number of answers that could not be evaluated breaks its line. `text`: the colour of the baseline line (the theme's text colour).
 */
export function answersChartConfig(
  runs: readonly RunDetail[],
  text = '#222',
  axis: { min: number; max: number } = { min: 0, max: 100 },
): ChartConfiguration<'line', XY[]> {
  const datasets: LineDataset[] = [];
  const baselines = new Set<number>();
  const allAnswers = runs.flatMap((run) => answersCurves(run)?.curves.flatMap((c) => c.points.map((p) => p.answers)) ?? []);
  const left = allAnswers.length > 0 ? Math.min(...allAnswers) : 0;
  const right = allAnswers.length > 0 ? Math.max(...allAnswers) : 1;
  runs.forEach((run, k) => {
    const drawn = answersCurves(run);
    if (!drawn) return;
    for (const curve of drawn.curves) {
      const color = CLASS_COLORS[(2 * k + (curve.supervision === 'pairs' ? 0 : 1)) % CLASS_COLORS.length]!;
      const pointStyle = curve.source === 'suggested' ? 'triangle' : 'circle';
      datasets.push(
        { label: answersCurveLabel(curve, run.id), data: series(curve, (p) => p.mean), borderColor: color, backgroundColor: color, pointStyle, pointRadius: 3, spanGaps: false },
        { label: '± std', data: series(curve, (p) => p.mean + p.std), borderColor: 'transparent', pointRadius: 0, fill: '+1', backgroundColor: `${color}33`, spanGaps: false },
        { label: '', data: series(curve, (p) => p.mean - p.std), borderColor: 'transparent', pointRadius: 0, fill: false, spanGaps: false },
      );
    }
    if (drawn.baseline && !baselines.has(drawn.baseline.mean)) {
      baselines.add(drawn.baseline.mean);
      const y = drawn.baseline.mean * 100;
      datasets.push({ label: baselineLabel(drawn.baseline.mean), data: [{ x: left, y }, { x: right, y }], borderColor: text, backgroundColor: 'transparent', borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0 });
    }
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      plugins: { legend: { labels: { filter: (item) => item.text !== '' && item.text !== '± std' } } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'number of answers (pairs or comparisons)' } },
        y: { min: axis.min, max: axis.max, title: { display: true, text: 'kNN accuracy (%)' } },
      },
    },
  };
}
