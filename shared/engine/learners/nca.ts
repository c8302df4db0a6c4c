import { convergedFor, type StopReason } from '../../domain/learned-metric.ts';
import { rowSquaredDistance } from '../../math/distances/index.ts';
import { LbfgsState, relativeReduction, type ObjectiveWithGradient } from '../../math/optimisation/index.ts';
import { pairGraphFromNeighbours, type PairGraph } from '../../math/neighbours/index.ts';
import { FULL_MATRIX_ROWS } from '../../math/distances/index.ts';
import {
  dotRows,
  embedInto,
  pairScatterGradient,
  pairScatterRows,
  pairScatterUsesTranspose,
  pairScatterWorkLength,
  pairSquaredDistances,
  timesRows,
  transposeInto,
  type DotRows,
  type TimesRows,
} from '../../math/dense/index.ts';
import { defineLearner, type BlockProducts, type FitOutcome, type LearnerHooks, type ParamSpecs, type ParamValues, type TrainingData } from '../learner.ts';
import { componentsParam } from '../params.ts';
import { NCA_TRUNCATION, ncaCandidateGraph, type CandidateTeam } from './nca-candidates.ts';
import { checkLabeledData, initialComponents, INIT_MODES, RefreshInterval, refreshingLbfgs, resolveInit, type RefreshingObjective } from './common.ts';

/**
 * Neighbourhood Components Analysis (Goldberger, Roweis, Hinton & Salakhutdinov, NIPS 2004).
 *
 * Each point i picks a neighbour j ≠ i at random with the softmax probability of the learned distance,
 *
 *   p_ij = exp(−‖Lx_i − Lx_j‖²) / Σ_{l≠i} exp(−‖Lx_i − Lx_l‖²),   p_ii = 0,
 *
 * and is classified correctly with probability p_i = Σ_{j: y_j = y_i} p_ij. NCA maximizes the expected number
 * of correctly classified points f(L) = Σ_i p_i with L-BFGS (we minimize −f, as scikit-learn does).
 *
 * Gradient. With d_ik = ‖L(x_i − x_k)‖² and W_ik = p_ik·([y_i = y_k] − p_i), ∂p_i/∂d_ik = −W_ik, so
 *
 *   ∂(−f)/∂L = 2·L·Σ_{i,k} W_ik (x_i − x_k)(x_i − x_k)ᵀ = 2·L·Xᵀ(D − S)X,   S = W + Wᵀ, D = diag(S·1).
 *
 * Exact cost per evaluation: O(n²·k) for the distances, O(n²) exponentials, O(n²·d + n·d²) for the gradient
 * ({@link ncaLossAndGradient}). That is too slow in one JavaScript thread for thousands of points, so the
 * learner optimizes a *truncated* objective (below), which is what makes it fast.
 *
 * Truncated softmax. p_ij decays like exp(−(d_ij − d_i,min)): a neighbour τ farther than i's nearest carries a
 * weight e^−τ relative to it. At a "refresh" we compute all distances in the current embedding once, O(n²·k/2),
 * and keep for each i the candidates C_i = {j : d_ij ≤ max(d_i,min + τ, (1 + η)·d_i,min)} (at least
 * `minCandidates`; at most `maxCandidates` of the nearest unless the rows beyond the cap could carry a relative mass
 * above 10⁻⁹, as with many ties near the front; the relative term η protects far-out rows, whose
 * distances move by more than τ when L changes by a few per cent), symmetrized into a pair graph. Between
 * refreshes the softmax runs over C_i only, which costs O(m·k) for m candidate pairs instead of O(n²·k).
 *
 * Error bound: if ρ_i = Σ_{j∉C_i} e^{−d_ij} / Σ_{j≠i} e^{−d_ij} is the mass left out of row i, the truncated p̃_i
 * satisfies |p_i − p̃_i| ≤ ρ_i (p_i = (1 − ρ_i)·p̃_i + (same-class mass outside)), so |f − f̃| ≤ Σ_i ρ_i. At the
 * moment of a refresh ρ_i ≤ (n − 1 − |C_i|)·e^{−τ} unless the cap bound, i.e. ≤ 3.8·10⁻¹¹·n with τ = 24. The
 * embedding moves between refreshes, so each refresh also measures how much mass the previous graph had lost
 * (its "staleness", Σρ_i; {@link ncaTruncationError} computes the same exactly) and adapts the refresh interval
 * (see {@link fitNca}); convergence is only accepted on a fresh graph. On digits (1438 training rows, 61 features)
 * the graph keeps ≈ 40 candidates per row (of 1437), the staleness is ≤ 6·10⁻² at the first refreshes and ≈ 10⁻⁷
 * at the last, against f ≈ 1420. Within one L-BFGS phase the truncated objective is a fixed smooth function, so
 * the line search is sound; the curvature pairs are kept across refreshes (they model a nearby function).
 *
 * Below {@link EXACT_BELOW} rows the complete graph is used (exact NCA). In the gradient, pair weights below
 * 10⁻¹² of the largest are skipped: a peaked softmax leaves most of them far below that.
 */

