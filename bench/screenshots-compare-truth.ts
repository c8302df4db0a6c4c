/**
 * Screenshots of the views a researcher uses to compare methods and report them (the Compare chart and tables,
 * run history, job cards, the experiment form, the Label scatter, the Datasets view and import preview), one or
 * more per point of the "Compare tells the whole truth" list, plus the figures behind them (what covers what,
 * which dataset is open, what a click did) in `figures.json`. Run it on two checkouts to compare before/after:
 *
 *   node --import tsx bench/screenshots-compare-truth.ts OUT_DIR [--root APP_ROOT]
 *
 * APP_ROOT (default: this checkout) is the checkout whose app is served and driven: its test/e2e/harness.ts
 * starts its browser mode (a test build with window.__workbench hooks) on a temporary database. The fixtures
 * always come from this checkout's test/e2e/fixtures. Steps a build cannot do (a control it lacks) are recorded
 * in figures.json as `missing: …` and the run goes on. Wall-clock: about two minutes (it runs real fits on iris).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Locator, Page } from 'playwright-core';
import type {} from '../src-renderer/src/lib/app/test-hooks.ts';
import type { AppHarness, StartOptions } from '../test/e2e/harness.ts';

const args = process.argv.slice(2);
const rootAt = args.indexOf('--root');
const APP_ROOT = resolve(rootAt >= 0 ? args[rootAt + 1]! : join(import.meta.dirname, '..'));
const OUT = resolve(args.find((a, k) => !a.startsWith('--') && args[k - 1] !== '--root') ?? '');
if (!args.find((a, k) => !a.startsWith('--') && args[k - 1] !== '--root')) {
  console.error('Usage: node --import tsx bench/screenshots-compare-truth.ts OUT_DIR [--root APP_ROOT]');
  process.exit(2);
}
const FIXTURES = join(import.meta.dirname, '..', 'test', 'e2e', 'fixtures');
mkdirSync(OUT, { recursive: true });

const { startApp } = (await import(pathToFileURL(join(APP_ROOT, 'test', 'e2e', 'harness.ts')).href)) as {
  startApp(options?: StartOptions): Promise<AppHarness>;
};

const figures: Record<string, unknown> = { appRoot: APP_ROOT };
const note = (key: string, value: unknown) => {
  figures[key] = value;
  console.info(`${key}: ${JSON.stringify(value)}`);
};
const PROTOCOL = { folds: 5, k: 3, seed: 0, preprocess: 'zscore' as const };

type Box = { x: number; y: number; width: number; height: number };
const overlaps = (a: Box, b: Box) => a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

async function shot(name: string, target: Page | Locator): Promise<void> {
  const path = join(OUT, `${name}.png`);
  await target.screenshot({ path, ...('goto' in target ? { fullPage: true } : {}) });
  console.info(`  → ${path}`);
}

/** Runs `step`; a control the build lacks is noted, not fatal. */
async function attempt(key: string, step: () => Promise<void>): Promise<void> {
  try {
    await step();
  } catch (error) {
    note(`missing: ${key}`, (error instanceof Error ? error.message : String(error)).split('\n')[0]);
  }
}

/** The section (panel) around a heading or element. */
const panelOf = (locator: Locator) => locator.locator('xpath=ancestor::section[1]');

async function waitForJobs(call: AppHarness['call']): Promise<void> {
  for (;;) {
    const { jobs } = (await call('jobs.list')) as { jobs: { status: string }[] };
    if (jobs.every((j) => j.status !== 'queued' && j.status !== 'running')) return;
    await new Promise((r) => setTimeout(r, 500));
  }
}

