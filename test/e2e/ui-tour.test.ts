import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// window.__workbench (the UI's test hooks) is declared there.
import type {} from '../../src-renderer/src/lib/app/test-hooks.ts';
import { startApp, type AppHarness } from './harness.ts';

/**
 * The guided example on the apples sample, driven only through the tour's own buttons and clicks on the
 * scatter: Euclidean kNN confuses the varieties; a handful of labeled pairs; mmc-diagonal learned from
 * them weights colour far above size and weight, and kNN accuracy jumps.
 */
let app: AppHarness;

beforeAll(async () => {
  app = await startApp();
});

afterAll(async () => {
  await app?.close();
});

describe('guided example (apples)', () => {
  it('walks from an empty app to a learned diagonal metric that weights colour', async () => {
    const page = app.page;
    const tour = page.getByRole('dialog');
    await tour.getByRole('button', { name: 'Add the apples sample' }).click();
    await page.getByRole('heading', { name: /^apples/i, level: 2 }).waitFor();
    await tour.getByRole('button', { name: 'Next' }).click();
    await tour.getByRole('button', { name: 'Open Label' }).click();
    await page.waitForFunction(() => (window.__workbench?.scatters.label?.count() ?? 0) > 0);

    // Label pairs as a researcher would: same variety → M, different → C (the varieties are the classes).
    const datasets = (await app.call('datasets.list')) as { datasets: { id: number; name: string }[] };
    const apples = datasets.datasets.find((d) => /apple/i.test(d.name))!;
    const { labels } = (await app.call('datasets.data', { id: apples.id })) as { labels: number[] };
    const byClass = (c: number) => labels.flatMap((l, i) => (l === c ? [i] : []));
    const [a, b, c] = [byClass(0), byClass(1), byClass(2)];
    const pairs: [number, number][] = [
      [a[0]!, a[1]!], [b[0]!, b[1]!], [c[0]!, c[1]!], [a[2]!, a[3]!], [b[2]!, b[3]!], [c[2]!, c[3]!],
      [a[0]!, b[0]!], [b[1]!, c[1]!], [c[2]!, a[2]!], [a[4]!, b[4]!], [b[5]!, c[5]!], [c[6]!, a[6]!],
    ];
    for (const [i, j] of pairs) {
      for (const row of [i, j]) {
        const p = await page.evaluate((r) => window.__workbench!.scatters.label!.pointToClient(r), row);
        await page.mouse.click(p!.x, p!.y);
      }
      await page.getByRole('button', { name: 'Must-link (M)' }).waitFor();
      await page.keyboard.press(labels[i] === labels[j] ? 'm' : 'c');
    }
    await page.waitForFunction(() => (window.__workbench!.state.constraints!() as unknown[]).length === 12);
    await tour.getByText('✓ Done.').waitFor();
    await tour.getByRole('button', { name: 'Next' }).click();
    await tour.getByRole('button', { name: 'Run euclidean vs mmc-diagonal' }).click();
    await page.waitForFunction(
      () => {
        const jobs = window.__workbench!.state.jobs!() as { status: string }[];
        return jobs.length === 3 && jobs.every((j) => !['queued', 'running'].includes(j.status));
      },
      undefined,
      { timeout: 150_000 },
    );
    await tour.getByRole('button', { name: 'Next' }).click();
    await tour.getByRole('button', { name: 'Open Compare' }).click();
    await page.waitForFunction(() => /mmc-diagonal/.test(document.querySelector('[data-testid="accuracy-values"]')?.textContent ?? ''));
    await page.getByTestId('feature-weights').waitFor({ state: 'attached' });

    await app.screenshot('ui-tour-compare');
    const accuracy = Object.fromEntries(
      ((await page.getByTestId('accuracy-values').textContent()) ?? '').split(', ').map((s) => {
        const [method, value] = s.split(' ');
        return [method!, Number.parseFloat(value!)];
      }),
    );
    expect(accuracy['mmc-diagonal']).toBeGreaterThan(accuracy['euclidean']! + 15);
    const weights = Object.fromEntries(
      ((await page.getByTestId('feature-weights').textContent()) ?? '').split(', ').map((s) => {
        const [name, value] = s.split(': ');
        return [name!, Number(value)];
      }),
    );
    // The apples sample calls its colour feature "redness"; on z-scored features the weights compare directly.
    const redness = weights['redness']!;
    expect(redness).toBe(Math.max(...Object.values(weights)));
    expect(redness).toBeGreaterThan(2 * weights['size_mm']!);
    expect(redness).toBeGreaterThan(2 * weights['weight_g']!);
    await tour.getByRole('button', { name: 'Finish' }).click();
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(app.problems()).toEqual([]);
  });
});
