import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { ROOT, startApp, type AppHarness } from './harness.ts';

/**
 * A regression dataset in the app (the diabetes sample): the Datasets view shows the target's histogram and colours
 * the PCA scatter on a continuous scale with a colour bar; Compare charts RMSE and R² (their direction on the axis);
 * Label's pair card shows the target value. The screenshots go to test-output/screenshots/ (regression-*.png); with
 * UPDATE_DOC_SCREENSHOTS=1 they also replace docs/screenshots/regression/{datasets,compare}.png.
 */
let app: AppHarness;
let datasetId: number;

beforeAll(async () => {
  app = await startApp({
    seed: async (call) => {
      const { dataset } = (await call('samples.add', { name: 'diabetes' })) as { dataset: { id: number } };
      datasetId = dataset.id;
      const { runIds } = (await call('jobs.start', {
        spec: { kind: 'compare', datasetId, methods: [{ method: 'euclidean' }, { method: 'mlkr', params: { shrinkage: 1 } }, { method: 'pca', params: { components: 3 } }] },
      })) as { runIds: number[] };
      for (let tries = 0; ; tries++) {
        const { run } = (await call('runs.get', { runId: runIds[0]! })) as { run: { status: string } };
        if (run.status === 'succeeded') break;
        if (tries > 600 || ['failed', 'cancelled'].includes(run.status)) throw new Error(`compare run ${runIds[0]} ended ${run.status}`);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    },
  });
});

afterAll(async () => {
  await app?.close();
});

const keep = (shot: string, name: string): void => {
  if (process.env.UPDATE_DOC_SCREENSHOTS !== '1') return;
  const dir = join(ROOT, 'docs', 'screenshots', 'regression');
  mkdirSync(dir, { recursive: true });
  copyFileSync(shot, join(dir, `${name}.png`));
};

describe('a regression dataset in the app', () => {
  it('Datasets: the target histogram and the continuous colour scale', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Datasets', exact: true }).click();
    await page.getByRole('button', { name: /^diabetes/ }).click();
    await page.getByRole('heading', { name: 'diabetes', level: 2 }).waitFor();
    await page.waitForFunction(() => (window.__workbench?.scatters.dataset?.count() ?? 0) === 442);
    expect(await page.getByText('regression target “target”').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('colorbar-min').textContent()).toBe('25.0');
    expect(await page.getByTestId('colorbar-max').textContent()).toBe('346');
    // Sturges' rule on 442 rows: 10 bins, every row counted once.
    const counts = (await page.getByTestId('target-histogram').textContent())!.split(' ').map(Number);
    expect(counts).toHaveLength(10);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(442);
    expect(await page.getByText('Class balance').count()).toBe(0);
    keep(await app.screenshot('regression-datasets'), 'datasets');
  });

  it('Compare: RMSE and R² bars with their direction on the axis', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Compare', exact: true }).click();
    await page.waitForFunction(() => /mlkr/.test(document.querySelector('[data-testid="regression-values"]')?.textContent ?? ''));
    const values = await page.getByTestId('regression-values').textContent();
    expect(values).toMatch(/euclidean RMSE 62\.06 R² 0\.338/);
    expect(values).toMatch(/mlkr RMSE \d+\.\d\d/);
    expect(await page.getByText('kNN regression RMSE, mean ± std over folds (grey: Euclidean baseline)').count()).toBe(1);
    keep(await app.screenshot('regression-compare'), 'compare');
    expect(app.problems()).toEqual([]);
  });

  it('Label: the pair card shows the target value of each row', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Label', exact: true }).click();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 442);
    for (const row of [0, 1]) {
      const p = await page.evaluate((r) => window.__workbench!.scatters.label!.pointToClient(r), row);
      await page.mouse.click(p!.x, p!.y);
    }
    await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
    const shown = await page.getByTestId('pair-target').allTextContents();
    expect(shown.sort()).toEqual(['target = 151', 'target = 75']);
  });
});
