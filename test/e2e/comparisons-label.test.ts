import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { startApp, type AppHarness } from './harness.ts';

/**
 * Labeling by comparison in real headless Chromium: five comparisons answered, two by clicking an anchor and two
 * candidates, three from suggested queries with the keys; kept across a reload (mode and list); SCML learned from
 * them in Experiments; the run in Compare.
 */
let app: AppHarness;

beforeAll(async () => {
  app = await startApp({ seed: async (call) => void (await call('samples.add', { name: 'iris' })) });
});

afterEach(() => {
  expect(app.problems()).toEqual([]);
});

afterAll(async () => {
  await app?.close();
});

const stored = () => app.page.evaluate(() => window.__workbench!.state.comparisons!() as number[][]);
const pendingQuery = () => app.page.evaluate(() => window.__workbench!.state.comparisonPending!() as number[]);
const client = (i: number) => app.page.evaluate((row) => window.__workbench!.scatters.label!.pointToClient(row), i);

describe('Labeling relative comparisons', () => {
  it('labels five comparisons by clicking and by keys, keeps them across a reload, and learns SCML from them', async () => {
    const page = app.page;
    await page.getByRole('heading', { name: 'iris', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Label' }).click();
    await page.getByRole('radio', { name: 'Comparisons' }).check();
    await page.getByRole('heading', { name: 'Label comparisons' }).waitFor();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) === 150);

    // Two by clicking three points (the anchor, then the two candidates): rows of setosa, versicolor, virginica.
    const answers: number[][] = [];
    for (const [rows, key] of [[[0, 10, 60], '1'], [[55, 130, 65], 'ArrowRight']] as const) {
      for (const r of rows) {
        const p = (await client(r))!;
        await page.mouse.click(p.x, p.y);
      }
      await page.getByRole('button', { name: '1 is closer (1 / ←)' }).waitFor();
      const [a, first, second] = await pendingQuery();
      expect(new Set([a, first, second]).size).toBe(3);
      await page.keyboard.press(key);
      answers.push(key === '1' ? [a!, first!, second!] : [a!, second!, first!]);
      await page.waitForFunction((n) => (window.__workbench!.state.comparisons!() as unknown[]).length === n, answers.length);
    }
    // Three suggested queries, answered with the keys.
    for (const key of ['2', 'ArrowLeft', '1']) {
      await page.keyboard.press('n');
      await page.getByTestId('comparison-reason').waitFor();
      expect(await page.getByTestId('comparison-reason').textContent()).toMatch(/^Suggested: least sure under the Euclidean metric \(z-scored features\): row \d+ is /);
      const [a, first, second] = await pendingQuery();
      await page.keyboard.press(key);
      answers.push(key === '2' ? [a!, second!, first!] : [a!, first!, second!]);
      await page.waitForFunction((n) => (window.__workbench!.state.comparisons!() as unknown[]).length === n, answers.length);
    }
    expect(await stored()).toEqual(answers);
    const listed = (await app.call('comparisons.list', { datasetId: 1 })) as { comparisons: { anchor: number; closer: number; farther: number; origin: string }[] };
    expect(listed.comparisons.map((c) => [c.anchor, c.closer, c.farther])).toEqual(answers);
    expect(listed.comparisons.every((c) => c.origin === 'manual')).toBe(true);

    await page.reload();
    await page.getByRole('tab', { name: 'Label', selected: true }).waitFor();
    await page.getByRole('heading', { name: 'Label comparisons' }).waitFor();
    expect(await page.getByRole('radio', { name: 'Comparisons' }).isChecked()).toBe(true);
    await page.getByTestId('comparison-counts').filter({ hasText: '5 comparisons: 5 manual' }).waitFor();
    const items = page.getByRole('list', { name: 'Answered comparisons, newest first' }).getByRole('listitem');
    expect(await items.count()).toBe(5);
    const [a, b, c] = answers[4]!;
    expect(await items.first().textContent()).toContain(`${a}: ${b} ‹ ${c}`);

    await page.getByRole('tab', { name: 'Experiments' }).click();
    await page.getByRole('radio', { name: 'Learn one metric on all rows' }).check();
    const ticked = page.getByRole('group', { name: 'Methods' }).getByRole('checkbox', { checked: true });
    while ((await ticked.count()) > 0) await ticked.first().uncheck();
    await page.getByRole('checkbox', { name: /^scml / }).check();
    await page.getByRole('radio', { name: 'my labels (0 pairs, 5 comparisons)' }).check();
    await page.getByRole('button', { name: 'Start', exact: true }).click();
    await page.waitForFunction(
      () => {
        const jobs = window.__workbench!.state.jobs!() as { status: string }[];
        return jobs.length === 1 && !['queued', 'running'].includes(jobs[0]!.status);
      },
      undefined,
      { timeout: 120_000 },
    );
    expect(((await page.evaluate(() => window.__workbench!.state.jobs!())) as { status: string }[])[0]!.status).toBe('succeeded');

    await page.getByRole('tab', { name: 'Compare' }).click();
    const learned = page.locator('li', { hasText: /#\d+ scml 4×4/ });
    await learned.first().waitFor();
    expect(await learned.first().textContent()).toContain('triplets: labeled (5)');
  }, 180_000);
});
