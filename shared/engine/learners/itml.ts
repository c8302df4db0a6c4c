/**
 * ITML, Information-Theoretic Metric Learning (Davis, Kulis, Jain, Sra & Dhillon 2007).
 *
 * Finds the metric M closest to a prior M₀ in LogDet divergence,
 *
 *   D_ld(M, M₀) = tr(M·M₀⁻¹) − log det(M·M₀⁻¹) − d,
 *
 * subject to d_M(xᵢ, xⱼ) ≤ u for must-link pairs and d_M(xᵢ, xⱼ) ≥ l for cannot-link pairs (d_M the squared
 * Mahalanobis distance δᵀMδ), with slack weighted by γ. The solver is the paper's Algorithm 1: cyclic Bregman
 * projections, one constraint at a time, each a rank-one update
 *
 *   M ← M + β·(Mδ)(Mδ)ᵀ,
 *
 * which costs O(d²) and keeps M positive definite. A sweep visits every must-link pair, then every cannot-link
 * pair. It stops when the dual variables λ settle: Σ|λ − λ_prev| / (‖λ‖₂ + ‖λ_prev‖₂) < tol (metric-learn's test),
 * or after maxIter sweeps.
 * The objective reported after each sweep is D_ld(M, M₀).
 *
 * Speed: the two O(d²) kernels (M·δ with δᵀMδ, and the rank-one update fused with the next constraint's M·δ) run
 * as WebAssembly SIMD (shared/math/wasm/rank-one-kernels.ts, bitwise equal to its TypeScript fallback), and a constraint
 * that provably still holds with λ = 0 is skipped without changing the iterates (see createSweep).
 *
 * Bounds: by default u and l are the `mustLinkPercentile`-th and `cannotLinkPercentile`-th percentiles (5 / 95, linear
 * interpolation) of the Euclidean distances between the rows that appear in a pair (every ordered pair of them,
 * the zero self-distances included), compared with the squared Mahalanobis distance. That is metric-learn 0.7.0's
 * convention, kept so results line up with the reference; the paper takes percentiles of squared distances.
 * When that percentile is 0 (few paired rows, so the self-distances fill the low percentiles), u falls back to
 * the smallest positive distance between the paired rows, where metric-learn would divide by zero.
 */
import { ValidationError } from '../../errors.ts';
import { symmetrize } from '../../math/dense/index.ts';
import { inverseSpd } from '../../math/decompositions/index.ts';
import { componentsFromMetric } from '../../math/decompositions/index.ts';
import { pairDifferences } from '../../math/dense/index.ts';
import { createPairKernels, type PairKernels } from '../../math/wasm/index.ts';
import { logDeterminantSpd } from '../../math/decompositions/index.ts';
import { columnMeanAndVariance } from '../../math/statistics/index.ts';
import { convergedFor, type StopReason } from '../../domain/learned-metric.ts';
import { runBlocksHere } from '../block-kernel.ts';
import { itmlDistanceBlocks, itmlDistanceKernel, type ItmlDistanceBlocksArgs } from './itml-distances.ts';
import { defineLearner, type BlockProducts, type FitOutcome, type LearnerHooks, type ParamSpecs, type ParamValues, type TrainingData } from '../learner.ts';

/** ITML's parameters. */
export const ITML_PARAMS = {
  gamma: {
    type: 'float',
    default: 1,
    min: 0,
    exclusiveMin: true,
    description: 'Slack trade-off γ: larger values enforce the distance bounds more strictly.',
  },
  maxIter: { type: 'int', default: 1000, min: 1, max: 1000000, description: 'Maximum number of sweeps over the constraints.' },
  tol: {
    type: 'float',
    default: 1e-3,
    min: 0,
    description: 'Stop when the relative change of the dual variables over one sweep falls below this value.',
  },
  prior: {
    type: 'enum',
    values: ['identity', 'covariance'],
    default: 'identity',
    description: 'The metric M₀ to stay close to: the identity (Euclidean) or the inverse covariance of the paired rows.',
  },
  mustLinkPercentile: {
    type: 'float',
    default: 5,
    min: 0,
    max: 100,
    description: 'Must-link pairs are held within u, this percentile of the distances between the paired rows.',
  },
  cannotLinkPercentile: {
    type: 'float',
    default: 95,
    min: 0,
    max: 100,
    description: 'Cannot-link pairs are held beyond l, this percentile of the distances between the paired rows.',
  },
} as const satisfies ParamSpecs;