/** Below this many rows the exact objective is cheap enough: no truncation at all. */
export const EXACT_BELOW = 200;
/** Pair weights below this fraction of the largest are skipped in the gradient (relative effect ≲ m·10⁻¹²). */
const WEIGHT_CUTOFF = 1e-12;

/**
 * Exact NCA loss −Σ_i p_i and its gradient with respect to L, in the formulas of the file comment.
 * Pure: reads `flatL` (k, d) and `X` (n, d), returns new arrays. Cost O(n²·(k + d) + n·d² + k·d²) time,
 * O(n·(k + d) + d²) memory (rows of the softmax are formed one at a time).
 *
 * @param flatL (k, d) row-major linear map.
 * @param X (n, d) row-major data.
 * @param labels (n) class of each row.
 * @returns loss = −Σ_i p_i (to be minimized) and gradient = ∂loss/∂L (k, d) row-major.
 */
export function ncaLossAndGradient(
  flatL: Float64Array,
  X: Float64Array,
  n: number,
  d: number,
  k: number,
  labels: Int32Array,
): { loss: number; gradient: Float64Array } {
  if (flatL.length !== k * d) throw new RangeError(`ncaLossAndGradient: L must have ${k}×${d} entries, got ${flatL.length}.`);
  if (X.length !== n * d) throw new RangeError(`ncaLossAndGradient: X must have ${n}×${d} entries, got ${X.length}.`);
  const Z = new Float64Array(n * k); // (n, k)
  embedInto(X, n, d, flatL, k, Z);
  const row = new Float64Array(n); // distances, then probabilities, of row i
  const S = new Float64Array(n * n); // (n, n) S = W + Wᵀ
  let objective = 0;
  for (let i = 0; i < n; i++) {
    const min = squaredDistancesFromRow(Z, n, k, i, row);
    let total = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      row[j] = Math.exp(-(row[j]! - min));
      total += row[j]!;
    }
    let pi = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      row[j]! /= total;
      if (labels[j] === labels[i]) pi += row[j]!;
    }
    objective += pi;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const w = row[j]! * ((labels[j] === labels[i] ? 1 : 0) - pi); // W_ij
      S[i * n + j]! += w;
      S[j * n + i]! += w;
    }
  }
  // G = Xᵀ(D − S)X, gradient = 2·L·G.
  const B = new Float64Array(n * d); // (n, d) = (D − S)X
  for (let i = 0; i < n; i++) {
    let rowSum = 0;
    for (let j = 0; j < n; j++) {
      const s = S[i * n + j]!;
      if (s === 0) continue;
      rowSum += s;
      for (let f = 0; f < d; f++) B[i * d + f]! -= s * X[j * d + f]!;
    }
    for (let f = 0; f < d; f++) B[i * d + f]! += rowSum * X[i * d + f]!;
  }
  const G = new Float64Array(d * d); // (d, d)
  for (let i = 0; i < n; i++) {
    for (let a = 0; a < d; a++) {
      const x = X[i * d + a]!;
      for (let b = 0; b < d; b++) G[a * d + b]! += x * B[i * d + b]!;
    }
  }
  const gradient = new Float64Array(k * d); // (k, d)
  for (let r = 0; r < k; r++) {
    for (let a = 0; a < d; a++) {
      const l = flatL[r * d + a]!;
      for (let b = 0; b < d; b++) gradient[r * d + b]! += 2 * l * G[a * d + b]!;
    }
  }
  return { loss: -objective, gradient };
}

/**
 * The work buffers of {@link TruncatedNcaObjective} evaluations over one fit's rows, kept across the fit's candidate
 * refreshes (each refresh is a new objective on a new graph): the row-sized ones are allocated once, the pair-sized
 * ones grow when a graph has more pairs than any before. Every buffer is scratch that an evaluation writes before it
 * reads, so the objectives of one fit (and a trial objective beside the current one) can share them.
 */
