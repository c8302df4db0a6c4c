import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { gzip, IDX_TYPE, idxBytes } from '../import/idx-fixtures.ts';
import { startApp, type AppHarness } from './harness.ts';

/**
 * IDX in the app: images and labels chosen in the import panel, thumbnails in the pair card, then a held-out
 * test set scored from Compare. Screenshots: test-output/screenshots/idx-*.png.
 */
let app: AppHarness;
let dir: string;

/** n images of 5×5: class c (0…2) draws a vertical, horizontal or diagonal bar, plus a little seeded noise. */
function images(n: number, seed: number): { images: Uint8Array; labels: Uint8Array } {
  let s = seed;
  const rand = () => ((s = (Math.imul(s, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pixels: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const c = i % 3;
    labels.push(c);
    for (let r = 0; r < 5; r++) {
      for (let q = 0; q < 5; q++) {
        const on = c === 0 ? q === 2 : c === 1 ? r === 2 : r === q;
        pixels.push(Math.round((on ? 220 : 15) + 30 * rand()));
      }
    }
  }
  return { images: gzip(idxBytes(IDX_TYPE.ubyte, [n, 5, 5], pixels)), labels: gzip(idxBytes(IDX_TYPE.ubyte, [n], labels)) };
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'e2e-idx-'));
  for (const [prefix, n, seed] of [['train', 60, 1], ['t10k', 30, 2]] as const) {
    const data = images(n, seed);
    writeFileSync(join(dir, `${prefix}-images-idx3-ubyte.gz`), data.images);
    writeFileSync(join(dir, `${prefix}-labels-idx1-ubyte.gz`), data.labels);
  }
  app = await startApp();
  const skip = app.page.getByRole('button', { name: 'Skip the example' });
  await skip.waitFor();
  await skip.click();
});

afterEach(() => {
  expect(app.problems()).toEqual([]);
});

afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function importIdx(prefix: string, rows: number): Promise<void> {
  const page = app.page;
  await page.getByRole('tab', { name: 'Datasets', exact: true }).click();
  await page.setInputFiles('#import-file', join(dir, `${prefix}-images-idx3-ubyte.gz`));
  await page.getByTestId('detected-format').waitFor();
  expect(await page.getByTestId('detected-format').textContent()).toBe('IDX');
  await page.setInputFiles('#import-labels-file', join(dir, `${prefix}-labels-idx1-ubyte.gz`));
  await page.getByTestId('labels-file').waitFor();
  expect(await page.getByTestId('labels-file').textContent()).toBe(`${prefix}-labels-idx1-ubyte.gz`);
  if (prefix === 'train') await app.screenshot('idx-import-preview');
  await page.getByRole('button', { name: `Import ${rows} rows` }).click();
  if (prefix === 'train') await page.getByRole('heading', { name: 'train-images-idx3-ubyte' }).waitFor();
  // A test set with the open training set's features is stored beside it: the training set stays open.
  else await page.getByTestId('import-kept-open').waitFor();
}

