import { convergedFor } from '../../domain/learned-metric.ts';
import { ValidationError } from '../../errors.ts';
import { LbfgsState, relativeReduction, type ObjectiveWithGradient } from '../../math/optimisation/index.ts';
import { distanceRowsBufferLength } from '../../math/distances/index.ts';
import { type PairGraph } from '../../math/neighbours/index.ts';
import {
  embedInto,
  pairScatterGradient,
  pairScatterWorkLength,
  pairSquaredDistances,
  transposeInto,
} from '../../math/dense/index.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type ParamSpecs, type ParamValues, type TrainingData } from '../learner.ts';
import { componentsParam, componentsUpTo } from '../params.ts';
import { initialComponents, RefreshInterval, refreshingLbfgs, resolveInit, type RefreshingObjective } from './common.ts';
import { completePairGraph, EXACT_BELOW } from './nca.ts';
import { NCA_TRUNCATION, ncaCandidateGraph } from './nca-candidates.ts';

/**
 * Metric Learning for Kernel Regression (Weinberger & Tesauro, AISTATS 2007).
 *
 * Each row i is predicted from the others by Gaussian kernel regression in the learned space,
 *
 *   ŷ_i = Σ_{j≠i} p_ij y_j,   p_ij = exp(−‖Lx_i − Lx_j‖²) / Σ_{l≠i} exp(−‖Lx_i − Lx_l‖²),
 *
 * and MLKR minimizes the leave-one-out squared error E(L) = Σ_i (ŷ_i − y_i)² with L-BFGS (metric-learn 0.7.0's loss;
 * its `init='auto'` is 'pca' when k < min(d, n), else 'identity').
 *
 * Gradient. With d_il = ‖L(x_i − x_l)‖², ∂ŷ_i/∂d_il = p_il (ŷ_i − y_l), so ∂E/∂d_il = 2 (ŷ_i − y_i) p_il (ŷ_i − y_l), and
 * with w_p the sum of both directions of pair p = {a, b},
 *
 *   ∂E/∂L = 2·L·Σ_p w_p (x_a − x_b)(x_a − x_b)ᵀ   (NCA's weighted pair scatter, {@link pairScatterGradient}).
 *
 * Same softmax as NCA, so the same machinery: the complete pair graph below {@link EXACT_BELOW} rows (the exact loss),
 * else NCA's truncated candidate graph ({@link ncaCandidateGraph}) refreshed by the shared driver
 * ({@link refreshingLbfgs}), convergence accepted only on a fresh graph. A row's prediction moves by at most
 * ρ_i·(max y − min y) when the graph leaves out the softmax mass ρ_i, so |Ê − E| is bounded by NCA's measured mass.
 *
 * The kernel-width problem. E keeps falling as the kernel narrows (L grows): on scikit-learn's diabetes data the
 * defaults of metric-learn end worse for 3-NN regression than no metric at all. Two parameters help, both off by
 * default so that the default fit is metric-learn's: `components` (a low-rank L; the kernel narrows along fewer
 * directions) and `shrinkage` λ, which adds λ·SST·‖L‖²_F/‖L₀‖²_F to E, SST = Σ(y_i − ȳ)² the error of predicting
 * the mean (a penalty on the kernel narrowing in the loss's own units, so λ means the same on any target scale): the
 * width settles where the leave-one-out error stops paying for it.
 */

/** MLKR's parameters (metric-learn's names where they exist: n_components, init, max_iter, tol). */
export const MLKR_PARAMS = {
  components: componentsParam('Output dimension k (null = every feature).'),
  init: {
    type: 'enum',
    values: ['auto', 'pca', 'identity', 'random'],
    default: 'auto',
    description:
      "Starting L. 'auto' (metric-learn's rule): 'pca' if k < min(features, rows), else 'identity'. 'random': standard normal entries from the seed.",
  },
  maxIter: { type: 'int', default: 1000, min: 1, description: 'Maximum number of L-BFGS iterations.' },
  tol: {
    type: 'float',
    default: 1e-5,
    min: 0,
    description: 'Convergence tolerance: stop when the relative decrease of the loss or the largest gradient entry falls below it.',
  },
  shrinkage: {
    type: 'float',
    default: 0,
    min: 0,
    description:
      "Penalty λ on the kernel narrowing: adds λ·SST·‖L‖²/‖L₀‖² to the leave-one-out error (SST: the error of predicting the mean; ‖L₀‖: the start), so a wider kernel is kept where narrowing gains little. 0 = metric-learn's loss.",
  },
} as const satisfies ParamSpecs;

export type MlkrParams = ParamValues<typeof MLKR_PARAMS>;

export const mlkrLearner = defineLearner({
  name: 'mlkr',
  title: 'MLKR',
  description:
    'Metric Learning for Kernel Regression (Weinberger & Tesauro 2007): minimizes the leave-one-out error of Gaussian kernel regression of a numeric target in the learned space, by L-BFGS. For regression datasets.',
  input: 'targets',
  params: MLKR_PARAMS,
  fit(data, params, { seed, hooks }) {
    return fitMlkrLearner(data, params, seed, hooks);
  },
});

