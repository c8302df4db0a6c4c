import type { ChartConfiguration, ChartDataset } from 'chart.js';
import type { RunDetail } from '../backend/types.ts';
import { CLASS_COLORS } from '../scatter/palette.ts';
import { answersCurveLabel, answersCurves } from './run-results.ts';

type LineDataset = ChartDataset<'line', Array<{ x: number; y: number }>>;

/** The legend text of the dashed Euclidean line. */
export const baselineLabel = (mean: number): string => `Euclidean baseline ${(mean * 100).toFixed(1)} %`;

/**
 * The pairs-vs-comparisons chart of Compare: per run, a line per supervision (pairs, comparisons) with a band of
 * ± std over seeds, and the Euclidean baseline as a dashed line across the answers (once per distinct baseline:
 * runs on the same protocol and seeds share it). Accuracy in percent on an axis from 0 to 100, as the accuracy
 * bars, so the distance between the curves is not magnified. Suggested (active-learning) curves use triangles.
 * `text`: the colour of the baseline line (the theme's text colour).
 */
export function answersChartConfig(runs: readonly RunDetail[], text = '#222'): ChartConfiguration<'line', Array<{ x: number; y: number }>> {
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
        { label: answersCurveLabel(curve, run.id), data: curve.points.map((p) => ({ x: p.answers, y: p.mean * 100 })), borderColor: color, backgroundColor: color, pointStyle, pointRadius: 3 },
        { label: '± std', data: curve.points.map((p) => ({ x: p.answers, y: (p.mean + p.std) * 100 })), borderColor: 'transparent', pointRadius: 0, fill: '+1', backgroundColor: `${color}33` },
        { label: '', data: curve.points.map((p) => ({ x: p.answers, y: (p.mean - p.std) * 100 })), borderColor: 'transparent', pointRadius: 0, fill: false },
      );
    }
    if (drawn.baseline && !baselines.has(drawn.baseline.mean)) {
      baselines.add(drawn.baseline.mean);
      const y = drawn.baseline.mean * 100;
      datasets.push({ label: baselineLabel(drawn.baseline.mean), data: [{ x: left, y }, { x: right, y }], borderColor: text, backgroundColor: text, borderDash: [5, 4], borderWidth: 1.5, pointRadius: 0 });
    }
  });
  return {
    type: 'line',
    data: { datasets },
    options: {
      plugins: { legend: { labels: { filter: (item) => item.text !== '' && item.text !== '± std' } } },
      scales: {
        x: { type: 'linear', title: { display: true, text: 'number of answers (pairs or comparisons)' } },
        y: { min: 0, max: 100, title: { display: true, text: 'kNN accuracy (%)' } },
      },
    },
  };
}
