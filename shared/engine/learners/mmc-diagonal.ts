/**
 * MMC with a diagonal metric (Xing, Ng, Jordan & Russell 2002, "Distance metric learning, with application to
 * clustering with side-information", §2.2), solved by Newton steps as in the paper.
 *
 * For a diagonal M = diag(a), a ≥ 0, the paper minimizes the convex function
 *
 *   g(a) = Σ_must ‖xᵢ − xⱼ‖²_a − log( Σ_cannot ‖xᵢ − xⱼ‖_a ),      ‖δ‖²_a = Σ_f a_f δ_f²,
 *
 * which keeps the must-link pairs close while the log barrier keeps the cannot-link pairs apart.
 *
 * The solver follows the paper and metric-learn 0.7.0 (`MMC(diagonal=True)`), whose results are the reference:
 * start from a = 1 (the identity), take the Newton direction Δ = (∇²g + εI)⁻¹∇g on all coordinates, clip the
 * trial points max(0, a − λΔ) to the non-negative orthant, and pick λ by halving from λ = 1 for as long as g keeps
 * falling. It stops when the relative change of g drops below `tol`, or when no point of the ray improves on the
 * current one (metric-learn would take that step anyway). Because the Newton direction is computed
 * for every coordinate, including those held at zero by the clipping, the procedure can stop before the exact
 * minimizer of g; its fixed point is what metric-learn reports (e.g. diag(0, 0, 1.2102, 1.2286) on raw iris
 * with every pair as a constraint), and this learner reproduces it. Its scale (Σ_must ‖δ‖²_a in the thousands
 * there, where the exact minimizer of g has Σ_must ‖δ‖²_a = ½) is therefore that of the Newton procedure.
 * (On that iris problem the exact minimizer is ≈ diag(0, 0, 3.7e-4, 0) with g ≈ −5.47, so the golden value is not
 * the convex optimum: a solver that finds the optimum would not reproduce metric-learn.)
 *
 * Cost per Newton step: O(cannot·d²) for the Hessian (a SIMD row-dot kernel, shared/math/wasm/rank-one-kernels.ts) and
 * O(cannot·d) per rebuild of the line search (see {@link createRayObjective}), O(cannot) per halving otherwise.
 */
import { ValidationError } from '../../errors.ts';
import { solveSymmetricPositive } from '../../math/decompositions/index.ts';
import { pairDifferences, squaredDifferences } from '../../math/dense/index.ts';
import { createRowDotKernel, type RowDotKernel } from '../../math/wasm/index.ts';
import { convergedFor, type StopReason } from '../../domain/learned-metric.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type ParamSpecs, type ParamValues, type TrainingData } from '../learner.ts';

/**
 * Floors inside the derivatives, as metric-learn 0.7.0 sets them: the first derivative divides by
 * max(dist, 1e-6), the second by max(dist³, 1e-6). Cannot-link pairs that are at distance 0 under the current
 * weights (they differ only in features whose weight is 0) hit these floors, and the reference fixed point
 * depends on them.
 */
const DISTANCE_FLOOR = 1e-6;
const CUBED_DISTANCE_FLOOR = 1e-6;
/** Ridge added to the Hessian before solving for the Newton direction. */
const HESSIAN_RIDGE = 1e-6;

/** Diagonal MMC's parameters. */
export const MMC_DIAGONAL_PARAMS = {
  maxIter: { type: 'int', default: 100, min: 1, max: 100000, description: 'Maximum number of Newton steps.' },
  tol: {
    type: 'float',
    default: 1e-3,
    min: 0,
    description: 'Stop when the relative change of the objective in one Newton step falls below this value.',
  },
} as const satisfies ParamSpecs;

export type MmcDiagonalParams = ParamValues<typeof MMC_DIAGONAL_PARAMS>;

/**
 * The diagonal MMC problem in the form the solver needs: the must-link sum of squared differences and the squared
 * cannot-link differences.
 */
export interface DiagonalMmcProblem {
  /** Σ_must δ∘δ (d): the gradient of the must-link term, which is linear in a. */
  mustLinkScatter: Float64Array;
  /** (cannotCount, d): δ∘δ of each cannot-link pair. */
  cannotSquared: Float64Array;
  /** The same values by feature (the transpose, (d, cannotCount) padded) in a row-dot kernel, for the Hessian. */
  curvatureKernel: RowDotKernel;
  cannotCount: number;
  d: number;
}

/** Σ_cannot ‖δ‖_a, the sum of the cannot-link distances under diag(a). O(cannot·d). */
export function diagonalDissimilarity(problem: DiagonalMmcProblem, a: Float64Array): number {
  const { cannotSquared: Q, cannotCount, d } = problem;
  let sum = 0;
  for (let p = 0; p < cannotCount; p++) {
    const row = p * d;
    let q = 0;
    for (let f = 0; f < d; f++) q += Q[row + f]! * a[f]!;
    sum += Math.sqrt(q > 0 ? q : 0);
  }
  return sum;
}

