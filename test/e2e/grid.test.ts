import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type AppHarness } from './harness.ts';

/**
 * Issue 13 in the browser: the Experiments view's Grid panel starts a local grid (iris, wine × the ticked
 * methods × two seeds) on the real worker pool and shows it as one entry with per-cell progress; the cells
 * are ordinary runs. Saved as test-output/screenshots/grid-*.png.
 */
let app: AppHarness;

beforeAll(async () => {
  app = await startApp({
    seed: async (call) => {
      await call('samples.add', { name: 'iris' });
      await call('samples.add', { name: 'wine' });
    },
  });
  await app.page.reload({ waitUntil: 'load' });
});

afterEach(() => {
  expect(app.problems()).toEqual([]);
});

afterAll(async () => {
  await app?.close();
});

describe('grids in the Experiments view', () => {
  it('starts a grid over two data sets and shows it as one entry with per-cell progress', async () => {
    const page = app.page;
    const skip = page.getByRole('button', { name: 'Skip the example' });
    if (await skip.isVisible().catch(() => false)) await skip.click();
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.getByRole('button', { name: /^iris / }).click();
    await page.getByRole('heading', { name: 'iris' }).first().waitFor();
    await page.getByRole('tab', { name: 'Experiments' }).click();
    const panel = page.getByRole('region', { name: 'Grid' });
    await panel.getByRole('checkbox', { name: 'wine' }).check();
    // euclidean and nca are ticked by default: 2 data sets × 2 methods × seeds 0, 1
    await panel.getByRole('button', { name: 'Start grid (8 cells)' }).click();
    const entry = panel.getByTestId('grid-entry');
    await entry.waitFor();
    await entry.getByText('8/8 done').waitFor({ timeout: 120_000 });
    expect(await panel.getByTestId('grid-entry').count()).toBe(1);
    const cells = entry.getByRole('listitem');
    expect(await cells.count()).toBe(8);
    expect(await cells.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')))).toEqual(Array.from({ length: 8 }, (_, k) => `cell ${k} succeeded`));
    await app.screenshot('grid-experiments');

    const grids = (await app.call('grids.list')) as { grids: Array<{ runIds: number[]; done: number }> };
    expect(grids.grids[0]!.done).toBe(8);
    const runs = (await app.call('runs.list')) as { runs: Array<{ id: number; grid: { cell: number; where: string } | null; components: number[] | null }> };
    for (const [cell, id] of grids.grids[0]!.runIds.entries()) {
      expect(runs.runs.find((r) => r.id === id)).toMatchObject({ grid: { cell, where: 'local' }, components: expect.any(Array) });
    }
  });
});
