/**
 * Screenshots of labeling by comparison: the Comparisons card on a tabular set (wine: the features where the
 * candidates differ most from the anchor) and on image data (digits: three thumbnails), and the Label scatter with
 * a query's anchor and candidates highlighted. Suggested queries under the Euclidean metric, then under a learned
 * one (NCA on wine, fitted here), so the reason line shows both.
 *
 *   node --import tsx bench/screenshots-comparisons.ts [OUT_DIR]      (default docs/screenshots/comparisons)
 *
 * Drives this checkout's browser mode (the e2e build with window.__workbench hooks) on a temporary database.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import type {} from '../src-renderer/src/lib/app/test-hooks.ts';
import { startApp } from '../test/e2e/harness.ts';

const OUT = resolve(process.argv[2] ?? join(import.meta.dirname, '..', 'docs', 'screenshots', 'comparisons'));
mkdirSync(OUT, { recursive: true });

async function shot(name: string, target: Page | Locator): Promise<void> {
  const path = join(OUT, `${name}.png`);
  await target.screenshot({ path, ...('goto' in target ? { fullPage: true } : {}) });
  console.info(`  → ${path}`);
}

const ids: Record<string, number> = {};
const app = await startApp({
  viewport: { width: 1400, height: 950 },
  seed: async (call) => {
    for (const name of ['digits', 'wine']) ids[name] = ((await call('samples.add', { name })) as { dataset: { id: number } }).dataset.id;
  },
});
try {
  const page = app.page;
  const card = page.locator('section', { has: page.getByRole('heading', { name: 'Comparison', exact: true }) });
  const scatter = page.getByRole('region', { name: 'Scatter' });
  const open = async (name: string) => {
    await page.getByLabel('Dataset', { exact: true }).selectOption(String(ids[name]));
    await page.waitForFunction((id) => window.__workbench!.state.currentDataset!() === id, ids[name]);
    await page.getByRole('tab', { name: 'Label' }).click();
  };
  const suggest = async () => {
    // The dataset picker keeps the focus after a choice, and keys typed into a form control are not labeling keys.
    await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
    await page.keyboard.press('n');
    await page.getByTestId('comparison-reason').waitFor();
    console.info(`  ${await page.getByTestId('comparison-reason').textContent()}`);
  };

  await open('wine');
  await page.getByRole('radio', { name: 'Comparisons' }).check();
  await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) > 0);
  await suggest();
  await shot('wine-card', card);
  await shot('wine-scatter-query', scatter);
  await shot('wine-label-view', page);
  // Two answers, then a conflicting third: the card says which stored answer it contradicts.
  await page.keyboard.press('1');
  await page.waitForFunction(() => (window.__workbench!.state.comparisons!() as unknown[]).length === 1);
  const [a, b, c] = (await page.evaluate(() => window.__workbench!.state.comparisons!() as number[][]))[0]!;
  await page.getByRole('button', { name: `${a}: ${b} ‹ ${c}` }).click();
  await page.keyboard.press('2');
  await page.getByTestId('comparison-conflict').waitFor();
  await shot('wine-conflict', card);
  await page.getByRole('button', { name: 'Keep the stored answer' }).click();

  // Under a learned metric: NCA on wine, then the next suggestion names it.
  await app.call('jobs.start', { spec: { kind: 'learn', method: 'nca', params: {}, datasetId: ids.wine, seed: 0, protocol: { preprocess: 'zscore' } } });
  for (;;) {
    const { jobs } = (await app.call('jobs.list')) as { jobs: { status: string }[] };
    if (jobs.every((j) => j.status !== 'queued' && j.status !== 'running')) break;
    await new Promise((r) => setTimeout(r, 300));
  }
  await page.reload();
  await page.getByRole('heading', { name: 'Label comparisons' }).waitFor();
  await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) > 0);
  await suggest();
  await shot('wine-card-learned-metric', card);

  await open('digits');
  await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) > 1000);
  await suggest();
  await shot('digits-card', card);
  await shot('digits-scatter-query', scatter);
  await shot('digits-label-view', page);
  console.info(`problems: ${JSON.stringify(app.problems())}`);
} finally {
  await app.close();
}