/** The learner's fit: targets and k checked, L0 from `init`, then {@link fitMlkr}. */
export function fitMlkrLearner(data: TrainingData, params: MlkrParams, seed: number, hooks: LearnerHooks): FitOutcome {
  const { targets, n, d } = data;
  if (!targets) throw new ValidationError('mlkr learns from a numeric regression target, but none was given.');
  if (n < 2) throw new ValidationError(`mlkr needs at least 2 training rows, got ${n}.`);
  const k = componentsUpTo('mlkr', params.components, d);
  // No classes (nClasses 0): scikit-learn's 'auto' rule never picks LDA, only 'pca' or 'identity'.
  const init = resolveInit(params.init, k, d, n, 0);
  const L0 = initialComponents(data, k, init, seed, 'mlkr', hooks.products);
  return fitMlkr({ X: data.X, n, d, targets, k }, L0, { maxIter: params.maxIter, tol: params.tol, shrinkage: params.shrinkage, hooks });
}

/** The data MLKR fits: X (n, d) row-major, one target per row, output dimension k. */
export interface MlkrProblem {
  X: Float64Array;
  n: number;
  d: number;
  targets: Float64Array;
  k: number;
}

/**
 * The leave-one-out kernel-regression loss over a fixed pair graph (the softmax of row i runs over the pairs that
 * touch i), plus the shrinkage penalty `penalty`·‖L‖²_F. With the complete graph and no penalty it is metric-learn's
 * loss exactly (to rounding). Holds its work buffers, so an evaluation allocates nothing. Cost per evaluation O(n·k·d)
 * (embedding) + O(m·k) (distances) + 2m exponentials + the pair scatter.
 */
export class MlkrObjective {
  private readonly Z: Float64Array;
  private readonly dist: Float64Array;
  private readonly weights: Float64Array;
  private readonly rowExp: Float64Array;
  private readonly work: Float64Array;
  /** ŷ_i at the last evaluation (n). */
  readonly predictions: Float64Array;
  /** Σ_i (ŷ_i − y_i)² at the last evaluation, without the penalty. */
  lastError = 0;

  constructor(
    private readonly X: Float64Array,
    private readonly Xt: Float64Array,
    private readonly n: number,
    private readonly d: number,
    private readonly k: number,
    private readonly targets: Float64Array,
    readonly graph: PairGraph,
    private readonly penalty = 0,
  ) {
    this.Z = new Float64Array(n * k);
    this.dist = new Float64Array(graph.count);
    this.weights = new Float64Array(graph.count);
    this.rowExp = new Float64Array(2 * graph.count);
    this.work = new Float64Array(pairScatterWorkLength(n, d, k));
    this.predictions = new Float64Array(n);
  }

  /** Loss E(L) + penalty·‖L‖² at L (k, d); writes ∂loss/∂L into `gradient`. */
  evaluate(L: Float64Array, gradient: Float64Array): number {
    const { n, d, k, Z, dist, weights, rowExp, graph, targets: y, predictions } = this;
    const { rowStart, rowPairs, a, b } = graph;
    embedInto(this.X, n, d, L, k, Z);
    pairSquaredDistances(Z, k, graph, dist);
    weights.fill(0);
    let error = 0;
    for (let i = 0; i < n; i++) {
      const start = rowStart[i]!;
      const end = rowStart[i + 1]!;
      if (end === start) {
        predictions[i] = 0;
        continue;
      }
      let min = Number.POSITIVE_INFINITY;
      for (let t = start; t < end; t++) min = Math.min(min, dist[rowPairs[t]!]!);
      let total = 0;
      let weighted = 0;
      for (let t = start; t < end; t++) {
        const p = rowPairs[t]!;
        const e = Math.exp(min - dist[p]!);
        rowExp[t] = e;
        total += e;
        weighted += e * y[a[p] === i ? b[p]! : a[p]!]!;
      }
      const inv = 1 / total;
      const yHat = weighted * inv;
      predictions[i] = yHat;
      const residual = yHat - y[i]!;
      error += residual * residual;
      // ∂E/∂d_ij from row i's side: 2 (ŷ_i − y_i) p_ij (ŷ_i − y_j).
      for (let t = start; t < end; t++) {
        const p = rowPairs[t]!;
        weights[p]! += 2 * residual * rowExp[t]! * inv * (yHat - y[a[p] === i ? b[p]! : a[p]!]!);
      }
    }
    this.lastError = error;
    pairScatterGradient(this.X, this.Xt, n, d, L, Z, k, graph, weights, gradient, this.work);
    if (this.penalty === 0) return error;
    let norm = 0;
    for (let t = 0; t < L.length; t++) {
      norm += L[t]! * L[t]!;
      gradient[t]! += 2 * this.penalty * L[t]!;
    }
    return error + this.penalty * norm;
  }
}