export class NcaScratch {
  readonly X: Float64Array;
  /** Xᵀ (d, n), only where the pair scatter can use it (see {@link ncaTranspose}). */
  readonly Xt: Float64Array | null;
  /** The embedding and the gradient's products over the host's row blocks (see {@link BlockProducts}); null: here. */
  readonly products: BlockProducts | null;
  /** L and the gradient where the products' threads can read and write them (with products only). */
  readonly sharedL: Float64Array | null;
  readonly sharedGradient: Float64Array | null;
  readonly Z: Float64Array; // (n, k)
  readonly rowMin: Float64Array; // (n)
  readonly work: Float64Array;
  /** Per-pair buffers, `capacity` pairs each (rowExp: two entries per pair, one in each of its rows). */
  private capacity = 0;
  private pairBuffers = { dist: new Float64Array(0), weights: new Float64Array(0), pairExp: new Float64Array(0), rowExp: new Float64Array(0) };

  constructor(
    X: Float64Array,
    Xt: Float64Array | null,
    readonly n: number,
    readonly d: number,
    readonly k: number,
    products?: BlockProducts,
  ) {
    this.products = products ?? null;
    this.X = products ? products.shared(X) : X;
    this.Xt = products && Xt ? products.shared(Xt) : Xt;
    this.sharedL = products ? products.alloc(k * d) : null;
    this.sharedGradient = products ? products.alloc(k * d) : null;
    this.Z = products ? products.alloc(n * k) : new Float64Array(n * k);
    this.rowMin = new Float64Array(n);
    const workLength = pairScatterWorkLength(n, d, k);
    this.work = products ? products.alloc(workLength) : new Float64Array(workLength);
  }

  /** The per-pair buffers as views of `count` pairs (`rowExp`: 2·count). */
  pairs(count: number): { dist: Float64Array; weights: Float64Array; pairExp: Float64Array; rowExp: Float64Array } {
    if (count > this.capacity) {
      // A little room above the largest graph so far: later refreshes select a few more pairs as often as fewer.
      this.capacity = Math.ceil(count * 1.125);
      const c = this.capacity;
      this.pairBuffers = { dist: new Float64Array(c), weights: new Float64Array(c), pairExp: new Float64Array(c), rowExp: new Float64Array(2 * c) };
    }
    const { dist, weights, pairExp, rowExp } = this.pairBuffers;
    return { dist: dist.subarray(0, count), weights: weights.subarray(0, count), pairExp: pairExp.subarray(0, count), rowExp: rowExp.subarray(0, 2 * count) };
  }
}

/**
 * The truncated NCA objective over a fixed candidate pair graph: the softmax of row i runs over the pairs that
 * touch i only. With the complete graph it equals {@link ncaLossAndGradient} (to rounding). Works in the buffers of
 * its {@link NcaScratch}, so an evaluation allocates nothing. Cost per evaluation O(n·k·d) (embedding) + O(m·k)
 * (distances) + 2m exponentials + the pair scatter (see {@link pairScatterGradient}).
 */
export class TruncatedNcaObjective {
  private readonly same: Uint8Array;
  /** Σ_i p̃_i at the last evaluation. */
  lastObjective = 0;
  /**
   * Rows whose softmax is one-hot at the last evaluation: max_j p̃_ij ≥ 1 − {@link SATURATION_SLACK} (see
   * {@link ncaSaturated}). The row minimum is shifted to e⁰ = 1, so a row's peak is 1 / Σ_j e^{m_i − d_ij}.
   */
  lastOneHotRows = 0;

  constructor(
    private readonly scratch: NcaScratch,
    labels: Int32Array,
    readonly graph: PairGraph,
  ) {
    this.same = new Uint8Array(graph.count);
    for (let p = 0; p < graph.count; p++) this.same[p] = labels[graph.a[p]!] === labels[graph.b[p]!] ? 1 : 0;
  }

  /** Loss −Σ_i p̃_i at L (k, d); writes ∂loss/∂L into `gradient`. */
  evaluate(L: Float64Array, gradient: Float64Array): number {
    const { products, sharedL, sharedGradient } = this.scratch;
    if (!products) return this.evaluateWith(L, gradient, dotRows, timesRows);
    sharedL!.set(L);
    const loss = this.evaluateWith(sharedL!, sharedGradient!, products.dotRows, products.timesRows);
    gradient.set(sharedGradient!);
    return loss;
  }

