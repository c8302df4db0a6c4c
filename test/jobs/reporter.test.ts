import { describe, expect, it } from 'vitest';
import { JobCancelledError } from '../../shared/errors.ts';
import { createReporter } from '../../src-main/jobs/reporter.ts';
import type { WorkerProgress } from '../../src-main/jobs/types.ts';

function fakeClock() {
  let t = 1000;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createReporter', () => {
  it('sends at most one iteration message per 100 ms (10/s), with iteration, objective and elapsed time', () => {
    const clock = fakeClock();
    const sent: WorkerProgress[] = [];
    const r = createReporter({ post: (p) => sent.push(p), cancelFlag: null, now: clock.now });
    r.phase('started');
    r.phase('fit');
    for (let i = 1; i <= 1000; i++) {
      clock.advance(1);
      r.hooks.onIteration({ iteration: i, objective: 1 / i, elapsedMs: i });
    }
    // 'started' is always sent; 'fit' is throttled away (0 ms later); then one per 100 ms over 1000 ms.
    const iterations = sent.filter((p) => p.iteration !== undefined);
    expect(sent[0]!.phase).toBe('started');
    expect(iterations.length).toBe(10);
    expect(iterations.map((p) => p.iteration)).toEqual([100, 200, 300, 400, 500, 600, 700, 800, 900, 1000]);
    expect(iterations[0]).toMatchObject({ phase: 'fit', objective: 1 / 100, elapsedMs: 100 });
  });

  it('always sends the done phase, and computes fraction and a linear ETA from units', () => {
    const clock = fakeClock();
    const sent: WorkerProgress[] = [];
    const r = createReporter({ post: (p) => sent.push(p), cancelFlag: null, now: clock.now });
    clock.advance(300);
    r.units(3, 10);
    r.phase('evaluate', { fold: 4, folds: 10 });
    expect(sent.at(-1)).toMatchObject({ phase: 'evaluate', fold: 4, folds: 10, fraction: 0.3, etaMs: 700, elapsedMs: 300 });
    r.units(10, 10);
    r.phase('done');
    expect(sent.at(-1)).toMatchObject({ phase: 'done', fraction: 1, etaMs: 0 });
  });

  it('has no ETA before the first unit is done, and a non-finite objective becomes null', () => {
    const clock = fakeClock();
    const sent: WorkerProgress[] = [];
    const r = createReporter({ post: (p) => sent.push(p), cancelFlag: null, now: clock.now });
    r.units(0, 5);
    r.phase('started');
    expect(sent.at(-1)!.etaMs).toBeNull();
    clock.advance(500);
    r.hooks.onIteration({ iteration: 1, objective: Number.NaN, elapsedMs: 0 });
    expect(sent.at(-1)!.objective).toBeNull();
  });

  it('reads the shared cancel flag in shouldStop() and throwIfStopped()', () => {
    const flag = new Int32Array(new SharedArrayBuffer(4));
    const r = createReporter({ post: () => {}, cancelFlag: flag });
    expect(r.hooks.shouldStop()).toBe(false);
    expect(() => r.throwIfStopped()).not.toThrow();
    Atomics.store(flag, 0, 1);
    expect(r.hooks.shouldStop()).toBe(true);
    expect(() => r.throwIfStopped()).toThrow(JobCancelledError);
  });
});
