import { ValidationError } from '../../errors.ts';
import { rowSquaredDistance } from '../../math/distances.ts';
import { LbfgsState, maxAbs, relativeReduction, type ObjectiveWithGradient } from '../../math/lbfgs.ts';
import {
  embedInto,
  pairGraphFromNeighbours,
  pairScatterGradient,
  pairScatterWorkLength,
  pairSquaredDistances,
  smallestIndices,
  distanceRowsBufferLength,
  forEachDistanceRow,
  transposeInto,
  type PairGraph,
} from '../../math/neighbour-kernels.ts';
import { createRng } from '../../math/seeded-random.ts';
import type { FitOutcome, LearnerDefinition, LearnerHooks, TrainingData } from '../learner.ts';
import { componentsParam, componentsUpTo } from '../params.ts';
import { ldaLearner } from './lda.ts';
import { pcaLearner } from './pca.ts';

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

/** The truncation rule (see the file comment). Fixed constants, documented, not user parameters. */
export interface NcaTruncation {
  /** Candidates of i: every j with d_ij ≤ max(d_i,min + tau, (1 + relativeMargin)·d_i,min). */
  tau: number;
  /**
   * For far-out rows (large d_i,min) a small relative change of L moves distances by more than tau; the relative
   * margin keeps the neighbours that such a change could bring to the front.
   */
  relativeMargin: number;
  minCandidates: number;
  maxCandidates: number;
}

export const NCA_TRUNCATION: NcaTruncation = { tau: 24, relativeMargin: 0.2, minCandidates: 10, maxCandidates: 160 };

/** Below this many rows the exact objective is cheap enough: no truncation at all. */
export const EXACT_BELOW = 200;
/** Pair weights below this fraction of the largest are skipped in the gradient (relative effect ≲ m·10⁻¹²). */
const WEIGHT_CUTOFF = 1e-12;
/** Iterations before the first candidate refresh, and the longest interval between refreshes. */
const FIRST_INTERVAL = 2;
const MAX_INTERVAL = 16;

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
 * The truncated NCA objective over a fixed candidate pair graph: the softmax of row i runs over the pairs that
 * touch i only. With the complete graph it equals {@link ncaLossAndGradient} (to rounding). Holds its own work
 * buffers, so an evaluation allocates nothing. Cost per evaluation O(n·k·d) (embedding) + O(m·k) (distances)
 * + 2m exponentials + the pair scatter (see {@link pairScatterGradient}).
 */
export class TruncatedNcaObjective {
  private readonly Z: Float64Array;
  private readonly dist: Float64Array;
  private readonly weights: Float64Array;
  private readonly same: Uint8Array;
  private readonly rowExp: Float64Array;
  private readonly rowMin: Float64Array;
  private readonly pairExp: Float64Array;
  private readonly work: Float64Array;
  /** Σ_i p̃_i at the last evaluation. */
  lastObjective = 0;

  constructor(
    private readonly X: Float64Array,
    private readonly Xt: Float64Array,
    private readonly n: number,
    private readonly d: number,
    private readonly k: number,
    labels: Int32Array,
    readonly graph: PairGraph,
  ) {
    this.Z = new Float64Array(n * k);
    this.dist = new Float64Array(graph.count);
    this.weights = new Float64Array(graph.count);
    this.same = new Uint8Array(graph.count);
    for (let p = 0; p < graph.count; p++) this.same[p] = labels[graph.a[p]!] === labels[graph.b[p]!] ? 1 : 0;
    this.rowExp = new Float64Array(2 * graph.count);
    this.rowMin = new Float64Array(n);
    this.pairExp = new Float64Array(graph.count);
    this.work = new Float64Array(pairScatterWorkLength(n, d, k));
  }

  /** Loss −Σ_i p̃_i at L (k, d); writes ∂loss/∂L into `gradient`. */
  evaluate(L: Float64Array, gradient: Float64Array): number {
    const { n, d, k, Z, dist, weights, same, rowExp, graph } = this;
    const { rowStart, rowPairs } = graph;
    embedInto(this.X, n, d, L, k, Z);
    pairSquaredDistances(Z, k, graph, dist);
    weights.fill(0);
    // Row minima m_i (the softmax shift of each row).
    const rowMin = this.rowMin;
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
    const pairExp = this.pairExp;
    if (shared) for (let p = 0; p < graph.count; p++) pairExp[p] = Math.exp(lowest - dist[p]!);
    let objective = 0;
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
      // ∂(−f)/∂d_p gets W_ij = p_ij([same] − p_i) from row i's side.
      for (let t = start; t < end; t++) {
        const p = rowPairs[t]!;
        weights[p]! += rowExp[t]! * inv * (same[p]! - pi);
      }
    }
    this.lastObjective = objective;
    let largest = 0;
    for (let p = 0; p < graph.count; p++) {
      const a = Math.abs(weights[p]!);
      if (a > largest) largest = a;
    }
    // A peaked softmax leaves most pair weights at 10⁻¹² of the largest or less; they cannot move the gradient.
    pairScatterGradient(this.X, this.Xt, n, d, L, Z, k, graph, weights, gradient, this.work, WEIGHT_CUTOFF * largest);
    return -objective;
  }
}