/** g(a) = Σ_must ‖δ‖²_a − log Σ_cannot ‖δ‖_a; +∞ when every cannot-link distance is 0. O(cannot·d). */
export function diagonalMmcObjective(problem: DiagonalMmcProblem, a: Float64Array): number {
  let similarity = 0;
  for (let f = 0; f < problem.d; f++) similarity += problem.mustLinkScatter[f]! * a[f]!;
  const dissimilarity = diagonalDissimilarity(problem, a);
  return dissimilarity > 0 ? similarity - Math.log(dissimilarity) : Number.POSITIVE_INFINITY;
}

/**
 * Gradient (d) and Hessian (d, d) of g at a. With D = Σ_p dist_p, dist_p = √(Q_p·a) (floored as described at
 * {@link DISTANCE_FLOOR}):
 *   ∇g = s − (1/D)·Σ_p Q_p / (2·dist_p)
 *   ∇²g = (1/D)·Σ_p Q_p Q_pᵀ / (4·dist_p³) + (∇D)(∇D)ᵀ / D²,      ∇D = Σ_p Q_p / (2·dist_p),
 * the Hessian of −log D (PSD, since log D is concave). Cost O(cannot·d²).
 */
export function diagonalMmcDerivatives(problem: DiagonalMmcProblem, a: Float64Array): { gradient: Float64Array; hessian: Float64Array } {
  const { cannotSquared: Q, cannotCount, d, mustLinkScatter } = problem;
  const m = cannotCount;
  const dD = new Float64Array(d); // ∇D
  const second = new Float64Array(m); // 1 / (4 dist³) per pair
  let total = 0;
  for (let p = 0; p < m; p++) {
    const row = p * d;
    let q = 0;
    for (let f = 0; f < d; f++) q += Q[row + f]! * a[f]!;
    const exact = Math.sqrt(q > 0 ? q : 0);
    total += exact;
    const dist = exact > DISTANCE_FLOOR ? exact : DISTANCE_FLOOR;
    const first = 0.5 / dist;
    for (let f = 0; f < d; f++) dD[f]! += first * Q[row + f]!;
    const cube = exact * exact * exact;
    second[p] = 0.25 / (cube > CUBED_DISTANCE_FLOOR ? cube : CUBED_DISTANCE_FLOOR);
  }
  // curvature = Σ_p Q_p Q_pᵀ / (4 dist_p³): row i is QT·(w ∘ QT_i) with QT the (d, m) feature-major layout,
  // computed for the upper triangle by the SIMD row-dot kernel.
  const curvature = new Float64Array(d * d);
  const kernel = problem.curvatureKernel;
  const { A: QT, x: weighted, out, cp } = kernel;
  for (let i = 0; i < d; i++) {
    const iRow = i * cp;
    for (let p = 0; p < m; p++) weighted[p] = second[p]! * QT[iRow + p]!;
    kernel.rowDots(i, d - i);
    for (let j = i; j < d; j++) curvature[i * d + j] = out[j]!;
  }
  const gradient = new Float64Array(d);
  const hessian = new Float64Array(d * d);
  const D = total > 0 ? total : DISTANCE_FLOOR;
  for (let i = 0; i < d; i++) {
    gradient[i] = mustLinkScatter[i]! - dD[i]! / D;
    for (let j = i; j < d; j++) {
      const h = curvature[i * d + j]! / D + (dD[i]! * dD[j]!) / (D * D);
      hessian[i * d + j] = h;
      hessian[j * d + i] = h;
    }
  }
  return { gradient, hessian };
}

/**
 * g along the clipped Newton ray a(λ) = max(0, a − λ·Δ), for the halving line search. While the set of clipped
 * coordinates stays the same, every cannot-link squared distance is linear in λ, q_p(λ) = A_p − λ·S_p with A_p and
 * S_p summed over the free coordinates, so a trial costs O(cannot) instead of O(cannot·d); the sums are rebuilt
 * (O(cannot·d)) only when the clipped set changes, at most d + 1 times along the ray. `trial` must hold a(λ).
 */
export function createRayObjective(problem: DiagonalMmcProblem, a: Float64Array, step: Float64Array): (lambda: number, trial: Float64Array) => number {
  const { cannotSquared: Q, cannotCount: m, d, mustLinkScatter } = problem;
  const A = new Float64Array(m);
  const S = new Float64Array(m);
  const clipped = new Uint8Array(d);
  let built = false;
  return (lambda, trial) => {
    let changed = !built;
    for (let f = 0; f < d; f++) {
      const c = a[f]! - lambda * step[f]! <= 0 ? 1 : 0;
      if (c !== clipped[f]) {
        clipped[f] = c;
        changed = true;
      }
    }
    if (changed) {
      built = true;
      for (let p = 0; p < m; p++) {
        const row = p * d;
        let ap = 0;
        let sp = 0;
        for (let f = 0; f < d; f++) {
          if (clipped[f]) continue;
          ap += Q[row + f]! * a[f]!;
          sp += Q[row + f]! * step[f]!;
        }
        A[p] = ap;
        S[p] = sp;
      }
    }
    let dissimilarity = 0;
    for (let p = 0; p < m; p++) {
      const q = A[p]! - lambda * S[p]!;
      dissimilarity += Math.sqrt(q > 0 ? q : 0);
    }
    let similarity = 0;
    for (let f = 0; f < d; f++) similarity += mustLinkScatter[f]! * trial[f]!;
    return dissimilarity > 0 ? similarity - Math.log(dissimilarity) : Number.POSITIVE_INFINITY;
  };
}