const app = await startApp({
  viewport: { width: 1400, height: 900 },
  seed: async (call) => {
    const { dataset } = (await call('samples.add', { name: 'iris' })) as { dataset: { id: number } };
    // 15 pairs labeled by hand (rows of the same species are 0–49, 50–99, 100–149).
    const pairs: [number, number, 'must' | 'cannot'][] = [
      [0, 10, 'must'], [1, 20, 'must'], [2, 30, 'must'], [50, 60, 'must'], [51, 70, 'must'], [52, 80, 'must'],
      [100, 110, 'must'], [101, 120, 'must'], [102, 130, 'must'], [0, 50, 'cannot'], [10, 110, 'cannot'],
      [60, 120, 'cannot'], [70, 140, 'cannot'], [20, 90, 'cannot'], [30, 145, 'cannot'],
    ];
    for (const [i, j, kind] of pairs) await call('constraints.set', { datasetId: dataset.id, i, j, kind });
    const common = { datasetId: dataset.id, seed: 0, protocol: PROTOCOL };
    const specs = [
      { kind: 'evaluate', method: 'euclidean', params: {}, constraintSource: 'generated' },
      { kind: 'evaluate', method: 'nca', params: {}, constraintSource: 'generated' },
      { kind: 'evaluate', method: 'lmnn', params: {}, constraintSource: 'generated' },
      { kind: 'evaluate', method: 'mmc', params: {}, constraintSource: 'generated' },
      { kind: 'evaluate', method: 'itml', params: {}, constraintSource: 'labeled' },
      { kind: 'evaluate', method: 'itml', params: {}, constraintSource: 'generated' },
      { kind: 'learn', method: 'nca', params: {}, constraintSource: 'generated' },
      { kind: 'learn', method: 'itml', params: {}, constraintSource: 'generated' },
    ];
    for (const spec of specs) await call('jobs.start', { spec: { ...spec, ...common } });
    await waitForJobs(call);
  },
});
const page = app.page;
const tab = (name: string) => page.getByRole('tab', { name, exact: true }).click();