  /** {@link evaluate} with the O(n·k·d) products (embedding, gradient) computed by `dot` and `times`. */
  private evaluateWith(L: Float64Array, gradient: Float64Array, dot: DotRows, times: TimesRows): number {
    const { same, graph } = this;
    const { X, Xt, n, d, k, Z, rowMin, work } = this.scratch;
    const { dist, weights, pairExp, rowExp } = this.scratch.pairs(graph.count);
    const { rowStart, rowPairs } = graph;
    embedInto(X, n, d, L, k, Z, dot);
    pairSquaredDistances(Z, k, graph, dist);
    weights.fill(0);
    // Row minima m_i (the softmax shift of each row).
    let lowest = Number.POSITIVE_INFINITY;
    let highest = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      let min = Number.POSITIVE_INFINITY;
      for (let t = rowStart[i]!; t < rowStart[i + 1]!; t++) {
        const v = dist[rowPairs[t]!]!;
        if (v < min) min = v;
      }
      rowMin[i] = min;
      if (min < lowest) lowest = min;
      if (min > highest) highest = min;
    }
    // One exponential per pair instead of two when the row minima are within SHARED_EXP_SPREAD of each other:
    // e^{m_i − d_p} = e^{m_i − c}·e^{c − d_p} with c = min_i m_i, where e^{c − d_p} ≤ 1 and e^{m_i − c} ≤ e^{500}; a
    // factor e^{c − d_p} that underflows belongs to a term below e^{−200} of its row's largest.
    const shared = highest - lowest <= SHARED_EXP_SPREAD;
    if (shared) for (let p = 0; p < graph.count; p++) pairExp[p] = Math.exp(lowest - dist[p]!);
    let objective = 0;
    let oneHot = 0;
    for (let i = 0; i < n; i++) {
      const start = rowStart[i]!;
      const end = rowStart[i + 1]!;
      if (end === start) continue;
      const min = rowMin[i]!;
      const factor = shared ? Math.exp(min - lowest) : 1;
      let total = 0;
      let inClass = 0;
      for (let t = start; t < end; t++) {
        const p = rowPairs[t]!;
        const e = shared ? factor * pairExp[p]! : Math.exp(min - dist[p]!);
        rowExp[t] = e;
        total += e;
        if (same[p] === 1) inClass += e;
      }
      const inv = 1 / total;
      const pi = inClass * inv;
      objective += pi;
      if (inv >= 1 - SATURATION_SLACK) oneHot++;
      // ∂(−f)/∂d_p gets W_ij = p_ij([same] − p_i) from row i's side.
      for (let t = start; t < end; t++) {
        const p = rowPairs[t]!;
        weights[p]! += rowExp[t]! * inv * (same[p]! - pi);
      }
    }
    this.lastObjective = objective;
    this.lastOneHotRows = oneHot;
    let largest = 0;
    for (let p = 0; p < graph.count; p++) {
      const a = Math.abs(weights[p]!);
      if (a > largest) largest = a;
    }
    // A peaked softmax leaves most pair weights at 10⁻¹² of the largest or less; they cannot move the gradient.
    pairScatterGradient(X, Xt, n, d, L, Z, k, graph, weights, gradient, work, WEIGHT_CUTOFF * largest, dot, pairScatterRows, times);
    return -objective;
  }
}

/** Largest spread of the row minima for which one exponential per pair is shared by its two rows. */
const SHARED_EXP_SPREAD = 500;

/**
 * Writes ‖z_i − z_j‖² for every row j ≠ i of Z (n, k) into `row[j]` (row[i] is left as it is) and returns the
 * smallest of them (+∞ when n = 1). Cost O(n·k).
 */
function squaredDistancesFromRow(Z: Float64Array, n: number, k: number, i: number, row: Float64Array): number {
  let min = Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) {
    if (j === i) continue;
    const s = rowSquaredDistance(Z, i, Z, j, k);
    row[j] = s;
    if (s < min) min = s;
  }
  return min;
}

/** The complete pair graph on n rows: the truncated objective on it is the exact one. */
export function completePairGraph(n: number): PairGraph {
  const neighbours: Int32Array[] = new Array<Int32Array>(n);
  for (let i = 0; i < n; i++) {
    const list = new Int32Array(n - 1 - i);
    for (let j = i + 1; j < n; j++) list[j - i - 1] = j;
    neighbours[i] = list;
  }
  return pairGraphFromNeighbours(n, neighbours);
}

