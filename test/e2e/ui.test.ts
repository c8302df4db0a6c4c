import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
// window.__workbench (the UI's test hooks) is declared there.
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { startApp, type AppHarness } from './harness.ts';

/**
 * The researcher's whole loop in the browser mode: import a CSV, label pairs by clicking points on the
 * canvas and pressing M and C, run MMC and NCA, read the comparison, export JSON and .npy. Every view is
 * saved to test-output/screenshots/ui-*.png.
 */
const FIXTURE = join(import.meta.dirname, 'fixtures', 'ui-orchard.csv');
/** Variety of each row of the fixture (rows cycle gala, granny, fuji). */
const VARIETY = readFileSync(FIXTURE, 'utf8').trim().split('\n').slice(1).map((line) => line.split(',').at(-1)!);

let app: AppHarness;

beforeAll(async () => {
  app = await startApp();
});

afterEach(() => {
  // No console error, page error, failed request or CSP violation in any step.
  expect(app.problems()).toEqual([]);
});

afterAll(async () => {
  await app?.close();
});

async function clickPoint(i: number): Promise<void> {
  const point = await app.page.evaluate((row) => window.__workbench?.scatters.label?.pointToClient(row) ?? null, i);
  if (!point) throw new Error(`Point ${i} is not on the Label scatter.`);
  await app.page.mouse.click(point.x, point.y);
}

async function constraints(): Promise<{ i: number; j: number; kind: string }[]> {
  return app.page.evaluate(() => window.__workbench!.state.constraints!() as { i: number; j: number; kind: string }[]);
}

describe('the researcher UI in the browser', () => {
  it('offers the guided example on first run, and it can be skipped', async () => {
    const page = app.page;
    await page.getByRole('dialog', { name: 'A guided example: apples' }).waitFor();
    for (const name of ['Datasets', 'Label', 'Experiments', 'Compare', 'Export']) {
      expect(await page.getByRole('tab', { name, exact: true }).count()).toBe(1);
    }
    await app.screenshot('ui-first-run');
    await page.getByRole('button', { name: 'Skip the example' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);
  });

  it('imports a CSV after a preview with the detected format and label column', async () => {
    const page = app.page;
    await page.setInputFiles('#import-file', FIXTURE);
    await page.getByTestId('detected-format').waitFor();
    expect(await page.getByTestId('detected-format').textContent()).toBe('CSV');
    expect(await page.getByLabel('Label column').inputValue()).toBe('col:3');
    await page.getByRole('button', { name: 'Import 60 rows' }).click();
    await page.getByRole('heading', { name: 'ui-orchard' }).waitFor();
    // The dataset's details arrive after its heading: wait for the line.
    const details = page.getByText('60 rows · 3 features · 3 classes').first();
    await details.waitFor({ timeout: 10_000 });
    expect(await details.isVisible()).toBe(true);
    await app.screenshot('ui-datasets');
  });

  it('labels pairs by clicking points and pressing M and C, with undo and redo', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Label' }).click();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 60);
    const pairs: [number, number][] = [
      [0, 3], [6, 9], [1, 4], [7, 10], [2, 5], [8, 11], // same variety
      [0, 1], [1, 2], [2, 3], [12, 13], [13, 14], [15, 17], // different varieties
    ];
    for (const [i, j] of pairs) {
      await clickPoint(i);
      await clickPoint(j);
      await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
      await page.keyboard.press(VARIETY[i] === VARIETY[j] ? 'm' : 'c');
    }
    const labeled = await constraints();
    expect(labeled).toHaveLength(12);
    for (const c of labeled) expect(c.kind).toBe(VARIETY[c.i] === VARIETY[c.j] ? 'must' : 'cannot');
    expect(await page.getByTestId('constraint-counts').textContent()).toBe('6 must-link · 6 cannot-link');

    await page.keyboard.press('Control+z');
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 11);
    await page.keyboard.press('Control+Shift+Z');
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 12);

    await clickPoint(20);
    await clickPoint(23);
    await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
    await app.screenshot('ui-label');
    await page.emulateMedia({ colorScheme: 'dark' });
    await app.screenshot('ui-label-dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.keyboard.press('s');
    expect(await constraints()).toHaveLength(12);
  });

  it('runs MMC (from my labels) and NCA with live jobs, the Euclidean baseline included', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Experiments' }).click();
    await page.getByRole('checkbox', { name: /^mmc / }).check();
    expect(await page.getByRole('checkbox', { name: /^nca / }).isChecked()).toBe(true);
    await page.getByRole('checkbox', { name: /my labels \(12 pairs\)/ }).check();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForFunction(
      () => {
        const jobs = window.__workbench!.state.jobs!() as { status: string }[];
        return jobs.length === 5 && jobs.every((j) => !['queued', 'running'].includes(j.status));
      },
      undefined,
      { timeout: 150_000 },
    );
    const jobs = (await page.evaluate(() => window.__workbench!.state.jobs!())) as { status: string }[];
    expect(jobs.map((j) => j.status)).toEqual(Array(5).fill('succeeded'));
    await page.getByRole('cell', { name: 'mmc', exact: true }).first().waitFor();
    // Each finished learn job says whether it converged, and why.
    await page.getByTestId('job-stop-reason').first().waitFor();
    for (const line of await page.getByTestId('job-stop-reason').all()) {
      expect(await line.textContent()).toMatch(/^\s*(converged|not converged): /);
    }
    await app.screenshot('ui-experiments');
  });

  it('shows the comparison: accuracy bars with the baseline, the learned metric and the folds', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Compare' }).click();
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="accuracy-values"]')?.textContent ?? '';
      return ['euclidean', 'nca', 'mmc'].every((m) => text.includes(m));
    });
    expect(await page.getByRole('img', { name: /^Accuracy, mean ± std over folds/ }).count()).toBe(1);
    await page.getByTestId('feature-weights').waitFor({ state: 'attached' });
    const stop = page.getByTestId('stop-reason');
    await stop.waitFor({ state: 'attached' });
    expect(['tolerance', 'projections', 'maxIter', 'saturated', 'stalled']).toContain(await stop.getAttribute('data-stop-reason'));
    expect(await stop.textContent()).toMatch(/^\s*(converged|not converged): /);
    expect(await page.getByTestId('fold-table').locator('tbody tr').count()).toBe(5);
    for (const button of [/^Save “Accuracy, mean ± std/, /^Save PCA of the learned space as PNG/]) {
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).click()]);
      expect(download.suggestedFilename()).toMatch(/\.png$/);
      expect([...readFileSync((await download.path())!).subarray(1, 4)]).toEqual([...Buffer.from('PNG')]);
    }
    await app.screenshot('ui-compare');
  });

  it('exports the metric as JSON and .npy and shows the Python that loads it', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Export' }).click();
    const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    const json = JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8')) as { L: number[][]; M: number[][]; preprocessing: { mean: number[] } };
    expect(json.M).toHaveLength(3);
    expect(json.preprocessing.mean).toHaveLength(3);
    await page.getByRole('radio', { name: /NumPy \.npy/ }).check();
    const [npyDownload] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download' }).click()]);
    expect(npyDownload.suggestedFilename()).toMatch(/\.npy$/);
    const npy = readFileSync((await npyDownload.path())!);
    expect([...npy.subarray(0, 6)]).toEqual([0x93, ...Buffer.from('NUMPY')]);
    expect(await page.getByLabel('Python snippet', { exact: true }).textContent()).toContain('np.load(');
    await app.screenshot('ui-export');
  });
});