try {
  await page.getByRole('tab', { name: 'Datasets', exact: true }).waitFor();
  await page.getByRole('heading', { name: 'iris', exact: true }).waitFor();

  // 1, 2, 3, 5: Compare — the accuracy chart at 1400 and 1024 px, the tables, the list of runs.
  await tab('Compare');
  const chart = page.locator('figure.chart').first();
  await chart.waitFor();
  for (const width of [1400, 1024]) {
    await page.setViewportSize({ width, height: 900 });
    await page.waitForTimeout(300);
    await shot(`01-accuracy-chart-${width}`, panelOf(chart));
    await attempt(`chart geometry at ${width} px`, async () => {
      const geometry = await page.evaluate(() => window.__workbench!.charts!.accuracy!.geometry());
      const baseline = geometry.legend.find((l) => l.text.startsWith('Euclidean baseline'));
      if (!baseline) throw new Error('no baseline legend entry');
      note(`baseline label at ${width} px`, { text: baseline.text, coversBars: geometry.bars.filter((b) => overlaps(b, baseline.box)).length, bars: geometry.bars.length });
    });
  }
  await page.setViewportSize({ width: 1400, height: 900 });
  note('accuracy values', await page.getByTestId('accuracy-values').textContent());
  await shot('02-05-compare-view', page);
  await attempt('result tables', async () => {
    const tables = page.locator('section.panel').filter({ has: page.locator('table') }).nth(0);
    await shot('02-05-compare-tables', tables);
  });
  await shot('03-compare-run-list', page.locator('aside.panel').first());
  await attempt('test-set panel', async () => {
    const heading = page.getByRole('heading', { name: 'Test set', exact: true });
    await shot('09-test-set-hint', panelOf(heading));
    note('test-set hint', await panelOf(heading).locator('p').nth(1).textContent());
  });

  // 3, 4: Experiments — run history, and job cards with their objective curves.
  await tab('Experiments');
  await page.getByRole('heading', { name: 'Run history' }).waitFor();
  await shot('03-run-history', panelOf(page.getByRole('heading', { name: 'Run history' })));
  await page.getByTestId('job-card').first().waitFor();
  await shot('04-job-cards-progress', panelOf(page.getByRole('heading', { name: 'Jobs', exact: true })));
  note('sparkline x axes', await page.getByTestId('sparkline-x').allTextContents());

  // 9: the experiment form with five methods ticked.
  const form = panelOf(page.getByRole('heading', { name: /^New experiment on/ }));
  for (const m of ['nca', 'mmc', 'itml', 'lmnn']) await attempt(`tick ${m}`, () => page.getByRole('checkbox', { name: new RegExp(`^${m} `) }).check());
  note('form height with five methods (px)', Math.round((await form.boundingBox())!.height));
  await shot('09-experiment-form-five-methods', form);
  await attempt('expand itml parameters', async () => {
    await page.getByTestId('param-summary-itml').click({ timeout: 2000 });
  });
  await attempt('mustLinkPercentile label', async () => {
    const label = page.locator('label[for="param-itml-mustLinkPercentile"]');
    note('mustLinkPercentile label', { text: await label.textContent(), cut: await label.evaluate((l) => l.scrollWidth > l.clientWidth + 1) });
    await shot('09-param-labels', panelOf(label));
  });

  // 6: both pair sources, and Restart on a cancelled card.
  for (const m of ['nca', 'mmc', 'lmnn']) await attempt(`untick ${m}`, () => page.getByRole('checkbox', { name: new RegExp(`^${m} `) }).uncheck());
  await attempt('tick both pair sources', async () => {
    await page.getByRole('checkbox', { name: /^my labels/ }).check({ timeout: 2000 });
    await page.getByRole('checkbox', { name: /^generated from class labels/ }).check({ timeout: 2000 });
  });
  await shot('06-pair-sources', form.locator('fieldset').filter({ hasText: 'Protocol' }));
  // A long fit (ITML with no tolerance sweeps until it is cancelled), seen while it runs (its live objective curve,
  // from throttled progress events); the jobs Start submits then wait behind it, so one can be cancelled queued.
  const blocker = (await app.call('jobs.start', {
    spec: { kind: 'learn', method: 'itml', params: { maxIter: 1000000, tol: 0 }, datasetId: 1, seed: 0, protocol: PROTOCOL, constraintSource: 'generated' },
  })) as { jobId: string };
  await attempt('live progress', async () => {
    const running = page.locator('[data-testid="job-card"][data-status="running"]').first();
    await running.getByTestId('sparkline-x').waitFor({ timeout: 20_000 });
    await page.waitForTimeout(2500);
    note('live sparkline x axis (running ITML)', await running.getByTestId('sparkline-x').textContent());
    note('live progress line', await running.getByTestId('job-progress').textContent());
    await shot('04-live-progress', running);
  });
  const before = await page.getByTestId('job-card').count();
  await page.getByRole('button', { name: 'Start', exact: true }).click();
  await page.waitForFunction((n) => document.querySelectorAll('[data-testid="job-card"]').length > n, before);
  note('jobs started by Start', (await page.getByTestId('job-card').count()) - before);
  const titles = await page.getByTestId('job-card').locator('strong').allTextContents();
  note('new job titles', titles.slice(0, (await page.getByTestId('job-card').count()) - before));
  // Cancel the first new one (the list is newest first, so the last submitted is on top), then the long fit.
  await attempt('cancel a queued job', async () => {
    // The "Started…" notice can lie over the cards: the click goes to the button itself.
    await page.getByRole('button', { name: /^Cancel / }).first().dispatchEvent('click', undefined, { timeout: 3000 });
    await page.locator('[data-testid="job-card"][data-status="cancelled"]').first().waitFor({ timeout: 5000 });
  });
  await app.call('jobs.cancel', { jobId: blocker.jobId });
  await waitForJobs(app.call);
  await page.waitForTimeout(500);
  await shot('06-cancelled-card', panelOf(page.getByRole('heading', { name: 'Jobs', exact: true })));
  await attempt('Restart', async () => {
    const cards = await page.getByTestId('job-card').count();
    await page.locator('[data-testid="job-card"][data-status="cancelled"]').getByRole('button', { name: /^Restart/ }).first().click({ timeout: 2000 });
    await page.waitForFunction((n) => document.querySelectorAll('[data-testid="job-card"]').length > n, cards);
    note('Restart added a job card', true);
    await waitForJobs(app.call);
  });
  await shot('03-06-experiments-view', page);

  // 7: the Label view on data with far outliers.
  await tab('Datasets');
  await page.setInputFiles('#import-file', join(FIXTURES, 'outliers.csv'));
  await page.getByRole('button', { name: /^Import \d+ rows$/ }).click();
  await page.getByRole('heading', { name: 'outliers', exact: true }).waitFor();
  await tab('Label');
  await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 153);
  await page.waitForTimeout(300);
  await shot('07-label-default-view', page);
  await attempt('outlier note', async () => note('outlier note', await page.getByTestId('scatter-outlier-note').textContent({ timeout: 1000 })));
  const canvas = page.getByLabel(/^Scatter of outliers for pair labeling/);
  await canvas.focus();
  for (let k = 0; k < 12; k++) await page.keyboard.press('+');
  await page.keyboard.press('n');
  await page.waitForFunction(() => (window.__workbench!.state.pending!() as number[]).length === 2);
  await page.waitForTimeout(200);
  const suggestion = await page.evaluate(() => {
    const pair = window.__workbench!.state.pending!() as number[];
    return { pair, onScreen: pair.map((i) => window.__workbench!.scatters.label!.pointToClient(i) !== null) };
  });
  note('suggested pair while zoomed 14.6×', suggestion);
  await shot('07-suggested-pair-zoomed', page);
  await page.keyboard.press('Escape');
  await canvas.focus();
  await page.keyboard.press('0');
  // Two clicks 150 ms apart on the second point of a pair (the second reaches the page as a double-click).
  const client = (i: number) => page.evaluate((row) => window.__workbench!.scatters.label!.pointToClient(row), i);
  const a = (await client(0))!, b = (await client(4))!;
  await page.mouse.click(a.x, a.y);
  await page.waitForTimeout(400);
  await page.mouse.click(b.x, b.y);
  await page.waitForTimeout(150);
  await page.mouse.click(b.x, b.y, { clickCount: 2 });
  await page.waitForTimeout(200);
  note('pending after click 0, then two quick clicks on 4', await page.evaluate(() => window.__workbench!.state.pending!()));
  await shot('07-two-quick-clicks', page);

  // 9: undo history across a reload.
  await page.keyboard.press('Escape');
  for (const [i, j, key] of [[0, 4, 'c'], [1, 7, 'm'], [2, 5, 'c']] as const) {
    const p = (await client(i))!, q = (await client(j))!;
    await page.mouse.click(p.x, p.y);
    await page.waitForTimeout(350);
    await page.mouse.click(q.x, q.y);
    await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
    await page.keyboard.press(key);
    await page.waitForFunction((n) => (window.__workbench!.state.constraints!() as unknown[]).length === n, i + 1);
  }
  await page.keyboard.press('Control+z');
  await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 2);
  await page.reload();
  await page.getByRole('tab', { name: 'Label', selected: true }).waitFor();
  await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 153);
  await page.waitForTimeout(300);
  note('after reload: Undo / Redo enabled', [
    await page.getByRole('button', { name: 'Undo', exact: true }).isEnabled(),
    await page.getByRole('button', { name: 'Redo', exact: true }).isEnabled(),
  ]);
  await shot('09-undo-after-reload', page);

  // 8: the open dataset when a test set is imported, in a new window, and when the open one is deleted.
  await tab('Datasets');
  await page.setInputFiles('#import-file', join(FIXTURES, 'outliers-test.csv'));
  await page.getByRole('button', { name: /^Import \d+ rows$/ }).click();
  await page.locator('p.ok').first().waitFor();
  await page.waitForTimeout(500);
  const openName = async (p: Page) => (await p.locator('#current-dataset option:checked').textContent().catch(() => null)) ?? 'none';
  note('open after importing the test set', await openName(page));
  await shot('08-import-test-set', page);
  const second = await app.context.newPage();
  await second.goto(app.url, { waitUntil: 'load' });
  await second.getByRole('tab', { name: 'Datasets', exact: true }).waitFor();
  await second.waitForTimeout(1000);
  note('a new window opens on', await openName(second));
  await shot('08-new-window', second);
  await second.close();
  const current = (await openName(page)).split(' · ')[0]!;
  await page.getByRole('button', { name: `Delete dataset ${current}`, exact: true }).click();
  await page.getByRole('button', { name: `Delete ${current}?`, exact: true }).click();
  await page.waitForTimeout(1000);
  note('after deleting the open dataset', { open: await openName(page), switcherShown: await page.locator('#current-dataset').isVisible() });
  await shot('08-delete-open-dataset', page);

  // 9: the import preview of an ARFF file with nominal attributes, and a header-only CSV.
  await page.setInputFiles('#import-file', join(FIXTURES, 'credit-like.arff'));
  await page.getByTestId('detected-format').waitFor();
  note('preview line', (await page.getByTestId('detected-format').locator('xpath=..').textContent())?.replace(/\s+/g, ' '));
  await attempt('nominal expansion', async () => note('nominal expansion', await page.getByTestId('nominal-expansion').textContent({ timeout: 1000 })));
  const table = page.getByRole('region', { name: 'First rows of the file' });
  note('preview table width (px)', Math.round((await table.boundingBox())!.width));
  await shot('09-import-preview-nominal', page);
  await page.getByRole('button', { name: 'Cancel', exact: true }).click();
  await page.setInputFiles('#import-file', join(FIXTURES, 'header-only.csv'));
  await page.locator('.error').first().waitFor();
  note('header-only error', (await page.locator('.error').first().textContent())?.replace(/\s+/g, ' ').trim());
  await shot('09-header-only-error', page);

  note('console problems', app.problems());
} finally {
  writeFileSync(join(OUT, 'figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
  await app.close();
}