/**
 * How much softmax mass a candidate graph leaves out at L: ρ_i for every row (see the file comment), with
 * their maximum and sum (|f − f̃| ≤ Σ ρ_i). Exact, O(n²·k): a diagnostic for tests and benchmarks.
 */
export function ncaTruncationError(
  L: Float64Array,
  X: Float64Array,
  n: number,
  d: number,
  k: number,
  graph: PairGraph,
): { max: number; sum: number } {
  const Z = new Float64Array(n * k);
  embedInto(X, n, d, L, k, Z);
  const inGraph = new Uint8Array(n);
  let max = 0;
  let sum = 0;
  const row = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    inGraph.fill(0);
    for (let t = graph.rowStart[i]!; t < graph.rowStart[i + 1]!; t++) {
      const p = graph.rowPairs[t]!;
      inGraph[graph.a[p] === i ? graph.b[p]! : graph.a[p]!] = 1;
    }
    const min = squaredDistancesFromRow(Z, n, k, i, row);
    let total = 0;
    let outside = 0;
    for (let j = 0; j < n; j++) {
      if (j === i) continue;
      const e = Math.exp(min - row[j]!);
      total += e;
      if (inGraph[j] === 0) outside += e;
    }
    const rho = total > 0 ? outside / total : 0;
    sum += rho;
    if (rho > max) max = rho;
  }
  return { max, sum };
}


/** NCA's parameters (scikit-learn's names where they exist: n_components, init, max_iter, tol). */
export const NCA_PARAMS = {
  components: componentsParam('Output dimension k (null = every feature).'),
  init: {
    type: 'enum',
    values: INIT_MODES,
    default: 'auto',
    description:
      "Starting L. 'auto' (scikit-learn's rule): 'lda' if k ≤ min(features, classes − 1), else 'pca' if k < min(features, rows), else 'identity'. 'random': standard normal entries from the seed.",
  },
  maxIter: { type: 'int', default: 50, min: 1, description: 'Maximum number of L-BFGS iterations.' },
  tol: {
    type: 'float',
    default: 1e-5,
    min: 0,
    description: 'Convergence tolerance: stop when the relative decrease of the loss or the largest gradient entry falls below it.',
  },
} as const satisfies ParamSpecs;

/** NCA's validated parameters. */
export type NcaParams = ParamValues<typeof NCA_PARAMS>;

export const ncaLearner = defineLearner({
  name: 'nca',
  title: 'NCA',
  description:
    'Neighbourhood Components Analysis (Goldberger et al. 2004): maximizes the expected number of points a stochastic (softmax) nearest-neighbour rule classifies correctly, by L-BFGS. Fast: the softmax is truncated to near neighbours, refreshed every few iterations.',
  input: 'labels',
  params: NCA_PARAMS,
  fit(data, params, { seed, hooks }) {
    return fitNcaLearner(data, params, seed, hooks);
  },
});

/** The learner's fit: labels and k checked, L0 from `init`, then {@link fitNca}. */
export function fitNcaLearner(data: TrainingData, params: NcaParams, seed: number, hooks: LearnerHooks): FitOutcome {
  const { labels, k } = checkLabeledData('nca', data, params.components);
  const init = resolveInit(params.init, k, data.d, data.n, data.nClasses);
  const L0 = initialComponents(data, k, init, seed, 'nca', hooks.products);
  return fitNca({ X: data.X, n: data.n, d: data.d, labels, k }, L0, { maxIter: params.maxIter, tol: params.tol, hooks }).outcome;
}

/** What {@link fitNca} did besides the outcome: for benchmarks and tests. */
export interface NcaDiagnostics {
  evaluations: number;
  /** Candidate refreshes after the first selection. */
  refreshes: number;
  /** Staleness (Σρ_i of the replaced graph) at each refresh; see nca-candidates.ts `CandidateRefresh`. */
  staleness: number[];
  /** Mean candidates per row of the last graph. */
  candidatesPerRow: number;
  exact: boolean;
  /** Scale factors applied to L to leave a saturated point (one per restart; empty when none was needed). */
  rescales: number[];
}

/** The data NCA fits: X (n, d) row-major, one label per row, output dimension k. */
export interface NcaProblem {
  X: Float64Array;
  n: number;
  d: number;
  labels: Int32Array;
  k: number;
}

