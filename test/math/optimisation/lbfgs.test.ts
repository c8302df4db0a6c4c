import { describe, expect, it } from 'vitest';
import { LbfgsState, maxAbs, relativeReduction, type ObjectiveWithGradient } from '../../../shared/math/optimisation/lbfgs.ts';

/** Rosenbrock in n dimensions: Σ 100(x_{i+1} − x_i²)² + (1 − x_i)², minimum 0 at (1, …, 1). */
const rosenbrock: ObjectiveWithGradient = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i]! += -400 * a * x[i]! - 2 * b;
    g[i + 1]! += 200 * a;
  }
  return f;
};

/** f = ½ xᵀAx − bᵀx with A = tridiag(−1, 4, −1): minimizer solves Ax = b. */
function quadratic(n: number, b: Float64Array): ObjectiveWithGradient {
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < n; i++) {
      const ax = 4 * x[i]! - (i > 0 ? x[i - 1]! : 0) - (i + 1 < n ? x[i + 1]! : 0);
      g[i] = ax - b[i]!;
      f += 0.5 * x[i]! * ax - b[i]! * x[i]!;
    }
    return f;
  };
}

/**
 * Steps `state` until max |∇f| ≤ gtol, a failed line search or `maxIterations` accepted steps; returns the steps taken
 * and whether the gradient rule was met (the learners' drivers in engine/learners/common.ts stop on the same rules).
 */
function stepUntil(state: LbfgsState, maxIterations: number, gtol: number): { iterations: number; gtolMet: boolean } {
  let iterations = 0;
  while (iterations < maxIterations && maxAbs(state.gradient) > gtol) {
    if (state.step().status === 'failed') break;
    iterations++;
  }
  return { iterations, gtolMet: maxAbs(state.gradient) <= gtol };
}

describe('LbfgsState', () => {
  it('finds the minimum of the 2-D Rosenbrock function from (−1.2, 1)', () => {
    const state = new LbfgsState(rosenbrock, Float64Array.of(-1.2, 1));
    const r = stepUntil(state, 200, 1e-8);
    expect(state.x[0]).toBeCloseTo(1, 5);
    expect(state.x[1]).toBeCloseTo(1, 5);
    expect(state.value).toBeLessThan(1e-10);
    expect(r.iterations).toBeLessThan(60);
  });

  it('finds the minimum of a 10-D Rosenbrock function', () => {
    const state = new LbfgsState(rosenbrock, new Float64Array(10));
    expect(stepUntil(state, 500, 1e-7).gtolMet).toBe(true);
    for (const v of state.x) expect(v).toBeCloseTo(1, 4);
  });

  it('solves a well-conditioned quadratic: the gradient Ax − b vanishes', () => {
    const n = 30;
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const f = quadratic(n, b);
    const state = new LbfgsState(f, new Float64Array(n));
    expect(stepUntil(state, 100, 1e-7).gtolMet).toBe(true);
    const g = new Float64Array(n);
    f(state.x, g);
    expect(maxAbs(g)).toBeLessThanOrEqual(1e-7);
  });

  it('accepts only steps that satisfy the sufficient-decrease condition', () => {
    // Record every evaluation; each accepted iterate must lie below f0 + c1·α·slope, so values fall.
    const state = new LbfgsState(rosenbrock, Float64Array.of(-1.2, 1));
    let last = state.value;
    for (let i = 0; i < 20; i++) {
      const step = state.step();
      expect(step.status).toBe('ok');
      expect(step.value).toBeLessThan(last);
      expect(step.previousValue).toBe(last);
      last = step.value;
    }
  });

  it('reports failure at an exact minimum, where no descent direction exists', () => {
    const state = new LbfgsState(rosenbrock, Float64Array.of(1, 1));
    expect(state.value).toBe(0);
    expect(state.step().status).toBe('failed');
    expect(Array.from(state.x)).toEqual([1, 1]);
  });

  it('setObjective switches function at the current point and keeps or drops the memory', () => {
    const n = 5;
    const b1 = Float64Array.from({ length: n }, () => 1);
    const b2 = Float64Array.from({ length: n }, () => 2);
    const state = new LbfgsState(quadratic(n, b1), new Float64Array(n));
    state.step();
    state.step();
    expect(state.pairs).toBe(2);
    state.setObjective(quadratic(n, b2));
    expect(state.pairs).toBe(2);
    const g = new Float64Array(n);
    expect(state.value).toBe(quadratic(n, b2)(state.x, g));
    expect(Array.from(state.gradient)).toEqual(Array.from(g));
    state.setObjective(quadratic(n, b1), false);
    expect(state.pairs).toBe(0);
  });

  it('is deterministic: the same start gives bitwise-identical iterates', () => {
    const a = new LbfgsState(rosenbrock, Float64Array.of(-1.2, 1));
    const b = new LbfgsState(rosenbrock, Float64Array.of(-1.2, 1));
    stepUntil(a, 25, 0);
    stepUntil(b, 25, 0);
    expect(Array.from(a.x)).toEqual(Array.from(b.x));
  });

  it('rejects invalid line-search constants with a message naming them', () => {
    expect(() => new LbfgsState(rosenbrock, Float64Array.of(0, 0), { c1: 0.5, c2: 0.1 })).toThrow(
      'lbfgs: need 0 < c1 < c2 < 1, got c1 = 0.5, c2 = 0.1.',
    );
  });
});

describe('relativeReduction', () => {
  it('is scipy’s (f_k − f_{k+1}) / max(|f_k|, |f_{k+1}|, 1)', () => {
    expect(relativeReduction(-100, -101)).toBeCloseTo(1 / 101, 15);
    expect(relativeReduction(0.5, 0.25)).toBe(0.25);
  });
});

describe('LbfgsState maxStepRatio (the bounded line search)', () => {
  // f(x) = −x₀ + 10⁻⁹·x₀²: steep and nearly linear far out, so an unbounded search keeps extrapolating (×2…×4).
  const nearlyLinear: ObjectiveWithGradient = (x, g) => {
    g.fill(0);
    g[0] = -1 + 2e-9 * x[0]!;
    return -x[0]! + 1e-9 * x[0]! * x[0]!;
  };
  const stepLength = (state: LbfgsState, before: Float64Array) => Math.hypot(...Array.from(state.x, (v, i) => v - before[i]!));

  it('keeps every step within maxStepRatio·max(‖x‖, 1) and still decreases f', () => {
    const x0 = Float64Array.of(3, 4); // ‖x‖ = 5
    const state = new LbfgsState(nearlyLinear, x0, { maxStepRatio: 1 });
    for (let it = 0; it < 5; it++) {
      const before = Float64Array.from(state.x);
      const norm = Math.hypot(...before);
      const step = state.step();
      expect(step.status).toBe('ok');
      expect(step.value).toBeLessThan(step.previousValue);
      expect(stepLength(state, before)).toBeLessThanOrEqual(Math.max(norm, 1) * (1 + 1e-12));
    }
  });

  it('without the bound the same search extrapolates far beyond it', () => {
    const x0 = Float64Array.of(3, 4);
    const state = new LbfgsState(nearlyLinear, x0);
    state.step();
    state.step();
    expect(stepLength(state, x0)).toBeGreaterThan(100);
  });

  it('rejects a non-positive bound', () => {
    expect(() => new LbfgsState(nearlyLinear, Float64Array.of(0), { maxStepRatio: 0 })).toThrow('lbfgs: maxStepRatio must be > 0, got 0.');
  });
});
