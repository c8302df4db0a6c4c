/**
 * One thread budget for everything: a local grid submits its cells to the app's runner, whose jobs and their fold
 * helpers all hold tokens of one ThreadBudget. The counts are the pool's own (tokens held, the most ever held at
 * once, helper tasks started), not timings.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { startLocalGrid } from '../../src-main/grid/local.ts';
import { ThreadBudget } from '../../src-main/jobs/pool.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { createRunsService } from '../../src-main/services/runs.ts';
import { addDataset, tempStore } from '../jobs/helpers.ts';

describe('thread budget', () => {
  let runner: JobRunner | undefined;
  let t: ReturnType<typeof tempStore> | undefined;
  afterEach(async () => {
    await runner?.close();
    t?.cleanup();
  });

  it('a grid of 8 cells with 2-worker evaluations on a 2-core budget never holds more than 2 threads', async () => {
    t = tempStore();
    const iris = addDataset(t.store, 'iris');
    const budget = new ThreadBudget(2);
    // More jobs at once than the budget has threads, and 2 fold threads per evaluation: unbounded, that would be
    // 4 job threads plus their helpers.
    runner = createJobRunner({ persistence: createRunsService(t.store), concurrency: 4, workers: 2, budget });
    const grid = startLocalGrid(t.store, { datasets: [iris], methods: ['euclidean', 'lda'], seeds: [0, 1, 2, 3] }, { runner });
    expect(grid.cells).toHaveLength(8);
    const seen: number[] = [];
    const off = runner.subscribe(() => seen.push(budget.stats().busy));
    const end = await grid.done;
    off();
    expect(end.status).toEqual(Array(8).fill('succeeded'));
    const stats = budget.stats();
    expect(stats.peak).toBe(2); // both threads were used …
    expect(Math.max(...seen)).toBeLessThanOrEqual(2); // … and never more, at any event of the 16 jobs
    expect(stats.helperTasks).toBeGreaterThanOrEqual(8 * 5); // every evaluation's 5 folds ran as helper tasks
    // Every token comes back once the workers have released their jobs (a loaded machine may take a while).
    await vi.waitFor(() => expect(budget.stats().busy).toBe(0), { timeout: 15_000, interval: 20 });
  });
});