export interface NcaOptions {
  maxIter: number;
  tol: number;
  hooks: LearnerHooks;
  /**
   * The L-BFGS step bound ‖ΔL‖ ≤ maxStepRatio·max(‖L‖, 1) (see {@link LbfgsConfig.maxStepRatio}); default
   * {@link NCA_MAX_STEP_RATIO}. ∞ gives the unbounded line search (for tests that show what the bound prevents).
   */
  maxStepRatio?: number;
  /** Rescaling restarts allowed at saturated points; default {@link NCA_MAX_RESCALES}. 0: report `saturated` at once. */
  maxRescales?: number;
}

/**
 * Iterations on the candidate graph selected at the start before the first refresh. On test/fixtures/nca-threshold.csv
 * (214 rows) that graph has lost 0.41 of the softmax mass after two iterations: the path then drifts from the exact
 * objective's and ended at Σ p_i = 162.98 where the exact path (and scikit-learn's) reach 164.0; refreshed after one,
 * it follows the exact path to 164.0.
 */
export const NCA_FIRST_REFRESH = 1;
/** A step may at most double ‖L‖ (N&W's α_max in the strong-Wolfe search). */
export const NCA_MAX_STEP_RATIO = 1;
/** Most rescaling restarts from saturated points in one fit. */
export const NCA_MAX_RESCALES = 3;
/** A row is one-hot when its softmax peak max_j p_ij is within this of 1. */
export const SATURATION_SLACK = 1e-3;
/** Smallest scale factor the saturation escape tries (2⁻⁴⁰: forty halvings). */
const MIN_RESCALE = 2 ** -40.5;
/** Saturation needs at least this fraction of the rows one-hot. */
export const SATURATED_FRACTION = 0.95;
/** From this fraction of one-hot rows on (with Σ p_i < n − ½) a smaller scale of L is tried (see {@link fitNca}). */
export const PEAKED_FRACTION = 0.5;

/**
 * Saturation: the softmax of the rows (all but {@link SATURATED_FRACTION}'s complement: ties between equidistant
 * neighbours and duplicates keep a few rows from being one-hot) puts its mass on one neighbour
 * (max_j p_ij ≥ 1 − {@link SATURATION_SLACK}) while the objective Σ p_i is below n − ½, i.e. some rows' single
 * neighbour is of another class. There every W_ij = p_ij([y_i = y_j] − p_i) is 0 or exponentially small, so ∇f ≈ 0
 * and the tolerance test passes, but f is the leave-one-out 1-NN count of the current map, not a point where the
 * gradient could see the misclassified rows: the tolerance test says nothing there.
 */
export function ncaSaturated(oneHotRows: number, objective: number, n: number): boolean {
  return oneHotRows >= SATURATED_FRACTION * n && objective < n - 0.5;
}

/**
 * Xᵀ (d, n) of the fit's rows where the pair scatter can use it (few features: d < 2k), in memory the fit's threads
 * read; else null, and the gradient takes its products from X itself (`timesRows`): at 60,000 × 784 that leaves out
 * a second 376 MB copy of the rows.
 */
function ncaTranspose(X: Float64Array, n: number, d: number, k: number, products: BlockProducts | null): Float64Array | null {
  if (!pairScatterUsesTranspose(d, k)) return null;
  const Xt = products ? products.alloc(n * d) : new Float64Array(n * d); // (d, n)
  transposeInto(X, n, d, Xt);
  return Xt;
}

/**
 * The NCA optimization from a starting L0 (k, d): L-BFGS on the truncated objective with candidate refreshes, driven
 * by {@link refreshingLbfgs}, with two safeguards against saturation (below).
 *
 * Refresh schedule ({@link RefreshInterval}): the first refresh comes after {@link NCA_FIRST_REFRESH} iteration (the
 * first steps are the largest, and the graph selected at the start goes stale fastest); afterwards the interval
 * doubles (up to 16) while the measured staleness stays below 1 % of the error budget max(tol, 10⁻⁶)·|f|, and
 * halves when it exceeds the budget. Convergence (relative decrease or gradient ≤ tol) is only accepted right after a
 * refresh that does not move the loss by more than tol, and a relative decrease ≤ tol with a gradient above tol only
 * when a step from a fresh memory gains no more either (see {@link refreshingLbfgs}).
 *
 * Safeguards. (1) Bounded steps: the strong-Wolfe line search starts the first step of a fresh memory at 1/‖g‖
 * (scipy's L-BFGS-B) and never extrapolates beyond ‖ΔL‖ = {@link NCA_MAX_STEP_RATIO}·max(‖L‖, 1): Σ p_i grows with
 * the scale of L whenever most nearest neighbours share the class, and an unbounded extrapolation follows that
 * slope until every softmax row is one-hot. (2) Saturation: at the start and whenever the run stops (tolerance or
 * stalled) with at least {@link PEAKED_FRACTION} of the rows one-hot and Σ p_i < n − ½, L is shrunk by the factor
 * c ∈ {½, ¼, …, 2⁻⁴⁰} that maximizes f(c·L) (halving across the plateau where f does not change, and on while it does
 * not fall) if that beats f(L) by more than tol; the memory is dropped and the run restarts there, at most
 * `maxRescales` times, within the one `maxIter` budget. A stop that is not left this way and that
 * {@link ncaSaturated} calls saturated ends the fit as `saturated` (converged: false). The check costs one objective
 * evaluation at the start and one at each stop (more only when the rows are peaked). The returned L is the best
 * iterate by Σ p_i.
 */