describe('IDX datasets and a held-out test set in the app', () => {
  it('imports IDX images with their labels file from the import panel; the layout is kept for thumbnails', async () => {
    await importIdx('train', 60);
    // The dataset's details (and with them its image layout) arrive after its heading: wait for the line.
    const details = app.page.getByText('60 rows · 25 features · 3 classes · 5×5 images').first();
    await details.waitFor({ timeout: 10_000 });
    expect(await details.isVisible()).toBe(true);
    await app.screenshot('idx-datasets');
  });

  it('shows both images in the pair card', async () => {
    const page = app.page;
    await page.getByRole('tab', { name: 'Label', exact: true }).click();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 60);
    for (const row of [0, 1]) {
      const point = await page.evaluate((i) => window.__workbench!.scatters.label!.pointToClient(i), row);
      await page.mouse.click(point!.x, point!.y);
    }
    await page.locator('canvas[aria-label="Image of row 0"]').waitFor();
    expect(await page.locator('canvas[aria-label="Image of row 1"]').count()).toBe(1);
    await app.screenshot('idx-label-thumbnails');
  });

  it('scores the compared methods on the imported test set, shown beside the CV accuracy', async () => {
    const page = app.page;
    await importIdx('t10k', 30);
    const { datasets } = (await app.call('datasets.list')) as { datasets: { id: number; name: string }[] };
    const train = datasets.find((d) => d.name === 'train-images-idx3-ubyte')!;
    await app.call('jobs.start', { spec: { kind: 'compare', datasetId: train.id, methods: [{ method: 'euclidean' }, { method: 'lda' }], protocol: { folds: 3 } } });
    await page.getByRole('tab', { name: 'Datasets', exact: true }).click();
    await page.getByRole('button', { name: /^train-images-idx3-ubyte/ }).click();
    await page.getByRole('heading', { name: 'train-images-idx3-ubyte' }).waitFor();
    await page.getByRole('tab', { name: 'Compare', exact: true }).click();
    await page.waitForFunction(() => {
      const text = document.querySelector('[data-testid="accuracy-values"]')?.textContent ?? '';
      return ['euclidean', 'lda'].every((m) => text.includes(m));
    }, undefined, { timeout: 60_000 });
    expect(await page.getByLabel('Test set').inputValue()).not.toBe('');
    await page.getByRole('button', { name: 'Score on test set' }).click();
    await page.getByTestId('test-set-table').waitFor();
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="test-set-table"] tbody tr').length === 2);
    const rows = await page.getByTestId('test-set-table').locator('tbody tr').allTextContents();
    expect(rows.every((r) => r.includes('t10k-images-idx3-ubyte'))).toBe(true);
    // The bars are easy to tell apart: Euclidean 3-NN on the test set is perfect.
    expect(rows.find((r) => r.startsWith('euclidean'))).toContain('100.0%');
    await app.screenshot('idx-compare-test-set');
  });

  it("lists a learn run's test-set accuracy in the Experiments history", async () => {
    const page = app.page;
    const { datasets } = (await app.call('datasets.list')) as { datasets: { id: number; name: string }[] };
    const train = datasets.find((d) => d.name === 'train-images-idx3-ubyte')!;
    const test = datasets.find((d) => d.name === 't10k-images-idx3-ubyte')!;
    const { runIds } = (await app.call('jobs.start', { spec: { kind: 'learn', datasetId: train.id, method: 'euclidean' } })) as { runIds: number[] };
    const runId = runIds[0]!;
    for (let tries = 0; ; tries++) {
      const { run } = (await app.call('runs.get', { runId })) as { run: { status: string } };
      if (run.status === 'succeeded') break;
      if (tries > 300) throw new Error(`learn run ${runId} did not finish: ${run.status}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await app.call('runs.score', { runId, testDatasetId: test.id });
    // Opening the dataset again reloads its run history.
    await page.getByRole('tab', { name: 'Datasets', exact: true }).click();
    await page.getByRole('button', { name: /^t10k-images-idx3-ubyte/ }).click();
    await page.getByRole('heading', { name: 't10k-images-idx3-ubyte' }).waitFor();
    await page.getByRole('button', { name: /^train-images-idx3-ubyte/ }).click();
    await page.getByRole('heading', { name: 'train-images-idx3-ubyte' }).waitFor();
    await page.getByRole('tab', { name: 'Experiments', exact: true }).click();
    const cell = page.getByTestId(`test-set-${runId}`);
    await page.waitForFunction((id) => document.querySelector(`[data-testid="test-set-${id}"]`)?.textContent === '100.0%', runId);
    expect(await cell.getAttribute('title')).toBe('3-NN accuracy on the test set t10k-images-idx3-ubyte');
    await app.screenshot('idx-experiments-test-set');
  });
});