export type ItmlParams = ParamValues<typeof ITML_PARAMS>;

/** Distinct row indices that appear in a pair, ascending. */
function pairedRows(left: Int32Array, right: Int32Array, n: number): Int32Array {
  const seen = new Uint8Array(n);
  for (const i of left) seen[i] = 1;
  for (const j of right) seen[j] = 1;
  let count = 0;
  for (let i = 0; i < n; i++) count += seen[i]!;
  const rows = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) if (seen[i]) rows[k++] = i;
  return rows;
}

/**
 * The q-th percentiles (0–100, linear interpolation between order statistics, numpy's default) of the Euclidean
 * distances between every ordered pair of the given rows of X, self-pairs included. O(r²·d) for r rows, in row
 * blocks ({@link itmlDistanceKernel}) over the `products`' threads when given (the same distances, bit for bit).
 */
export function pairwiseDistancePercentiles(X: Float64Array, d: number, rows: Int32Array, percentiles: readonly number[], products?: BlockProducts): number[] {
  const r = rows.length;
  // ‖xa − xb‖² = ‖xa‖² + ‖xb‖² − 2·xa·xb (as scikit-learn's euclidean_distances, which metric-learn uses), with
  // the dot products of each row against the later ones from the SIMD row-dot kernel. O(r²·d).
  const norms = products ? products.alloc(r) : new Float64Array(r);
  for (let a = 0; a < r; a++) {
    const source = rows[a]! * d;
    let s = 0;
    for (let f = 0; f < d; f++) {
      const v = X[source + f]!;
      s += v * v;
    }
    norms[a] = s;
  }
  const length = (r * (r - 1)) / 2;
  const distances = products ? products.alloc(length) : new Float64Array(length);
  const args: ItmlDistanceBlocksArgs = { X: products ? products.shared(X) : X, d, rows: products ? products.shared(rows) : rows, norms, distances };
  const blocks = itmlDistanceBlocks(r);
  if (products) products.runBlocks('itmlDistances', args, blocks);
  else runBlocksHere(itmlDistanceKernel, args, blocks);
  // The full r×r matrix holds r zeros and every off-diagonal distance twice: sorted position t of that multiset.
  // Only a few order statistics are needed, so select them (O(r²) on average) instead of sorting.
  const total = r * r;
  const at = (t: number): number => (t < r ? 0 : kthSmallest(distances, Math.floor((t - r) / 2)));
  return percentiles.map((q) => {
    if (total === 0) return 0;
    const position = (q / 100) * (total - 1);
    const lo = Math.floor(position);
    const hi = Math.min(lo + 1, total - 1);
    const frac = position - lo;
    const low = at(lo);
    return frac === 0 ? low : low + frac * (at(hi) - low);
  });
}

/** The smallest positive Euclidean distance between two of the given rows of X; 1 when every distance is 0. */
export function smallestPositiveDistance(X: Float64Array, d: number, rows: Int32Array): number {
  let best = Number.POSITIVE_INFINITY;
  for (let a = 0; a < rows.length; a++) {
    for (let b = a + 1; b < rows.length; b++) {
      let s = 0;
      for (let f = 0; f < d; f++) {
        const t = X[rows[a]! * d + f]! - X[rows[b]! * d + f]!;
        s += t * t;
      }
      if (s > 0 && s < best) best = s;
    }
  }
  return Number.isFinite(best) ? Math.sqrt(best) : 1;
}

/**
 * The k-th smallest value (0-based) of `values`, by quickselect (Hoare partition around a median of three);
 * reorders `values` in place. Average O(length).
 */