/** Builds the diagonal problem from pair differences. */
export function diagonalMmcProblem(must: Float64Array, mustCount: number, cannot: Float64Array, cannotCount: number, d: number): DiagonalMmcProblem {
  const mustLinkScatter = new Float64Array(d);
  for (let p = 0; p < mustCount; p++) {
    const row = p * d;
    for (let f = 0; f < d; f++) mustLinkScatter[f]! += must[row + f]! * must[row + f]!;
  }
  const cannotSquared = squaredDifferences(cannot);
  const curvatureKernel = createRowDotKernel(d, cannotCount);
  const cp = curvatureKernel.cp;
  for (let p = 0; p < cannotCount; p++) for (let f = 0; f < d; f++) curvatureKernel.A[f * cp + p] = cannotSquared[p * d + f]!;
  return { mustLinkScatter, cannotSquared, curvatureKernel, cannotCount, d };
}

export const mmcDiagonalLearner = defineLearner({
  name: 'mmc-diagonal',
  title: 'MMC (diagonal)',
  description:
    'Mahalanobis Metric for Clustering with a diagonal metric (Xing et al. 2002): one weight per feature, chosen ' +
    'to keep must-link pairs close while the log of the summed cannot-link distances is held up. Solved by Newton ' +
    'steps with halving line search from the identity, as in the paper and metric-learn. Learns from pairs.',
  input: 'pairs',
  params: MMC_DIAGONAL_PARAMS,
  fit(data, params, { hooks }) {
    return fitMmcDiagonal(data, params, hooks);
  },
});

/** The fit of the file comment on validated parameters (a thin `fit` calls it). */
export function fitMmcDiagonal(data: TrainingData, rawParams: MmcDiagonalParams, hooks: LearnerHooks): FitOutcome {
  const maxIter = rawParams.maxIter;
  const tol = rawParams.tol;
  const { X, n, d, pairs } = data;
  if (!pairs) throw new ValidationError('mmc-diagonal learns from must-link / cannot-link pairs, but none were given.');
  const diffs = pairDifferences('mmc-diagonal', X, n, d, pairs);
  if (diffs.cannotCount === 0) {
    throw new ValidationError('mmc-diagonal needs at least one cannot-link pair (it keeps cannot-link pairs apart).');
  }
  const problem = diagonalMmcProblem(diffs.must, diffs.mustCount, diffs.cannot, diffs.cannotCount, d);
  const start = performance.now();

  const a = new Float64Array(d).fill(1);
  let objective = diagonalMmcObjective(problem, a);
  const objectiveTrace: number[] = [];
  let stopReason: StopReason = 'maxIter';
  let iterations = 0;
  const trial = new Float64Array(d);
  const best = new Float64Array(d);
  while (iterations < maxIter) {
    if (hooks.shouldStop?.()) break;
    const { gradient, hessian } = diagonalMmcDerivatives(problem, a);
    for (let i = 0; i < d; i++) hessian[i * d + i]! += HESSIAN_RIDGE;
    const step = solveSymmetricPositive(hessian, d, gradient);
    const ray = createRayObjective(problem, a, step);
    // Halve λ from 1 while the objective keeps falling; keep the last improvement along the way.
    let lambda = 1;
    let found = false;
    let bestObjective = Number.POSITIVE_INFINITY;
    for (let halvings = 0; halvings < 1100; halvings++) {
      for (let f = 0; f < d; f++) {
        const v = a[f]! - lambda * step[f]!;
        trial[f] = v > 0 ? v : 0;
      }
      const value = ray(lambda, trial);
      if (!(value < bestObjective)) break;
      bestObjective = value;
      best.set(trial);
      found = true;
      lambda /= 2;
    }
    iterations++;
    if (!found || !(bestObjective < objective)) {
      // No point on the Newton ray improves g: the step changed the objective by 0 < tol, which is this method's
      // tolerance test (metric-learn's too: its relative error is 0 there), so this is convergence, not a stall.
      objectiveTrace.push(objective);
      hooks.onIteration?.({ iteration: iterations, objective, elapsedMs: performance.now() - start });
      stopReason = 'tolerance';
      break;
    }
    const change = Math.abs((bestObjective - objective) / bestObjective);
    a.set(best);
    objective = bestObjective;
    objectiveTrace.push(objective);
    hooks.onIteration?.({ iteration: iterations, objective, elapsedMs: performance.now() - start });
    if (change < tol) {
      stopReason = 'tolerance';
      break;
    }
  }

  const L = new Float64Array(d * d); // (d, d) = diag(√a)
  for (let f = 0; f < d; f++) L[f * d + f] = Math.sqrt(a[f]!);
  return { L, nComponents: d, iterations, converged: convergedFor(stopReason), stopReason, objective, objectiveTrace };
}
