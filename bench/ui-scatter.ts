/**
 * The Datasets and Label scatters at 60,000 points, measured in headless Chromium (Debian's /usr/bin/chromium
 * through playwright-core, as the e2e tests drive it) with the User Timing marks ScatterCanvas sets. The page is
 * the end-to-end build (out/renderer-e2e, rebuilt when stale): the bench finds and clicks exact points through
 * its window.__workbench scatter hooks, which the app's own build (out/renderer) does not have.
 *
 *   draw        the drawBase call (every point and constraint line), JavaScript time
 *   draw-frame  from the start of that draw to the next animation frame (the points on screen)
 *   hit         a click's hit test (GridIndex nearest point)
 *   pick        from the pointer release to the overlay drawn after the click was handled (Label: the pair
 *               ring, the pair card and its thumbnails updated in the same flush)
 *   pick-frame  to the next animation frame
 *
 * The data: 60,000 synthetic 4×4 ubyte images in 10 classes (seeded), written as an IDX file pair and imported
 * through the browser-mode upload path (so the import, the image layout and the pair card's thumbnails are
 * exercised at that size). Targets: draw in under 500 ms, answer a click in under 50 ms.
 * Screenshots: test-output/screenshots/ui-scatter-datasets.png, ui-scatter-label.png; when the page does not get
 * to a scatter, the bench stops with the step it missed and test-output/screenshots/ui-scatter-failed.png.
 *
 * Usage: node --import tsx bench/ui-scatter.ts [--rows 60000] [--clicks 10] [--fashion]
 * Wall-clock figures of this machine; never asserted in tests.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { bytesToBase64 } from '../shared/ipc/base64.ts';
import type { Envelope } from '../shared/ipc/contract.ts';
import { E2E_RENDERER_DIR, ensureRendererBuilt, serve } from '../src-main/server/main.ts';
import type {} from '../src-renderer/src/lib/app/test-hooks.ts';

const ROOT = join(import.meta.dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
const args = process.argv.slice(2);
const option = (name: string, fallback: number) => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? Number(args[at + 1]) : fallback;
};
const CLICKS = option('clicks', 10);
/** `--fashion`: the real Fashion-MNIST training set (60,000 × 784) when installed, instead of the synthetic images. */
const FASHION = args.includes('--fashion') ? '/usr/share/datasets/fashion-mnist' : null;
const ROWS = FASHION ? 60_000 : option('rows', 60_000);

/** IDX bytes (big-endian header) for ubyte data of `dims`. */
function idx(dims: number[], values: Uint8Array): Uint8Array {
  const out = new Uint8Array(4 + 4 * dims.length + values.length);
  const view = new DataView(out.buffer);
  out[2] = 0x08;
  out[3] = dims.length;
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  out.set(values, 4 + 4 * dims.length);
  return out;
}

/** 60,000 4×4 images: class c lights a class-specific pair of pixels, plus seeded noise. */
function syntheticImages(n: number): { images: Uint8Array; labels: Uint8Array } {
  let state = 12345;
  const rand = () => ((state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32);
  const pixels = new Uint8Array(n * 16);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10;
    labels[i] = c;
    for (let p = 0; p < 16; p++) {
      const lit = p === c || p === (c * 3 + 5) % 16;
      pixels[i * 16 + p] = Math.min(255, Math.round((lit ? 170 : 20) + 60 * rand()));
    }
  }
  return { images: idx([n, 4, 4], pixels), labels: idx([n], labels) };
}

/**
 * Runs one step of reaching a scatter (a click, a wait). When it fails, saves a screenshot and throws an error
 * that says which step failed, where the screenshot is, whether the page has the test hooks at all (only the
 * end-to-end build has them), which scatters it registered and what it reported (page and console errors).
 */
