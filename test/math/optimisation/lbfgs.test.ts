import { describe, expect, it } from 'vitest';
import { LbfgsState, maxAbs, minimizeLbfgs, relativeReduction, type ObjectiveWithGradient } from '../../../shared/math/optimisation/lbfgs.ts';

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

describe('minimizeLbfgs', () => {
  it('finds the minimum of the 2-D Rosenbrock function from (−1.2, 1)', () => {
    const r = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 200, ftol: 0, gtol: 1e-8 });
    expect(r.converged).toBe(true);
    expect(r.x[0]).toBeCloseTo(1, 5);
    expect(r.x[1]).toBeCloseTo(1, 5);
    expect(r.value).toBeLessThan(1e-10);
    expect(r.iterations).toBeLessThan(60);
  });

  it('finds the minimum of a 10-D Rosenbrock function', () => {
    const r = minimizeLbfgs(rosenbrock, new Float64Array(10), { maxIterations: 500, ftol: 0, gtol: 1e-7 });
    expect(r.reason).toBe('gtol');
    for (const v of r.x) expect(v).toBeCloseTo(1, 4);
  });

  it('solves a well-conditioned quadratic: the gradient Ax − b vanishes', () => {
    const n = 30;
    const b = Float64Array.from({ length: n }, (_, i) => Math.sin(i + 1));
    const f = quadratic(n, b);
    const r = minimizeLbfgs(f, new Float64Array(n), { maxIterations: 100, ftol: 0, gtol: 1e-7 });
    const g = new Float64Array(n);
    f(r.x, g);
    expect(maxAbs(g)).toBeLessThanOrEqual(1e-7);
    expect(r.reason).toBe('gtol');
  });

  it('stops on the relative-reduction rule and reports it', () => {
    const r = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 200, ftol: 1e-2, gtol: 0 });
    expect(r.reason).toBe('ftol');
    expect(r.converged).toBe(true);
    expect(r.iterations).toBeLessThan(40);
  });

  it('stops at maxIterations with converged false', () => {
    const r = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 3, ftol: 0, gtol: 0 });
    expect(r.iterations).toBe(3);
    expect(r.converged).toBe(false);
    expect(r.reason).toBe('max-iterations');
  });

  it('calls onIteration once per iteration with a decreasing value, and stops when it returns true', () => {
    const values: number[] = [];
    const r = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), {
      maxIterations: 100,
      ftol: 0,
      gtol: 0,
      onIteration: (it, value) => {
        values.push(value);
        return it === 5;
      },
    });
    expect(values).toHaveLength(5);
    for (let i = 1; i < values.length; i++) expect(values[i]!).toBeLessThan(values[i - 1]!);
    expect(r.iterations).toBe(5);
    expect(r.reason).toBe('stopped');
    expect(r.converged).toBe(false);
  });

  it('returns the start point without evaluating further once shouldStop is true', () => {
    let evaluations = 0;
    const counted: ObjectiveWithGradient = (x, g) => {
      evaluations++;
      return rosenbrock(x, g);
    };
    const r = minimizeLbfgs(counted, Float64Array.of(-1.2, 1), { maxIterations: 100, shouldStop: () => true });
    expect(r.reason).toBe('stopped');
    expect(r.iterations).toBe(0);
    expect(evaluations).toBe(1);
    expect(Array.from(r.x)).toEqual([-1.2, 1]);
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
    const a = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 25 });
    const b = minimizeLbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIterations: 25 });
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

describe('LbfgsState maxStepRatio (the bounded line search of issue 12)', () => {
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
