import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { parseBooktabsTable } from '../report/parse.ts';
import { startApp, type AppHarness } from './harness.ts';

/**
 * The Compare view's significance table and "Export table" in the browser mode: a comparison of Euclidean, LDA and
 * NCA on iris, read in Compare and downloaded as a LaTeX table.
 */
let app: AppHarness;

beforeAll(async () => {
  app = await startApp({
    seed: async (call) => {
      const { dataset } = (await call('samples.add', { name: 'iris' })) as { dataset: { id: number } };
      await call('jobs.start', { spec: { kind: 'compare', datasetId: dataset.id, methods: [{ method: 'euclidean' }, { method: 'lda' }, { method: 'nca' }] } });
    },
  });
});

afterEach(() => expect(app.problems()).toEqual([]));
afterAll(async () => {
  await app?.close();
});

describe('Compare: significance and Export table (browser mode)', () => {
  it('shows p-values against the best and Euclidean, and downloads the comparison as a booktabs table', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Compare', exact: true }).click();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="significance-table"] tbody tr').length === 3, undefined, { timeout: 120_000 });
    const header = await page.getByTestId('significance-table').locator('thead th').allTextContents();
    expect(header.map((h) => h.trim())).toEqual(['Run', 'Supervision', 'Accuracy', 'p vs best', 'p vs Euclidean']);
    const rows = await page.getByTestId('significance-table').locator('tbody tr').allTextContents();
    expect(rows.find((r) => r.includes('euclidean'))).toContain('unsupervised');
    expect(rows.find((r) => r.includes('lda'))).toContain('class labels');
    expect(await page.getByTestId('significance-note').textContent()).toContain('corrected resampled t-test (Nadeau & Bengio)');
    await page.getByTestId('table-export-format').selectOption('tex');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export table' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^iris-comparison-runs-[\d-]+-table\.tex$/);
    const table = parseBooktabsTable(readFileSync((await download.path())!, 'utf8'));
    expect(table.rows.map((r) => r[0]).sort()).toEqual(['euclidean', 'lda', 'nca']);
    await app.screenshot('compare-significance');
  });
});
