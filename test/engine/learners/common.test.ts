import { describe, expect, it } from 'vitest';
import { refreshingLbfgs, type RefreshingObjective } from '../../../shared/engine/learners/common.ts';
import { LbfgsState, type ObjectiveWithGradient } from '../../../shared/math/optimisation/lbfgs.ts';

/** f(x) = ½·Σ w_i (x_i − c_i)², a quadratic whose centre c a "refresh" can move (as a re-selection changes NCA/LMNN). */
function movingQuadratic(weights: number[]) {
  const centre = new Float64Array(weights.length);
  const f: ObjectiveWithGradient = (x, g) => {
    let v = 0;
    for (let i = 0; i < x.length; i++) {
      const r = x[i]! - centre[i]!;
      g[i] = weights[i]! * r;
      v += 0.5 * weights[i]! * r * r;
    }
    return v;
  };
  return { f, centre };
}

describe('refreshingLbfgs (the driver NCA and LMNN share)', () => {
  it('stops on the tolerance at a minimum, calling onIteration with the reported value after every iteration', () => {
    const { f } = movingQuadratic([1, 10, 100]);
    const state = new LbfgsState(f, Float64Array.of(3, -2, 1));
    const trace: number[] = [];
    const reported: number[] = [];
    const problem: RefreshingObjective = { due: () => false, refresh: () => false };
    const r = refreshingLbfgs(state, problem, {
      maxIter: 100,
      tol: 1e-10,
      hooks: { onIteration: (p) => reported.push(p.objective) },
      trace,
      report: (v) => -v,
      startMs: 0,
    });
    expect(r.stopReason).toBe('tolerance');
    expect(r.iterations).toBe(trace.length);
    expect(reported).toEqual(trace);
    expect(trace[trace.length - 1]!).toBe(-state.value);
    for (const v of state.x) expect(Math.abs(v)).toBeLessThan(1e-4);
  });

  it('does not accept convergence when the re-selection moved the function, and keeps going on the new one', () => {
    const { f, centre } = movingQuadratic([1, 1]);
    const state = new LbfgsState(f, Float64Array.of(1, 1));
    let refreshes = 0;
    const problem: RefreshingObjective = {
      due: () => false,
      refresh: () => {
        refreshes++;
        if (refreshes > 1) return false;
        centre[0] = 5; // the first re-selection finds that the minimum is elsewhere
        state.setObjective(f);
        return true;
      },
    };
    const r = refreshingLbfgs(state, problem, { maxIter: 100, tol: 1e-8, hooks: {}, trace: [], report: (v) => v, startMs: 0 });
    expect(r.stopReason).toBe('tolerance');
    expect(refreshes).toBeGreaterThanOrEqual(2);
    expect(state.x[0]!).toBeCloseTo(5, 4);
  });

  it('reports maxIter when the budget ends first, and when the caller stops it', () => {
    const { f } = movingQuadratic([1, 1e4]);
    const problem: RefreshingObjective = { due: () => false, refresh: () => false };
    const budget = refreshingLbfgs(new LbfgsState(f, Float64Array.of(1, 1)), problem, { maxIter: 1, tol: 0, hooks: {}, trace: [], report: (v) => v, startMs: 0 });
    expect(budget).toEqual({ iterations: 1, stopReason: 'maxIter' });
    const stopped = refreshingLbfgs(new LbfgsState(f, Float64Array.of(1, 1)), problem, {
      maxIter: 100,
      tol: 0,
      hooks: { shouldStop: () => true },
      trace: [],
      report: (v) => v,
      startMs: 0,
    });
    expect(stopped).toEqual({ iterations: 0, stopReason: 'maxIter' });
  });

  it("reports 'stalled' when no step can decrease the function before the tolerance is met", () => {
    // A kink at 0 (|x|) with a gradient that never vanishes: past the first steps no decrease is found.
    const kink: ObjectiveWithGradient = (x, g) => {
      g[0] = x[0]! >= 0 ? 1 : -1;
      return Math.abs(x[0]!);
    };
    const problem: RefreshingObjective = { due: () => false, refresh: () => false };
    const r = refreshingLbfgs(new LbfgsState(kink, Float64Array.of(0.3)), problem, { maxIter: 200, tol: 0, hooks: {}, trace: [], report: (v) => v, startMs: 0 });
    expect(r.stopReason).toBe('stalled');
    expect(r.iterations).toBeLessThan(200);
  });
});