export function kthSmallest(values: Float64Array, k: number): number {
  if (!(k >= 0 && k < values.length)) throw new RangeError(`kthSmallest: k = ${k} is outside 0…${values.length - 1}.`);
  let lo = 0;
  let hi = values.length - 1;
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot value.
    const a = values[lo]!;
    const b = values[mid]!;
    const c = values[hi]!;
    const pivot = a < b ? (b < c ? b : a < c ? c : a) : a < c ? a : b < c ? c : b;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (values[i]! < pivot) i++;
      while (values[j]! > pivot) j--;
      if (i <= j) {
        const t = values[i]!;
        values[i] = values[j]!;
        values[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k]!;
  }
  return values[k]!;
}

/**
 * The prior M₀ (d, d) and M₀⁻¹: the identity, or the inverse of the population covariance of the given rows
 * (with a ridge of 1e-10·tr/d when that covariance is singular).
 */
function priorMetric(prior: 'identity' | 'covariance', X: Float64Array, d: number, rows: Int32Array): { M0: Float64Array; M0inverse: Float64Array } {
  if (prior === 'identity') return { M0: identityMatrix(d), M0inverse: identityMatrix(d) };
  const r = rows.length;
  const { mean } = columnMeanAndVariance(X, r, d, rows);
  const C = new Float64Array(d * d);
  const centered = new Float64Array(d);
  for (const i of rows) {
    for (let f = 0; f < d; f++) centered[f] = X[i * d + f]! - mean[f]!;
    for (let a = 0; a < d; a++) {
      const ca = centered[a]!;
      for (let b = a; b < d; b++) C[a * d + b]! += ca * centered[b]!;
    }
  }
  let trace = 0;
  for (let a = 0; a < d; a++) {
    for (let b = a; b < d; b++) {
      C[a * d + b]! /= Math.max(r, 1);
      C[b * d + a] = C[a * d + b]!;
    }
    trace += C[a * d + a]!;
  }
  if (!Number.isFinite(logDeterminantSpd(C, d))) {
    const ridge = 1e-10 * Math.max(trace / d, 1e-300);
    for (let a = 0; a < d; a++) C[a * d + a]! += ridge;
  }
  return { M0: inverseSpd(C, d), M0inverse: C };
}

/**
 * The LogDet divergence D_ld(M, M₀) = tr(M·M₀⁻¹) − log det M + log det M₀ − d, given M₀⁻¹ and log det M₀.
 * O(d³/3). +∞ when M is not positive definite.
 */
export function logDetDivergence(M: Float64Array, M0inverse: Float64Array, logDetM0: number, d: number): number {
  let trace = 0;
  for (let i = 0; i < d * d; i++) trace += M[i]! * M0inverse[i]!;
  const logDet = logDeterminantSpd(symmetrize(M, d), d);
  return logDet === Number.NEGATIVE_INFINITY ? Number.POSITIVE_INFINITY : trace - logDet + logDetM0 - d;
}

export const itmlLearner = defineLearner({
  name: 'itml',
  title: 'ITML',
  description:
    'Information-Theoretic Metric Learning (Davis et al. 2007): the metric closest to a prior (identity or inverse ' +
    'covariance) in LogDet divergence that keeps must-link pairs within an upper distance bound and cannot-link ' +
    'pairs beyond a lower one, with slack γ; solved by cyclic Bregman projections (rank-one updates). Learns from pairs.',
  input: 'pairs',
  params: ITML_PARAMS,
  fit(data, params, { hooks }) {
    return fitItml(data, params, hooks);
  },
});

