import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { startApp, type AppHarness } from './harness.ts';

/**
 * Issue 14, the researcher's UI second pass, in headless Chromium: what needs a real layout (what covers
 * what, what is in the viewport, scrollbars, overflow) and a real reload. Screenshots go to
 * test-output/screenshots/ui14-*.png.
 */
const WIDE = join(import.meta.dirname, 'fixtures', 'ui-orchard-wide.csv');
/** Variety (0, 1, 2) of each imported row: the file's rows cycle the three varieties; rows 4 and 9 have a missing value and are dropped. */
const VARIETY = Array.from({ length: 48 }, (_, r) => r).filter((r) => r !== 4 && r !== 9).map((r) => r % 3);

let app: AppHarness;

beforeAll(async () => {
  // Scrollbars drawn as on a desktop, so the pair list's own scrollbar can be checked.
  app = await startApp({ showScrollbars: true });
});

afterEach(() => {
  expect(app.problems()).toEqual([]);
});

afterAll(async () => {
  await app?.close();
});

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function clickPoint(i: number): Promise<void> {
  const point = await app.page.evaluate((row) => window.__workbench?.scatters.label?.pointToClient(row) ?? null, i);
  if (!point) throw new Error(`Point ${i} is not on the Label scatter.`);
  await app.page.mouse.click(point.x, point.y);
}

