import { describe, expect, it } from 'vitest';
import { inverseSpd } from '../../../shared/math/decompositions/cholesky.ts';
import { graphicalLasso, graphicalLassoObjective } from '../../../shared/math/optimisation/graphical-lasso.ts';

/**
 * S = the population covariance of the bundled iris sample z-scored, + 0.1·I; golden precision from scikit-learn
 * 1.2.1: `graphical_lasso(S, alpha=0.05, tol=1e-10, max_iter=1000, enet_tol=1e-12)` (PYTHONPATH=/tmp/metric-learn
 * /usr/bin/python3), row-major.
 */
const S = Float64Array.from([1.0999999999999996, -0.11756978413300206, 0.8717537758865833, 0.8179411262715761, -0.11756978413300206, 1.0999999999999988, -0.42844010433054, -0.36612593253643927, 0.8717537758865833, -0.42844010433054, 1.1000000000000003, 0.9628654314027959, 0.8179411262715761, -0.36612593253643927, 0.9628654314027959, 1.1]);
const SKLEARN_PRECISION = [2.21865327575441, -0.2646087037129723, -1.2848186050713952, -0.5587075258315191, -0.2646087037129723, 1.0627094012124696, 0.5028227082197976, 0.07285857996894575, -1.2848186050713952, 0.5028227082197976, 3.7828325315158624, -2.0978151878514093, -0.5587075258315191, 0.07285857996894575, -2.0978151878514093, 3.0610090360370386];

describe('graphicalLasso', () => {
  it("matches scikit-learn's graphical_lasso and meets its optimality conditions", () => {
    const lambda = 0.05;
    const result = graphicalLasso(S, 4, lambda, { tol: 1e-12, maxIter: 1000, lassoTol: 1e-12 });
    expect(result.converged).toBe(true);
    for (let i = 0; i < 16; i++) expect(Math.abs(result.precision[i]! - SKLEARN_PRECISION[i]!)).toBeLessThan(1e-6);
    // KKT: W = Θ⁻¹ has W_ii = S_ii and |W_ij − S_ij| ≤ λ, with equality and the sign of Θ_ij where Θ_ij ≠ 0.
    const W = inverseSpd(result.precision, 4);
    for (let i = 0; i < 4; i++) {
      for (let j = 0; j < 4; j++) {
        const gap = W[i * 4 + j]! - S[i * 4 + j]!;
        if (i === j) expect(Math.abs(gap)).toBeLessThan(1e-8);
        else if (result.precision[i * 4 + j] !== 0) expect(gap).toBeCloseTo(lambda * Math.sign(result.precision[i * 4 + j]!), 8);
        else expect(Math.abs(gap)).toBeLessThanOrEqual(lambda + 1e-8);
      }
    }
    // The objective is no higher than at the plain inverse (λ = 0's answer) or at a perturbed solution.
    const g = graphicalLassoObjective(S, result.precision, 4, lambda);
    expect(g).toBeLessThanOrEqual(graphicalLassoObjective(S, inverseSpd(S, 4), 4, lambda));
    const nudged = result.precision.slice();
    nudged[1]! += 1e-3;
    nudged[4]! += 1e-3;
    expect(g).toBeLessThan(graphicalLassoObjective(S, nudged, 4, lambda));
  });

  it('with λ = 0 returns the inverse of S, and a large λ a diagonal precision', () => {
    const plain = graphicalLasso(S, 4, 0, { tol: 1e-12, maxIter: 1000, lassoTol: 1e-14 });
    const inverse = inverseSpd(S, 4);
    for (let i = 0; i < 16; i++) expect(plain.precision[i]).toBeCloseTo(inverse[i]!, 6);
    const sparse = graphicalLasso(S, 4, 10);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) if (i !== j) expect(Math.abs(sparse.precision[i * 4 + j]!)).toBe(0);
  });
});