/** A candidate refresh: the new pair graph and how stale the previous one had become. */
export interface CandidateRefresh {
  graph: PairGraph;
  /**
   * Σ_i ρ_i of the *previous* graph at this embedding: the softmax mass it was missing when it was replaced
   * (an upper bound on |f − f̃| at the end of the previous phase). 0 without a previous graph.
   */
  staleness: number;
}

/** Largest spread of the row minima for which one exponential per pair is shared by its two rows. */
const SHARED_EXP_SPREAD = 500;
/** The candidate cap applies only while the mass it could drop from a row is below this (relative to the nearest). */
const CAP_MASS = 1e-9;

/** Beyond this gap above a row's nearest distance, e^{−gap} < 5·10⁻¹⁸ is treated as 0 in the staleness sum. */
const NEGLIGIBLE_GAP = 40;

/**
 * Candidate pair graph for the truncated softmax in the embedding Z (n, k), by the rule of {@link NcaTruncation}.
 * Cost O(n²·k/2) for the distances plus O(n²) for the selection; memory O(n²) up to 4096 rows, O(n) beyond (see
 * {@link forEachDistanceRow}; pass `buffer` to reuse one). With `previous`, also measures that graph's staleness.
 */
export function ncaCandidateGraph(
  Z: Float64Array,
  n: number,
  k: number,
  rule: NcaTruncation = NCA_TRUNCATION,
  buffer?: Float64Array,
  previous?: PairGraph,
): CandidateRefresh {
  const neighbours: Int32Array[] = new Array(n);
  const minC = Math.min(rule.minCandidates, n - 1);
  const maxC = Math.min(rule.maxCandidates, n - 1);
  const member = previous ? new Int32Array(n).fill(-1) : null;
  const picked = new Int32Array(n);
  let staleness = 0;
  forEachDistanceRow(
    Z,
    n,
    k,
    (i, row) => {
      let min = Number.POSITIVE_INFINITY;
      for (let j = 0; j < n; j++) if (j !== i && row[j]! < min) min = row[j]!;
      if (previous && member) {
        for (let t = previous.rowStart[i]!; t < previous.rowStart[i + 1]!; t++) {
          const p = previous.rowPairs[t]!;
          member[previous.a[p] === i ? previous.b[p]! : previous.a[p]!] = i;
        }
        const far = min + NEGLIGIBLE_GAP;
        let total = 0;
        let outside = 0;
        for (let j = 0; j < n; j++) {
          const v = row[j]!;
          if (j === i || v > far) continue;
          const e = Math.exp(min - v);
          total += e;
          if (member[j] !== i) outside += e;
        }
        staleness += outside / total;
      }
      const cut = Math.max(min + rule.tau, min * (1 + rule.relativeMargin));
      let count = 0;
      for (let j = 0; j < n; j++) {
        if (row[j]! <= cut && j !== i) picked[count++] = j;
      }
      if (count < minC) neighbours[i] = nearestByInsertion(row, n, minC, i);
      else if (count > maxC) {
        // The cap is for speed only: keep it when the rows it drops carry no real mass (they are all at least as far
        // as the farthest kept one); with many ties near the front (duplicates, discrete features) keep them all.
        const kept = smallestIndices(row, n, maxC, i);
        let farthest = 0;
        for (const j of kept) if (row[j]! > farthest) farthest = row[j]!;
        neighbours[i] = (count - maxC) * Math.exp(min - farthest) <= CAP_MASS ? kept : picked.slice(0, count);
      } else neighbours[i] = picked.slice(0, count);
    },
    buffer,
  );
  return { graph: pairGraphFromNeighbours(n, neighbours), staleness };
}

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

/**
 * Indices of the `count` smallest entries of row[0 … n) except `exclude`, by one scan with a sorted buffer
 * (ties: lower index first). O(n + count²) worst case, O(n) typically: most entries fail the first comparison.
 */