async function step(page: Page, what: string, problems: readonly string[], action: () => Promise<unknown>): Promise<void> {
  try {
    await action();
  } catch (error) {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const shot = join(SCREENSHOTS, 'ui-scatter-failed.png');
    const saved = await page.screenshot({ path: shot }).then(
      () => shot,
      (e: Error) => `none (${e.message.split('\n')[0]})`,
    );
    const state = await page
      .evaluate(() => ({ hooks: window.__workbench !== undefined, scatters: Object.keys(window.__workbench?.scatters ?? {}) }))
      .catch(() => ({ hooks: false, scatters: [] as string[] }));
    const lines = [
      `ui-scatter: the page did not get to ${what}: ${(error as Error).message.split('\n')[0]}`,
      state.hooks
        ? `  registered scatters: [${state.scatters.join(', ')}]`
        : `  window.__workbench is missing: the page is not the end-to-end build (WORKBENCH_TEST_HOOKS=1, ${E2E_RENDERER_DIR})`,
      `  page and console errors: ${problems.length ? problems.join('; ') : 'none'}`,
      `  screenshot: ${saved}`,
    ];
    throw new Error(lines.join('\n'), { cause: error });
  }
}

const median = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const ms = (v: number) => (Number.isFinite(v) ? `${v.toFixed(1)} ms` : '–');

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    console.log(`ui-scatter: ${CHROMIUM} is missing (apt-get install chromium); skipped.`);
    return;
  }
  // The end-to-end build: the scatters' window.__workbench hooks (point count, point positions) exist only there.
  ensureRendererBuilt(E2E_RENDERER_DIR, (line) => console.log(line));
  const dir = mkdtempSync(join(tmpdir(), 'bench-ui-scatter-'));
  const token = randomBytes(18).toString('base64url');
  const handle = await serve({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'db.sqlite'), token, rendererDir: E2E_RENDERER_DIR, concurrency: 1 });
  const call = async <T>(channel: string, request: unknown): Promise<T> => {
    const envelope = (await handle.workbench.dispatch(channel, request)) as Envelope<T>;
    if (!envelope.ok) throw new Error(`${channel}: ${envelope.error.message}`);
    return envelope.value;
  };
  const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
  try {
    const imported = Date.now();
    let images: { fileId: string };
    let labels: { fileId: string };
    if (FASHION) {
      images = await call('files.upload', { name: 'train-images-idx3-ubyte.gz', base64: bytesToBase64(readFileSync(join(FASHION, 'train-images-idx3-ubyte.gz'))) });
      labels = await call('files.upload', { name: 'train-labels-idx1-ubyte.gz', base64: bytesToBase64(readFileSync(join(FASHION, 'train-labels-idx1-ubyte.gz'))) });
    } else {
      const data = syntheticImages(ROWS);
      images = await call<{ fileId: string }>('files.upload', { name: 'bench-images-idx3-ubyte', base64: bytesToBase64(data.images) });
      labels = await call<{ fileId: string }>('files.upload', { name: 'bench-labels-idx1-ubyte', base64: bytesToBase64(data.labels) });
    }
    const { dataset } = await call<{ dataset: { id: number; name: string } }>('datasets.import', {
      fileId: images.fileId,
      name: 'scatter-bench',
      options: { labelsFileId: labels.fileId },
    });
    const importMs = Date.now() - imported;

    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    const opened = Date.now();
    await step(page, 'the start page', problems, () => page.goto(handle.server.url, { waitUntil: 'load' }));
    const skip = page.getByRole('button', { name: 'Skip the example' });
    if (await skip.isVisible().catch(() => false)) await skip.click();
    await step(page, 'the Datasets tab', problems, () => page.getByRole('tab', { name: 'Datasets', exact: true }).click());
    await step(page, `the dataset '${dataset.name}' in the list`, problems, () => page.getByRole('button', { name: new RegExp(`^${dataset.name}\\b`) }).first().click());
    await step(page, `the Datasets scatter with ${ROWS} points`, problems, () =>
      page.waitForFunction((n) => window.__workbench?.scatters.dataset?.count() === n, ROWS, { timeout: 120_000 }),
    );
    await step(page, "the Datasets scatter's first frame", problems, () =>
      page.waitForFunction(() => performance.getEntriesByName('scatter:dataset:draw-frame').length > 0),
    );
    const openMs = Date.now() - opened;

    const measures = (prefix: string) =>
      page.evaluate((p) => performance.getEntriesByType('measure').filter((m) => m.name.startsWith(p)).map((m) => ({ name: m.name, duration: m.duration })), prefix);
    const durations = async (name: string) => (await measures(name)).filter((m) => m.name === name).map((m) => m.duration);

    // Redraws of the Datasets scatter: zoom in and out a few times (each redraws every point).
    const zoomIn = page.getByRole('button', { name: 'Zoom in' }).first();
    const zoomOut = page.getByRole('button', { name: 'Zoom out' }).first();
    for (let k = 0; k < 4; k++) {
      await (k % 2 === 0 ? zoomIn : zoomOut).click();
      await page.waitForFunction((count) => performance.getEntriesByName('scatter:dataset:draw-frame').length >= count, k + 2);
    }
    const datasetDraw = await durations('scatter:dataset:draw');
    const datasetFrame = await durations('scatter:dataset:draw-frame');
    // A click on the Datasets scatter: the hit test (it has no pick action).
    const datasetHits: number[] = [];
    for (let k = 0; k < CLICKS; k++) {
      const point = await page.evaluate((i) => window.__workbench!.scatters.dataset!.pointToClient(i), (k * 7919) % ROWS);
      if (!point) continue;
      await page.mouse.click(point.x, point.y);
    }
    datasetHits.push(...(await durations('scatter:dataset:hit')));
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-scatter-datasets.png') });

    await step(page, 'the Label tab', problems, () => page.getByRole('tab', { name: 'Label', exact: true }).click());
    await step(page, `the Label scatter with ${ROWS} points`, problems, () =>
      page.waitForFunction((n) => window.__workbench?.scatters.label?.count() === n, ROWS, { timeout: 120_000 }),
    );
    await step(page, "the Label scatter's first frame", problems, () =>
      page.waitForFunction(() => performance.getEntriesByName('scatter:label:draw-frame').length > 0),
    );
    for (let k = 0; k < CLICKS; k++) {
      const row = (k * 104729 + 17) % ROWS;
      const point = await page.evaluate((i) => window.__workbench!.scatters.label!.pointToClient(i), row);
      if (!point) continue;
      await page.mouse.click(point.x, point.y);
      await page.waitForFunction((count) => performance.getEntriesByName('scatter:label:pick-frame').length >= count, k + 1, { timeout: 10_000 }).catch(() => undefined);
    }
    await page.screenshot({ path: join(SCREENSHOTS, 'ui-scatter-label.png') });
    const labelDraw = await durations('scatter:label:draw');
    const labelFrame = await durations('scatter:label:draw-frame');
    const labelHit = await durations('scatter:label:hit');
    const labelPick = await durations('scatter:label:pick');
    const labelPickFrame = await durations('scatter:label:pick-frame');

    console.log(`${ROWS} points (${FASHION ? 'Fashion-MNIST train, 28×28' : 'synthetic 4×4'} ubyte IDX images, 10 classes); Chromium ${browser.version()} headless, --disable-gpu`);
    console.log(`IDX upload + import: ${importMs} ms; page load to the dataset's scatter on screen (data transfer, z-score, PCA, first draw): ${openMs} ms`);
    console.log('');
    console.log('| scatter  | measure     | n  | median    | max       | target   |');
    console.log('|----------|-------------|----|-----------|-----------|----------|');
    const row = (scatter: string, name: string, values: number[], target: string) =>
      console.log(`| ${scatter.padEnd(8)} | ${name.padEnd(11)} | ${String(values.length).padEnd(2)} | ${ms(median(values)).padStart(9)} | ${ms(Math.max(...values)).padStart(9)} | ${target.padEnd(8)} |`);
    row('Datasets', 'draw', datasetDraw, '< 500 ms');
    row('Datasets', 'draw-frame', datasetFrame, '< 500 ms');
    row('Datasets', 'hit', datasetHits, '< 50 ms');
    row('Label', 'draw', labelDraw, '< 500 ms');
    row('Label', 'draw-frame', labelFrame, '< 500 ms');
    row('Label', 'hit', labelHit, '< 50 ms');
    row('Label', 'pick', labelPick, '< 50 ms');
    row('Label', 'pick-frame', labelPickFrame, '< 50 ms');
    if (problems.length) console.log(`page errors: ${problems.join('; ')}`);
    console.log(`screenshots: ${join('test-output', 'screenshots', 'ui-scatter-datasets.png')}, ui-scatter-label.png`);
  } finally {
    await browser.close();
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
