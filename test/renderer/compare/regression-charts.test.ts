import { describe, expect, it } from 'vitest';
import { figureAxis, regressionOf } from '../../../src-renderer/src/lib/compare/regression-results.ts';
import type { RunDetail } from '../../../src-renderer/src/lib/backend/types.ts';

const figure = (mean: number, std: number) => ({ mean, std, folds: [mean - std, mean + std] });

describe('regression figures of the Compare view', () => {
  it('regressionOf takes RMSE, R² and MAE of a regression evaluation, and nothing from a classification one', () => {
    const regression = { id: 7, kind: 'evaluate', method: 'mlkr', evaluation: { accuracy: null, rmse: figure(60, 4), r2: figure(0.35, 0.1), mae: figure(48, 3) } } as unknown as RunDetail;
    expect(regressionOf(regression)).toEqual({ runId: 7, method: 'mlkr', rmse: figure(60, 4), r2: figure(0.35, 0.1), mae: figure(48, 3) });
    const classification = { id: 8, kind: 'evaluate', method: 'nca', evaluation: { accuracy: figure(0.9, 0.02) } } as unknown as RunDetail;
    expect(regressionOf(classification)).toBeNull();
  });

  it('figureAxis starts at 0 unless a whisker is negative (an R² below 0), and leaves room above the highest', () => {
    expect(figureAxis([figure(60, 4), figure(65, 5)])).toEqual({ min: 0, max: 70 + 0.05 * 70 });
    const negative = figureAxis([figure(-0.1, 0.2), figure(0.3, 0.1)]);
    expect(negative.min).toBeLessThan(-0.3);
    expect(negative.max).toBeGreaterThan(0.4);
  });
});

describe('RegressionCharts component', () => {
  it('titles the RMSE and R² charts and lists every method with its direction-marked figures', async () => {
    const { cleanup, render, screen, within } = await import('@testing-library/svelte');
    const { default: RegressionCharts } = await import('../../../src-renderer/src/components/compare/RegressionCharts.svelte');
    const figures = [
      { runId: 2, method: 'euclidean', rmse: figure(62.06, 4.64), r2: figure(0.338, 0.134), mae: figure(48.59, 3.3) },
      { runId: 3, method: 'mlkr', rmse: figure(61.06, 5.48), r2: figure(0.351, 0.167), mae: null },
    ];
    render(RegressionCharts, { props: { figures } });
    expect(screen.getByText('kNN regression RMSE, mean ± std over folds (grey: Euclidean baseline)')).toBeTruthy();
    expect(screen.getByText('kNN regression R², mean ± std over folds')).toBeTruthy();
    const table = screen.getByTestId('regression-table');
    expect(within(table).getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['method', 'RMSE ↓', 'R² ↑', 'MAE ↓']);
    expect(within(table).getAllByRole('row')[2]!.textContent).toContain('61.06 ± 5.48');
    expect(screen.getByTestId('regression-values').textContent).toBe('euclidean RMSE 62.06 R² 0.338, mlkr RMSE 61.06 R² 0.351');
    cleanup();
  });
});