describe('the UI second pass (issue 14)', () => {
  it('the guided example sits above the view and covers none of it', async () => {
    const page = app.page;
    await page.getByRole('button', { name: 'Add the apples sample' }).click();
    const table = page.getByRole('heading', { name: 'Features', exact: true }).locator('xpath=..').locator('table');
    await table.waitFor();
    const tour = (await page.getByRole('dialog', { name: 'A guided example: apples' }).boundingBox())!;
    for (const locator of [table, page.getByRole('heading', { name: 'apples', exact: true }), page.getByRole('heading', { name: 'Import a dataset' })]) {
      expect(overlaps(tour, (await locator.boundingBox())!)).toBe(false);
    }
    await app.screenshot('ui14-tour-in-flow');
    await page.getByRole('button', { name: 'Skip the example' }).click();
  });

  it('previews a wide CSV with a scroll hint, marked cells and counts that add up', async () => {
    const page = app.page;
    await page.setInputFiles('#import-file', WIDE);
    await page.getByTestId('detected-format').waitFor();
    await page.getByTestId('scroll-hint').waitFor();
    expect(await page.getByTestId('scroll-hint').textContent()).toContain('13 columns: scroll the table sideways');
    expect(await page.locator('td[data-problem]').count()).toBe(2);
    expect(await page.getByTestId('preview-rows').textContent()).toBe('48 rows');
    await page.getByLabel('Drop rows with missing values').check();
    await page.getByRole('button', { name: 'Import 46 rows' }).waitFor();
    expect(await page.getByTestId('preview-rows').textContent()).toBe('46 rows to import (2 rows with missing values dropped, of 48 in the file)');
    await app.screenshot('ui14-import-preview');
    await page.getByRole('button', { name: 'Import 46 rows' }).click();
    await page.getByRole('heading', { name: 'ui-orchard-wide' }).waitFor();
    // The dataset's details arrive after its heading: wait for the line.
    const details = page.getByText('46 rows · 12 features · 3 classes').first();
    await details.waitFor({ timeout: 10_000 });
    expect(await details.isVisible()).toBe(true);
  });

  it('keeps the newest pair in view with a visible scrollbar, and a key hides the hover tooltip', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Label' }).click();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 46);
    const pairs = [[0, 3], [1, 4], [2, 5], [6, 9], [7, 10], [8, 11], [0, 1], [1, 2], [2, 3], [12, 13], [13, 14], [15, 17], [18, 21], [19, 22]];
    for (const [k, [i, j]] of pairs.entries()) {
      await clickPoint(i!);
      await clickPoint(j!);
      await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
      await page.keyboard.press(VARIETY[i!] === VARIETY[j!] ? 'm' : 'c');
      if (k === 0) expect(await page.getByTestId('constraint-count').textContent()).toBe('1 pair labeled');
    }
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 14);
    const list = page.getByRole('list', { name: 'Labeled pairs, newest first' });
    const geometry = await list.evaluate((ul) => ({ scrolls: ul.scrollHeight > ul.clientHeight, bar: (ul as HTMLElement).offsetWidth - ul.clientWidth }));
    expect(geometry.scrolls).toBe(true);
    // The list draws its own 8 px scrollbar (always shown, also where the system's scrollbars are overlays).
    expect(geometry.bar).toBe(8);
    const newest = (await list.locator('[data-newest="true"]').boundingBox())!;
    const box = (await list.boundingBox())!;
    expect(newest.y).toBeGreaterThanOrEqual(box.y);
    expect(newest.y + newest.height).toBeLessThanOrEqual(box.y + box.height);
    expect(await list.locator('[data-newest="true"]').textContent()).toContain('row 19');
    expect(await page.getByTestId('pair-list-note').textContent()).toContain('14 pairs, newest first · scroll the list for older ones');

    const point = (await page.evaluate(() => window.__workbench!.scatters.label!.pointToClient(30)))!;
    await page.mouse.move(point.x, point.y);
    await page.locator('.tooltip').waitFor();
    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 13);
    expect(await page.locator('.tooltip').count()).toBe(0);
    await app.screenshot('ui14-label-after-undo');
    await page.keyboard.press('Control+Shift+Z');
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 14);
  });

  it('comes back to the same view and dataset after a reload', async () => {
    const page = app.page;
    await page.reload();
    await page.getByRole('tab', { name: 'Label', selected: true }).waitFor();
    expect(await page.getByLabel('Dataset').locator('option:checked').textContent()).toContain('ui-orchard-wide');
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 46);
  });

  it('after Start, the new job and a notice are in view, and a finished job shows its result', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Experiments' }).click();
    await page.getByRole('checkbox', { name: /^mmc / }).check();
    await page.getByRole('checkbox', { name: /^itml / }).check();
    const start = page.getByRole('button', { name: 'Start', exact: true });
    await start.scrollIntoViewIfNeeded();
    await start.click();
    const toast = page.getByTestId('toasts').getByText(/^Started \d+ jobs: progress is under Jobs\.$/);
    await toast.waitFor();
    const viewport = page.viewportSize()!;
    const card = (await page.getByTestId('job-card').first().boundingBox())!;
    expect(card.y).toBeGreaterThanOrEqual(0);
    expect(card.y + card.height).toBeLessThanOrEqual(viewport.height);
    expect(await start.isVisible()).toBe(true);
    await app.screenshot('ui14-after-start');
    await page.waitForFunction(
      () => {
        const jobs = window.__workbench!.state.jobs!() as { status: string }[];
        return jobs.length >= 5 && jobs.every((j) => !['queued', 'running'].includes(j.status));
      },
      undefined,
      { timeout: 150_000 },
    );
    // No card says "succeeded" without its result.
    await page.waitForFunction(() => [...document.querySelectorAll('[data-testid="job-card"]')].every((c) => c.getAttribute('data-status') !== 'finishing'));
    for (const done of await page.locator('[data-testid="job-card"][data-status="succeeded"]').all()) {
      expect(await done.locator('.result').textContent()).toMatch(/%|L \d+×\d+/);
    }
  });

  it('Compare draws accuracy from 0 % with the baseline, and Export offers the run looked at', async () => {
    const page = app.page;
    const ncaJob = page.getByTestId('job-card').filter({ hasText: /^learn · nca/ });
    await ncaJob.getByRole('button', { name: 'Compare →' }).click();
    await page.getByRole('heading', { name: /^Learned metric of run #\d+ · nca$/ }).waitFor();
    expect(await page.getByTestId('accuracy-axis').getAttribute('data-min')).toBe('0');
    expect(await page.getByTestId('accuracy-axis').textContent()).toMatch(/^The axis starts at 0 %\. Dashed line: the Euclidean baseline, \d+\.\d %\.$/);
    expect(await page.getByTestId('heatmap-scale').textContent()).toMatch(/entries range from/);
    await app.screenshot('ui14-compare');
    const heading = (await page.getByRole('heading', { name: /^Learned metric of run #\d+ · nca$/ }).textContent())!;
    const runId = /#(\d+)/.exec(heading)![1]!;
    await page.getByRole('tab', { name: 'Export' }).click();
    expect(await page.getByLabel('Run').inputValue()).toBe(runId);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    expect(download.suggestedFilename()).toContain(`run${runId}`);
    expect(await page.getByText(/your browser saved it to its downloads folder/).count()).toBe(1);
    await app.screenshot('ui14-export');
  });
});

/** The exploratory pass of issue 14: breast_cancer, keyboard only, dark mode, 1024 px wide. */
describe('keyboard only, dark, 1024 px wide (issue 14 exploratory pass)', () => {
  let narrow: AppHarness;

  beforeAll(async () => {
    narrow = await startApp({
      viewport: { width: 1024, height: 768 },
      colorScheme: 'dark',
      seed: async (call) => void (await call('samples.add', { name: 'breast_cancer' })),
    });
  });

  afterAll(async () => {
    expect(narrow.problems()).toEqual([]);
    await narrow?.close();
  });

  it('labels with keys alone and never scrolls sideways, even with 30 long feature names in the pair card', async () => {
    const page = narrow.page;
    await page.getByRole('heading', { name: 'breast_cancer' }).waitFor();
    await page.keyboard.press('Alt+2');
    // Focus follows to the tab of the view just opened.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-Label');
    for (let k = 0; k < 4; k++) {
      await page.keyboard.press('n');
      await page.getByText(/^Suggested:/).waitFor();
      await page.keyboard.press(k % 2 ? 'c' : 'm');
      await page.waitForFunction((n) => (window.__workbench!.state.constraints!() as unknown[]).length === n, k + 1);
    }
    await page.keyboard.press('n');
    await page.getByText(/^Suggested:/).waitFor();
    const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, window: window.innerWidth }));
    expect(widths.page).toBeLessThanOrEqual(widths.window);
    // In the narrow side column, "cannot-link" / "must-link" stay on one line each.
    const kindHeights = await page.getByRole('list', { name: 'Labeled pairs, newest first' }).locator('li > span').evaluateAll((spans) =>
      spans.map((el) => el.getBoundingClientRect().height / parseFloat(getComputedStyle(el).lineHeight)));
    expect(kindHeights).toHaveLength(4);
    for (const lines of kindHeights) expect(lines).toBeLessThan(1.5);
    await narrow.screenshot('ui14-explore-label-1024-dark');
  });

  it('moves through a radio group with one Tab stop and the arrow keys', async () => {
    const page = narrow.page;
    await page.keyboard.press('Alt+3');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-Experiments');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('compare');
    await page.keyboard.press('ArrowDown');
    expect(await page.getByLabel('Accuracy vs number of constraints (sweep)').isChecked()).toBe(true);
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Tab');
    // The next Tab leaves the group for the first method, instead of stopping at every radio.
    expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).closest('fieldset')?.querySelector('legend')?.textContent)).toBe('Methods');
    expect(await page.getByRole('checkbox', { name: /my labels \(4 pairs\)/ }).isChecked()).toBe(true);
    await narrow.screenshot('ui14-explore-experiments-1024-dark');
  });
});
