import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { startApp, type AppHarness } from './harness.ts';

/**
 * What needs a real layout and real input in headless Chromium: where the accuracy chart puts the baseline's
 * label (chart.js geometry), the Label scatter's robust view, a suggested pair brought into view, two quick
 * clicks, the undo history across a reload, and which dataset stays open when a test set is imported.
 */
const FIXTURES = join(import.meta.dirname, 'fixtures');
const PROTOCOL = { folds: 5, k: 3, seed: 0, preprocess: 'zscore' as const };

let app: AppHarness;

beforeAll(async () => {
  app = await startApp({
    seed: async (call) => {
      const { dataset } = (await call('samples.add', { name: 'iris' })) as { dataset: { id: number } };
      for (const method of ['euclidean', 'nca', 'itml', 'mmc']) {
        await call('jobs.start', { spec: { kind: 'evaluate', method, params: {}, datasetId: dataset.id, seed: 0, protocol: PROTOCOL, constraintSource: 'generated' } });
      }
      for (;;) {
        const { jobs } = (await call('jobs.list')) as { jobs: { status: string }[] };
        if (jobs.every((j) => j.status === 'succeeded')) break;
        await new Promise((r) => setTimeout(r, 300));
      }
    },
  });
});

afterEach(() => {
  expect(app.problems()).toEqual([]);
});

afterAll(async () => {
  await app?.close();
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;
const pending = () => app.page.evaluate(() => window.__workbench!.state.pending!() as number[]);
const client = (i: number) => app.page.evaluate((row) => window.__workbench!.scatters.label!.pointToClient(row), i);

describe('Compare tells the whole truth: the UI', () => {
  it("draws the Euclidean baseline's label clear of every bar, at 1400 and 1024 px", async () => {
    const page = app.page;
    await page.getByRole('heading', { name: 'iris', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.locator('figure.chart').first().waitFor();
    for (const width of [1400, 1024]) {
      await page.setViewportSize({ width, height: 900 });
      await page.waitForFunction((n) => (window.__workbench?.charts.accuracy?.geometry().bars.length ?? 0) === n, 4);
      const geometry = await page.evaluate(() => window.__workbench!.charts.accuracy!.geometry());
      const label = geometry.legend.find((l) => l.text.startsWith('Euclidean baseline'))!;
      expect(label.text).toMatch(/^Euclidean baseline \d+\.\d %$/);
      expect(label.box.width).toBeGreaterThan(0);
      expect(geometry.bars.every((bar) => bar.height > 0)).toBe(true);
      expect(geometry.bars.filter((bar) => overlaps(bar, label.box))).toEqual([]);
    }
    await page.setViewportSize({ width: 1400, height: 900 });
  });

  it('draws far outliers at the edge of a percentile view and says so', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.setInputFiles('#import-file', join(FIXTURES, 'outliers.csv'));
    await page.getByRole('button', { name: 'Import 153 rows' }).click();
    await page.getByRole('heading', { name: 'outliers', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Label' }).click();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 153);
    const note = page.getByTestId('scatter-outlier-note');
    expect(await note.textContent()).toContain('the axes span the 1st–99th percentile of each axis');
    expect(Number(await note.getAttribute('data-outliers'))).toBeGreaterThanOrEqual(2);
    // The bulk of the points spreads over the canvas instead of a strip: rows 0–149 span more than a third of its width.
    const box = (await page.getByLabel(/^Scatter of outliers for pair labeling/).boundingBox())!;
    const xs = await Promise.all(Array.from({ length: 150 }, async (_, i) => (await client(i))!.x));
    expect(Math.max(...xs) - Math.min(...xs)).toBeGreaterThan(box.width / 3);
    // The far points are still on the canvas, so they can be clicked.
    for (const row of [150, 151]) expect(await client(row)).not.toBeNull();
  });

  it('takes two clicks 150 ms apart on the second point, as a plain repeat and as a double-click', async () => {
    const page = app.page;
    for (const clickCount of [1, 2]) {
      await page.keyboard.press('Escape');
      const a = (await client(0))!, b = (await client(4))!;
      await page.mouse.click(a.x, a.y);
      await page.mouse.click(b.x, b.y);
      await page.waitForTimeout(150);
      await page.mouse.click(b.x, b.y, { clickCount });
      expect(await pending()).toEqual([0, 4]);
    }
    await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
    await page.keyboard.press('Escape');
  });

  it('brings a suggested pair into view when the view is zoomed away from it', async () => {
    const page = app.page;
    const canvas = page.getByLabel(/^Scatter of outliers for pair labeling/);
    const box = (await canvas.boundingBox())!;
    // Zoom far into the empty top-left corner: no point of the bulk is on the canvas any more.
    await page.mouse.move(box.x + 5, box.y + box.height - 5);
    for (let k = 0; k < 12; k++) await page.mouse.wheel(0, -400);
    await page.waitForFunction(() => Array.from({ length: 150 }, (_, i) => window.__workbench!.scatters.label!.pointToClient(i)).every((p) => p === null));
    await page.keyboard.press('n');
    await page.waitForFunction(() => (window.__workbench!.state.pending!() as number[]).length === 2);
    const [i, j] = await pending();
    expect(await client(i!)).not.toBeNull();
    expect(await client(j!)).not.toBeNull();
    await page.keyboard.press('Escape');
    await canvas.focus();
    await page.keyboard.press('0');
  });

  it('keeps the undo history of labeling across a reload', async () => {
    const page = app.page;
    for (const [i, j, key] of [[0, 4, 'c'], [1, 7, 'm']] as const) {
      const p = (await client(i))!, q = (await client(j))!;
      await page.mouse.click(p.x, p.y);
      await page.mouse.click(q.x, q.y);
      await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
      await page.keyboard.press(key);
    }
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 2);
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 1);
    await page.reload();
    await page.getByRole('tab', { name: 'Label', selected: true }).waitFor();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 153);
    expect(await page.getByRole('button', { name: 'Redo', exact: true }).isEnabled()).toBe(true);
    await page.keyboard.press('Control+Shift+Z');
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 2);
    await page.keyboard.press('Control+z');
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 0);
  });

  it('keeps the open dataset when its test set is imported, also in a new window, and after a delete', async () => {
    const page = app.page;
    const open = (p = page) => p.locator('#current-dataset option:checked').textContent();
    await page.getByRole('tab', { name: 'Datasets' }).click();
    await page.setInputFiles('#import-file', join(FIXTURES, 'outliers-test.csv'));
    await page.getByRole('button', { name: 'Import 60 rows' }).click();
    await page.getByTestId('import-kept-open').waitFor();
    expect(await open()).toBe('outliers · 153×5');
    const second = await app.context.newPage();
    await second.goto(app.url, { waitUntil: 'load' });
    await second.getByRole('heading', { name: 'outliers', exact: true }).waitFor();
    expect(await open(second)).toBe('outliers · 153×5');
    await second.close();
    await page.getByRole('button', { name: 'Delete dataset outliers', exact: true }).click();
    await page.getByRole('button', { name: 'Delete outliers?', exact: true }).click();
    await page.getByRole('heading', { name: 'outliers-test', exact: true }).waitFor();
    expect(await open()).toBe('outliers-test · 60×5');
    expect(await page.getByRole('heading', { name: 'No dataset open' }).count()).toBe(0);
  });
});