/**
 * Exact MLKR loss and gradient at L (k, d) on X (n, d) with targets y (n): the complete-graph {@link MlkrObjective}
 * without penalty. Pure (new arrays); for tests and diagnostics. Cost O(n²·(k + d)).
 */
export function mlkrLossAndGradient(L: Float64Array, X: Float64Array, n: number, d: number, k: number, targets: Float64Array): { loss: number; gradient: Float64Array } {
  if (L.length !== k * d) throw new RangeError(`mlkrLossAndGradient: L must have ${k}×${d} entries, got ${L.length}.`);
  if (X.length !== n * d) throw new RangeError(`mlkrLossAndGradient: X must have ${n}×${d} entries, got ${X.length}.`);
  const Xt = new Float64Array(n * d);
  transposeInto(X, n, d, Xt);
  const gradient = new Float64Array(k * d);
  const loss = new MlkrObjective(X, Xt, n, d, k, targets, completePairGraph(n)).evaluate(L, gradient);
  return { loss, gradient };
}

export interface MlkrOptions {
  maxIter: number;
  tol: number;
  /** λ of the `shrinkage` parameter (0: metric-learn's loss). */
  shrinkage: number;
  hooks: LearnerHooks;
}

/**
 * The MLKR optimization from L0 (k, d): L-BFGS on {@link MlkrObjective} through {@link refreshingLbfgs}, on the
 * complete graph below {@link EXACT_BELOW} rows, else on NCA's candidate graph refreshed on NCA's adaptive schedule,
 * {@link RefreshInterval} (the interval doubles while the measured left-out mass stays small, halves when it grows).
 * The objective trace is the loss (minimized).
 */
export function fitMlkr(problem: MlkrProblem, L0: Float64Array, options: MlkrOptions): FitOutcome {
  const { X, n, d, targets, k } = problem;
  const { maxIter, tol, hooks } = options;
  const start = performance.now();
  const Xt = new Float64Array(n * d); // (d, n)
  transposeInto(X, n, d, Xt);
  let L0norm = 0;
  for (const v of L0) L0norm += v * v;
  // λ·SST·‖L‖²/‖L₀‖², SST = Σ(y_i − ȳ)² (the error of predicting the mean): a fraction of the loss's own scale.
  let mean = 0;
  for (const v of targets) mean += v;
  mean /= n;
  let sst = 0;
  for (const v of targets) sst += (v - mean) ** 2;
  const penalty = options.shrinkage > 0 ? (options.shrinkage * sst) / Math.max(L0norm, Number.MIN_VALUE) : 0;
  const exact = n < EXACT_BELOW;
  const Z = new Float64Array(n * k); // (n, k)
  const distanceBuffer = exact ? null : new Float64Array(distanceRowsBufferLength(n));
  let graph: PairGraph | null = null;
  let staleness = 0;
  const selectGraph = (L: Float64Array): PairGraph => {
    if (exact || !distanceBuffer) return completePairGraph(n);
    embedInto(X, n, d, L, k, Z);
    const refreshed = ncaCandidateGraph(Z, n, k, NCA_TRUNCATION, distanceBuffer, graph ?? undefined);
    staleness = refreshed.staleness;
    return refreshed.graph;
  };
  graph = selectGraph(L0);
  let objective = new MlkrObjective(X, Xt, n, d, k, targets, graph, penalty);
  const evaluate: ObjectiveWithGradient = (x, g) => objective.evaluate(x, g);
  const state = new LbfgsState(evaluate, L0);
  const interval = new RefreshInterval(tol);
  let ySpread = 0;
  {
    let lo = Number.POSITIVE_INFINITY;
    let hi = Number.NEGATIVE_INFINITY;
    for (const v of targets) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    ySpread = hi - lo;
  }
  const refreshing: RefreshingObjective = {
    due: (iteration, sinceRefresh) => !exact && sinceRefresh >= interval.current && iteration < maxIter,
    refresh: () => {
      if (exact) return false;
      const before = state.value;
      graph = selectGraph(state.x);
      objective = new MlkrObjective(X, Xt, n, d, k, targets, graph, penalty);
      state.setObjective(evaluate);
      // Each row's prediction was off by at most ρ_i·(max y − min y): compare that with the error budget.
      interval.adapt(staleness * ySpread * ySpread, state.value);
      return Math.abs(relativeReduction(before, state.value)) > tol;
    },
  };
  const trace: number[] = [];
  const result = refreshingLbfgs(state, refreshing, { maxIter, tol, hooks, trace, report: (v) => v, startMs: start });
  return {
    L: Float64Array.from(state.x),
    nComponents: k,
    iterations: result.iterations,
    converged: convergedFor(result.stopReason),
    stopReason: result.stopReason,
    objective: state.value,
    objectiveTrace: trace,
  };
}
