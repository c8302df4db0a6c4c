/**
 * Screenshots of Compare's "Pairs or comparisons" chart for the pairs-vs-comparisons sweeps already stored in a
 * database (made with `workbench sweep --answers … --pairs-method … --comparisons-method …`), one per dataset:
 *
 *   node --import tsx bench/screenshots-pairs-vs-comparisons.ts --db FILE OUT_DIR [--prefix sweep] DATASET…
 *
 * The database is copied first (the app never writes the original), served in the browser mode with the test
 * build of the renderer (test/e2e's), and driven by Debian's Chromium: each DATASET is opened, Compare shows its
 * runs, and the chart's panel is written to OUT_DIR/PREFIX-DATASET.png (the axis from 0 %, the default) and
 * PREFIX-DATASET-zoomed.png (zoomed to the differences), with the figures of its table printed.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../test/e2e/harness.ts';
import { E2E_RENDERER_DIR, ensureRendererBuilt, serve } from '../src-main/server/main.ts';

const args = process.argv.slice(2);
const valueOf = (flag: string): string | undefined => {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
};
const db = valueOf('--db');
const prefix = valueOf('--prefix') ?? 'sweep';
const positional = args.filter((a, k) => !a.startsWith('--') && !['--db', '--prefix'].includes(args[k - 1] ?? ''));
if (!db || positional.length < 2) {
  console.error('Usage: node --import tsx bench/screenshots-pairs-vs-comparisons.ts --db FILE OUT_DIR [--prefix sweep] DATASET…');
  process.exit(2);
}
const [outDir, ...datasets] = positional as [string, ...string[]];
const OUT = resolve(outDir);
mkdirSync(OUT, { recursive: true });

ensureRendererBuilt(E2E_RENDERER_DIR, (line) => console.info(line));
const dir = mkdtempSync(join(tmpdir(), 'wb-shots-'));
const dbPath = join(dir, 'workbench.sqlite');
copyFileSync(resolve(db), dbPath);
for (const suffix of ['-wal', '-shm']) if (existsSync(resolve(db) + suffix)) copyFileSync(resolve(db) + suffix, dbPath + suffix);
const token = randomBytes(18).toString('base64url');
const handle = await serve({ port: 0, host: '127.0.0.1', dbPath, token, rendererDir: E2E_RENDERER_DIR, concurrency: 1 });
const context = await chromium.launchPersistentContext(join(dir, 'profile'), {
  executablePath: CHROMIUM_PATH,
  headless: true,
  args: CHROMIUM_ARGS,
  viewport: { width: 1400, height: 900 },
  colorScheme: 'light',
});
try {
  const page = context.pages()[0] ?? (await context.newPage());
  await page.goto(handle.server.url, { waitUntil: 'load' });
  for (const name of datasets) {
    await page.getByRole('tab', { name: 'Datasets', exact: true }).click();
    await page.locator('button.name', { hasText: name }).first().click();
    await page.getByRole('heading', { name, exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Compare', exact: true }).click();
    const panel = page.getByTestId('answers-sweep');
    await panel.waitFor({ timeout: 60_000 });
    // Let chart.js finish its animation before the picture is taken.
    await page.waitForTimeout(1500);
    const path = join(OUT, `${prefix}-${name}.png`);
    await panel.screenshot({ path });
    console.info(`${name}: ${path}`);
    for (const table of await panel.getByTestId('answers-table').all()) console.info((await table.innerText()).replace(/\t/g, ' | '));
    // The same chart zoomed to the differences (the user's choice; the note under it says where the axis starts).
    await panel.getByLabel('Zoom to the differences').check();
    await page.waitForTimeout(1500);
    await panel.screenshot({ path: join(OUT, `${prefix}-${name}-zoomed.png`) });
    console.info(`${name} zoomed: ${await panel.getByTestId('answers-axis').textContent()}`);
  }
} finally {
  await context.close();
  await handle.close();
  rmSync(dir, { recursive: true, force: true });
}