export function fitNca(problem: NcaProblem, L0: Float64Array, options: NcaOptions): { outcome: FitOutcome; diagnostics: NcaDiagnostics } {
  const { X, n, d, labels, k } = problem;
  const { maxIter, tol, hooks } = options;
  const maxRescales = options.maxRescales ?? NCA_MAX_RESCALES;
  const start = performance.now();
  const products = hooks.products ?? null;
  const rule = NCA_TRUNCATION;
  const exact = n < EXACT_BELOW;
  const Z = products ? products.alloc(n * k) : new Float64Array(n * k); // (n, k)
  // The full distance matrix of a refresh up to FULL_MATRIX_ROWS rows, reused by every refresh (row blocks beyond).
  const distanceBuffer = exact || n > FULL_MATRIX_ROWS ? null : new Float64Array(n * n);
  const refreshL = products ? products.alloc(k * d) : null; // the L of a refresh's embedding, where the team reads it
  const candidateTeam: CandidateTeam | null = products
    ? { shared: (a) => products.shared(a), alloc: (length) => products.alloc(length), runBlocks: (args, blocks) => products.runBlocks('ncaCandidates', args, blocks) }
    : null;
  const diagnostics: NcaDiagnostics = { evaluations: 0, refreshes: 0, staleness: [], candidatesPerRow: 0, exact, rescales: [] };

  let graph: PairGraph | null = null;
  const complete = exact ? completePairGraph(n) : null; // the one graph of the exact objective
  const selectGraph = (L: Float64Array, measure = true): PairGraph => {
    if (complete) return complete;
    if (products) {
      refreshL!.set(L);
      embedInto(products.shared(X), n, d, refreshL!, k, Z, products.dotRows);
    } else embedInto(X, n, d, L, k, Z);
    const refreshed = ncaCandidateGraph(Z, n, k, rule, distanceBuffer ?? undefined, measure ? (graph ?? undefined) : undefined, candidateTeam);
    if (graph && measure) diagnostics.staleness.push(refreshed.staleness);
    return refreshed.graph;
  };
  graph = selectGraph(L0);
  const buffers = new NcaScratch(X, ncaTranspose(X, n, d, k, products), n, d, k, hooks.products);
  let objective = new TruncatedNcaObjective(buffers, labels, graph);
  // The point and objective of the last evaluation, so that a check at the current point can reuse it.
  const lastPoint = new Float64Array(k * d);
  let lastEvaluatedBy: TruncatedNcaObjective | null = null;
  const evaluate: ObjectiveWithGradient = (x, g) => {
    lastPoint.set(x);
    lastEvaluatedBy = objective;
    return objective.evaluate(x, g);
  };
  const lbfgsConfig = { maxStepRatio: options.maxStepRatio ?? NCA_MAX_STEP_RATIO };
  let state = new LbfgsState(evaluate, L0, lbfgsConfig);
  let evaluations = 0;
  const trace: number[] = [];
  const interval = new RefreshInterval(tol, NCA_FIRST_REFRESH);

  /** Re-selects the candidates at the current L; returns whether that moved the loss (relatively) by more than tol. */
  const refreshing: RefreshingObjective = {
    fixed: exact,
    due: (iteration, sinceRefresh) => !exact && sinceRefresh >= interval.current && iteration < maxIter,
    refresh: () => {
      if (exact) return false;
      const before = state.value;
      graph = selectGraph(state.x);
      objective = new TruncatedNcaObjective(buffers, labels, graph);
      state.setObjective(evaluate);
      diagnostics.refreshes++;
      interval.adapt(diagnostics.staleness[diagnostics.staleness.length - 1] ?? 0, state.value);
      return Math.abs(relativeReduction(before, state.value)) > tol;
    },
  };

  let best = { L: Float64Array.from(state.x), objective: -state.value };
  const keepBest = (): void => {
    if (-state.value > best.objective) best = { L: Float64Array.from(state.x), objective: -state.value };
  };
  /** f(c·L) on a graph selected at c·L (the exact objective below EXACT_BELOW rows). */
  const scaledObjective = (L: Float64Array, c: number): { objective: number } => {
    const scaled = Float64Array.from(L, (v) => c * v);
    // The exact objective is the same function everywhere; the truncated one needs a graph selected at c·L.
    const trial = exact ? objective : new TruncatedNcaObjective(buffers, labels, selectGraph(scaled, false));
    lastEvaluatedBy = null;
    trial.evaluate(scaled, new Float64Array(k * d));
    evaluations++;
    return { objective: trial.lastObjective };
  };

  let iterations = 0;
  let stopReason: StopReason = 'maxIter';
  const scratch = new Float64Array(k * d);
  /**
   * At the start and at each stop point: when at least {@link PEAKED_FRACTION} of the rows are one-hot and Σ p_i < n − ½,
   * try smaller scales c·L; if one does better by more than tol and a restart is left, restart from the best
   * ('escaped'). Otherwise 'saturated' when {@link ncaSaturated} holds at L, else 'none'.
   */
  const escapeSaturation = (): 'none' | 'escaped' | 'saturated' => {
    // objective.lastObjective / lastOneHotRows describe the last evaluation: evaluate at state.x unless that was it.
    if (lastEvaluatedBy !== objective || !lastPoint.every((v, t) => v === state.x[t])) {
      objective.evaluate(state.x, scratch);
      evaluations++;
      lastPoint.set(state.x);
      lastEvaluatedBy = objective;
    }
    const f = objective.lastObjective;
    const oneHot = objective.lastOneHotRows;
    const verdict = ncaSaturated(oneHot, f, n) ? 'saturated' : 'none';
    if (!(oneHot >= PEAKED_FRACTION * n && f < n - 0.5)) return verdict;
    if (diagnostics.rescales.length >= maxRescales || iterations >= maxIter) return verdict;
    let bestC = 1;
    let bestF = f;
    // Halve the scale across the plateau (f unchanged while every row stays one-hot) and past it while f improves;
    // stop once f falls below the best so far by more than the tolerance.
    for (let c = 0.5; c > MIN_RESCALE; c /= 2) {
      const trial = scaledObjective(state.x, c);
      if (trial.objective > bestF) {
        bestC = c;
        bestF = trial.objective;
      } else if (!(trial.objective >= bestF - tol * Math.max(1, bestF))) break;
    }
    // No smaller scale does better: the map itself, not only its scale, is where it stopped.
    if (!(bestF > f + tol * Math.max(1, f))) return verdict;
    diagnostics.rescales.push(bestC);
    const L = Float64Array.from(state.x, (v) => bestC * v);
    if (!exact) {
      graph = selectGraph(L, false);
      objective = new TruncatedNcaObjective(buffers, labels, graph);
    }
    evaluations += state.evaluations;
    state = new LbfgsState(evaluate, L, lbfgsConfig);
    return 'escaped';
  };

  // A start that is saturated already (data at a large scale, no preprocessing) is shrunk before the first step.
  escapeSaturation();
  best = { L: Float64Array.from(state.x), objective: -state.value };
  for (;;) {
    const result = refreshingLbfgs(state, refreshing, {
      maxIter,
      tol,
      hooks,
      trace,
      report: (value) => -value,
      startMs: start,
      firstIteration: iterations,
    });
    iterations = result.iterations;
    stopReason = result.stopReason;
    keepBest();
    if (stopReason === 'maxIter' || hooks.shouldStop?.()) break;
    const escape = escapeSaturation();
    if (escape === 'escaped') continue;
    if (escape === 'saturated') stopReason = 'saturated';
    break;
  }
  diagnostics.evaluations = evaluations + state.evaluations;
  diagnostics.candidatesPerRow = graph ? (2 * graph.count) / n : 0;
  return {
    outcome: {
      L: best.L,
      nComponents: k,
      iterations,
      converged: convergedFor(stopReason),
      stopReason,
      objective: best.objective,
      objectiveTrace: trace,
    },
    diagnostics,
  };
}