/** The fit of the file comment on validated parameters (a thin `fit` calls it). */
export function fitItml(data: TrainingData, rawParams: ItmlParams, hooks: LearnerHooks): FitOutcome {
  const gamma = rawParams.gamma;
  const maxIter = rawParams.maxIter;
  const tol = rawParams.tol;
  const prior = rawParams.prior;
  const mustLinkPercentile = rawParams.mustLinkPercentile;
  const cannotLinkPercentile = rawParams.cannotLinkPercentile;
  const { X, n, d, pairs } = data;
  if (!pairs) throw new ValidationError('itml learns from must-link / cannot-link pairs, but none were given.');
  const diffs = pairDifferences('itml', X, n, d, pairs);
  const rows = pairedRows(pairs.left, pairs.right, n);
  // The paper's u (must-link pairs: d_M ≤ u) and l (cannot-link pairs: d_M ≥ l).
  const [percentileU, lowerBound] = pairwiseDistancePercentiles(X, d, rows, [mustLinkPercentile, cannotLinkPercentile], hooks.products) as [number, number];
  // With few paired rows the zero self-distances fill the low percentiles, and u = 0 would demand a singular M
  // (metric-learn divides by it and returns NaN): fall back to the smallest positive distance between them.
  const upperBound = percentileU > 0 ? percentileU : smallestPositiveDistance(X, d, rows);
  const start = performance.now();

  // M (d, d), symmetric positive definite throughout.
  const { M0, M0inverse } = priorMetric(prior, X, d, rows);
  const logDetM0 = -logDeterminantSpd(M0inverse, d);
  const mustCount = diffs.mustCount;
  const cannotCount = diffs.cannotCount;
  const total = mustCount + cannotCount;
  // M and one vector of differences per constraint (must-link pairs first), zero-padded to dp columns.
  const kernels = createPairKernels(d, total);
  const dp = kernels.dp;
  for (let i = 0; i < d; i++) kernels.M.set(M0.subarray(i * d, i * d + d), i * dp);
  for (let c = 0; c < total; c++) {
    const source = c < mustCount ? diffs.must.subarray(c * d, c * d + d) : diffs.cannot.subarray((c - mustCount) * d, (c - mustCount + 1) * d);
    kernels.V.set(source, c * dp);
  }
  const M = new Float64Array(d * d); // the unpadded M, refreshed after each sweep
  const unpad = (): void => {
    for (let i = 0; i < d; i++) M.set(kernels.M.subarray(i * dp, i * dp + d), i * d);
  };
  const sweep = createSweep(kernels, mustCount, cannotCount, upperBound, lowerBound, gamma);
  const previous = new Float64Array(total);

  const objectiveTrace: number[] = [];
  let iterations = 0;
  let stopReason: StopReason = 'maxIter';
  while (iterations < maxIter) {
    if (hooks.shouldStop?.()) break;
    sweep.run();
    unpad();
    iterations++;
    const lambda = sweep.lambda;
    let change = 0;
    let norm = 0;
    let normPrevious = 0;
    for (let c = 0; c < total; c++) {
      change += Math.abs(previous[c]! - lambda[c]!);
      norm += lambda[c]! * lambda[c]!;
      normPrevious += previous[c]! * previous[c]!;
    }
    const normSum = Math.sqrt(norm) + Math.sqrt(normPrevious);
    const relative = normSum === 0 ? 0 : change / normSum;
    const divergence = logDetDivergence(M, M0inverse, logDetM0, d);
    objectiveTrace.push(divergence);
    hooks.onIteration?.({ iteration: iterations, objective: divergence, elapsedMs: performance.now() - start });
    if (normSum === 0 || relative < tol) {
      stopReason = 'projections';
      break;
    }
    previous.set(lambda);
  }
  unpad();
  const objective = objectiveTrace.length > 0 ? objectiveTrace[objectiveTrace.length - 1]! : 0;
  return {
    L: componentsFromMetric(symmetrize(M, d), d),
    nComponents: d,
    iterations,
    converged: convergedFor(stopReason),
    stopReason,
    objective,
    objectiveTrace,
  };
}

function identityMatrix(d: number): Float64Array {
  const I = new Float64Array(d * d);
  for (let i = 0; i < d; i++) I[i * d + i] = 1;
  return I;
}

/**
 * One sweep of Bregman projections over every constraint (must-link rows of V first, then cannot-link), with the
 * dual variables λ and the slack targets ξ carried from sweep to sweep.
 *
 * Exact skipping: a constraint with λ = 0 that is satisfied is left unchanged by its projection (α = 0), so its
 * O(d²) distance need not be computed when it provably still holds. Each update M ← M + β·u·uᵀ, u = M·v_t,
 * changes any squared distance p = vᵀMv by β·(vᵀMv_t)², and Cauchy–Schwarz in the M inner product bounds that by
 * β·p·p_t: p grows at most by the factor (1 + β·p_t) when β > 0 and shrinks at most by it when β < 0. The
 * running sums of log(1 + β·p_t) therefore bound every distance since it was last computed, and a constraint is
 * skipped only while that bound keeps it satisfied with a margin of 1e-9. The skipped work is exactly work whose
 * outcome is "no change", so the iterates are those of the plain cyclic algorithm.
 */