function nearestByInsertion(row: Float64Array, n: number, count: number, exclude: number): Int32Array {
  const idx = new Int32Array(count);
  const val = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  let size = 0;
  for (let j = 0; j < n; j++) {
    if (j === exclude) continue;
    const v = row[j]!;
    if (size === count && !(v < val[count - 1]!)) continue;
    let pos = size < count ? size++ : count - 1;
    while (pos > 0 && val[pos - 1]! > v) {
      val[pos] = val[pos - 1]!;
      idx[pos] = idx[pos - 1]!;
      pos--;
    }
    val[pos] = v;
    idx[pos] = j;
  }
  return idx;
}

/** The complete pair graph on n rows: the truncated objective on it is the exact one. */
export function completePairGraph(n: number): PairGraph {
  const neighbours: Int32Array[] = new Array(n);
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

export type NcaInit = 'auto' | 'pca' | 'lda' | 'identity' | 'random';

/**
 * scikit-learn's documented `init='auto'` rule: 'lda' if k ≤ min(d, C − 1), else 'pca' if k < min(d, n),
 * else 'identity'.
 */
export function resolveNcaInit(init: NcaInit, k: number, d: number, n: number, nClasses: number): Exclude<NcaInit, 'auto'> {
  if (init !== 'auto') return init;
  if (k <= Math.min(d, nClasses - 1)) return 'lda';
  if (k < Math.min(d, n)) return 'pca';
  return 'identity';
}

/** The starting L (k, d) for an init mode (pca and lda through the baseline learners, sklearn's conventions). */
export function initialComponents(data: TrainingData, k: number, init: Exclude<NcaInit, 'auto'>, seed: number, method: string): Float64Array {
  const { d } = data;
  const quiet: LearnerHooks = {};
  switch (init) {
    case 'identity': {
      const L = new Float64Array(k * d);
      for (let r = 0; r < Math.min(k, d); r++) L[r * d + r] = 1;
      return L;
    }
    case 'random': {
      const rng = createRng(seed);
      const L = new Float64Array(k * d);
      for (let t = 0; t < L.length; t++) L[t] = rng.normal();
      return L;
    }
    case 'pca':
      return pcaLearner.fit(data, { components: k, whiten: false }, { seed, hooks: quiet }).L;
    case 'lda': {
      let present = 0;
      const seen = new Set<number>();
      for (const c of data.labels ?? []) seen.add(c);
      present = seen.size;
      const maxK = Math.min(d, present - 1);
      if (k > maxK) {
        throw new ValidationError(
          `${method}: init 'lda' gives at most min(features, classes − 1) = ${maxK} components, but 'components' is ${k}.`,
        );
      }
      return ldaLearner.fit(data, { components: k, regularization: 1e-4 }, { seed, hooks: quiet }).L;
    }
  }
}

/** Checks the data a label-based neighbourhood learner needs and returns the labels and the output dimension. */
export function checkLabeledData(method: string, data: TrainingData, components: number | null): { labels: Int32Array; k: number } {
  const { labels, n, d } = data;
  if (!labels) throw new ValidationError(`${method} learns from class labels, but none were given.`);
  if (n < 2) throw new ValidationError(`${method} needs at least 2 training rows, got ${n}.`);
  return { labels, k: componentsUpTo(method, components, d) };
}

export const ncaLearner: LearnerDefinition = {
  name: 'nca',
  title: 'NCA',
  description:
    'Neighbourhood Components Analysis (Goldberger et al. 2004): maximizes the expected number of points a stochastic (softmax) nearest-neighbour rule classifies correctly, by L-BFGS. Fast: the softmax is truncated to near neighbours, refreshed every few iterations.',
  input: 'labels',
  params: {
    components: componentsParam('Output dimension k (null = every feature).'),
    init: {
      type: 'enum',
      values: ['auto', 'pca', 'lda', 'identity', 'random'],
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
  },
  fit(data, params, { seed, hooks }) {
    const { labels, k } = checkLabeledData('nca', data, params.components as number | null);
    const init = resolveNcaInit(params.init as NcaInit, k, data.d, data.n, data.nClasses);
    const L0 = initialComponents(data, k, init, seed, 'nca');
    return fitNca(data.X, data.n, data.d, labels, L0, k, params.maxIter as number, params.tol as number, hooks).outcome;
  },
};

/** What {@link fitNca} did besides the outcome: for benchmarks and tests. */
export interface NcaDiagnostics {
  evaluations: number;
  /** Candidate refreshes after the first selection. */
  refreshes: number;
  /** Staleness (Σρ_i of the replaced graph) at each refresh; see {@link CandidateRefresh}. */
  staleness: number[];
  /** Mean candidates per row of the last graph. */
  candidatesPerRow: number;
  exact: boolean;
}

/**
 * The NCA optimization from a starting L0 (k, d): L-BFGS on the truncated objective with candidate refreshes.
 *
 * Refresh schedule: the first refresh comes after `FIRST_INTERVAL` iterations (the early steps are the largest);
 * afterwards the interval doubles (up to `MAX_INTERVAL`) while the measured staleness stays below 1 % of the
 * error budget max(tol, 10⁻⁶)·|f|, and halves when it exceeds the budget. Convergence (relative decrease or
 * gradient ≤ tol) is only accepted right after a refresh that does not move the loss by more than tol.
 */
export function fitNca(
  X: Float64Array,
  n: number,
  d: number,
  labels: Int32Array,
  L0: Float64Array,
  k: number,
  maxIter: number,
  tol: number,
  hooks: LearnerHooks,
): { outcome: FitOutcome; diagnostics: NcaDiagnostics } {
  const start = performance.now();
  const Xt = new Float64Array(n * d); // (d, n)
  transposeInto(X, n, d, Xt);
  const rule = NCA_TRUNCATION;
  const exact = n < EXACT_BELOW;
  const Z = new Float64Array(n * k); // (n, k)
  const distanceBuffer = exact ? null : new Float64Array(distanceRowsBufferLength(n)); // reused by every refresh
  const diagnostics: NcaDiagnostics = { evaluations: 0, refreshes: 0, staleness: [], candidatesPerRow: 0, exact };

  let graph: PairGraph | null = null;
  const selectGraph = (L: Float64Array): PairGraph => {
    if (exact || !distanceBuffer) return completePairGraph(n);
    embedInto(X, n, d, L, k, Z);
    const refreshed = ncaCandidateGraph(Z, n, k, rule, distanceBuffer, graph ?? undefined);
    if (graph) diagnostics.staleness.push(refreshed.staleness);
    return refreshed.graph;
  };
  graph = selectGraph(L0);
  let objective = new TruncatedNcaObjective(X, Xt, n, d, k, labels, graph);
  const evaluate: ObjectiveWithGradient = (x, g) => objective.evaluate(x, g);
  const state = new LbfgsState(evaluate, L0);
  const trace: number[] = [];
  let iterations = 0;
  let converged = false;
  let sinceRefresh = 0;
  let interval = FIRST_INTERVAL;

  /** Re-selects the candidates at the current L; returns how much that moved the loss (relative). */
  const refresh = (): number => {
    if (exact) return 0;
    const before = state.value;
    graph = selectGraph(state.x);
    objective = new TruncatedNcaObjective(X, Xt, n, d, k, labels, graph);
    state.setObjective(evaluate);
    diagnostics.refreshes++;
    sinceRefresh = 0;
    const staleness = diagnostics.staleness[diagnostics.staleness.length - 1] ?? 0;
    const budget = Math.max(tol, 1e-6) * Math.max(1, Math.abs(state.value));
    if (staleness <= 0.01 * budget) interval = Math.min(2 * interval, MAX_INTERVAL);
    else if (staleness > budget) interval = Math.max(1, interval >> 1);
    return Math.abs(relativeReduction(before, state.value));
  };

  if (maxAbs(state.gradient) <= tol) converged = true;
  while (!converged && iterations < maxIter) {
    if (hooks.shouldStop?.()) break;
    const step = state.step();
    if (step.status === 'failed') {
      // No decrease on this (truncated) function: stationary, unless the candidates were stale.
      if (sinceRefresh === 0 || refresh() <= tol) converged = true;
      continue;
    }
    iterations++;
    sinceRefresh++;
    trace.push(-state.value);
    hooks.onIteration?.({ iteration: iterations, objective: -state.value, elapsedMs: performance.now() - start });
    const small = relativeReduction(step.previousValue, step.value) <= tol || maxAbs(state.gradient) <= tol;
    if (small) {
      // Accept convergence only on fresh candidate lists: if refreshing moves the loss, keep going.
      if (exact || refresh() <= tol) converged = true;
    } else if (sinceRefresh >= interval && iterations < maxIter) {
      refresh();
    }
  }
  diagnostics.evaluations = state.evaluations;
  diagnostics.candidatesPerRow = graph ? (2 * graph.count) / n : 0;
  return {
    outcome: { L: Float64Array.from(state.x), nComponents: k, iterations, converged, objectiveTrace: trace },
    diagnostics,
  };
}