function createSweep(
  kernels: PairKernels,
  mustCount: number,
  cannotCount: number,
  upperBound: number,
  lowerBound: number,
  gamma: number,
): { run(): void; lambda: Float64Array } {
  const total = mustCount + cannotCount;
  const lambda = new Float64Array(total); // dual variables
  // ξ: the slack-adjusted target distance of each constraint, starting at its bound.
  const target = new Float64Array(total);
  target.fill(upperBound, 0, mustCount);
  target.fill(lowerBound, mustCount, total);
  const projectionScale = gamma / (gamma + 1);
  // Skipping state: the distance when last computed and the running log-growth / log-shrink sums at that time.
  const lastDistance = new Float64Array(total).fill(Number.NaN);
  const growthAt = new Float64Array(total);
  const shrinkAt = new Float64Array(total);
  let growth = 0; // Σ log(1 + β·p_t) over updates with β > 0
  let shrink = 0; // Σ log(1 + β·p_t) over updates with β < 0 (≤ 0)
  const { V, dp } = kernels;
  const zero = new Uint8Array(total);
  for (let c = 0; c < total; c++) {
    let any = false;
    for (let f = 0; f < dp; f++) if (V[c * dp + f] !== 0) any = true;
    zero[c] = any ? 0 : 1;
  }
  const margin = 1e-9;
  const skippable = (c: number): boolean => {
    if (zero[c]) return true; // a zero difference constrains nothing
    if (lambda[c] !== 0) return false;
    const last = lastDistance[c]!;
    if (!(last === last)) return false; // never computed
    return c < mustCount
      ? last * Math.exp(growth - growthAt[c]!) <= target[c]! * (1 - margin)
      : last * Math.exp(shrink - shrinkAt[c]!) >= target[c]! * (1 + margin);
  };
  const nextToEvaluate = (from: number): number => {
    let c = from;
    while (c < total && skippable(c)) c++;
    return c;
  };
  let Mv = kernels.a;
  let u = kernels.b;

  return {
    lambda,
    run(): void {
      let c = nextToEvaluate(0);
      let p = c < total ? kernels.matVecQuad(c, Mv) : 0;
      while (c < total) {
        lastDistance[c] = p;
        growthAt[c] = growth;
        shrinkAt[c] = shrink;
        let beta = 0;
        if (p > 0) {
          const must = c < mustCount;
          const xi = target[c]!;
          // The Bregman projection onto this constraint's hyperplane, capped by λ so the dual stays ≥ 0.
          const wanted = must ? projectionScale * (1 / p - 1 / xi) : projectionScale * (1 / xi - 1 / p);
          const alpha = Math.min(lambda[c]!, wanted);
          if (alpha !== 0) {
            lambda[c]! -= alpha;
            if (must) {
              beta = alpha / (1 - alpha * p);
              target[c] = 1 / (1 / xi + alpha / gamma);
            } else {
              beta = -alpha / (1 + alpha * p);
              target[c] = 1 / (1 / xi - alpha / gamma);
            }
            const change = Math.log1p(beta * p);
            if (beta > 0) growth += change;
            else shrink += change;
          }
        }
        const next = nextToEvaluate(c + 1);
        if (beta !== 0) {
          // u = M·v of this constraint; Mv becomes the next constraint's.
          const swap = u;
          u = Mv;
          Mv = swap;
          if (next < total) p = kernels.rankOneUpdateThenMatVec(u, beta, next, Mv);
          else kernels.rankOneUpdate(u, beta);
        } else if (next < total) {
          p = kernels.matVecQuad(next, Mv);
        }
        c = next;
      }
    },
  };
}
