import { ValidationError } from '../../errors.ts';
import { convergedFor } from '../../domain/learned-metric.ts';
import { LbfgsState, type ObjectiveWithGradient } from '../../math/optimisation/index.ts';
import { rowSquaredDistance } from '../../math/distances/index.ts';
import {
  dotRows,
  embedInto,
  pairScatterGradient,
  pairScatterRows,
  pairScatterWorkLength,
  pairSquaredDistances,
  transposeInto,
  type DotRows,
  type PairScatterRows,
} from '../../math/dense/index.ts';
import { pairDistancesBlocks, pairIncidence, pairScatterRowsBlocks } from '../block-kernels.ts';
import { defineLearner, type BlockProducts, type FitOutcome, type LearnerHooks, type ParamSpecs, type ParamValues, type TrainingData } from '../learner.ts';
import { componentsParam } from '../params.ts';
import { checkLabeledData, initialComponents, INIT_MODES, refreshingLbfgs, resolveInit } from './common.ts';
import { ImpostorReach, selectImpostors, selectTargets, type ImpostorLists, type LmnnTeam } from './lmnn-neighbours.ts';

/**
 * Large Margin Nearest Neighbor (Weinberger & Saul, JMLR 2009), in metric-learn's formulation.
 *
 * Every row i has `k` target neighbours T(i): its nearest same-class rows in the input space, fixed once. With
 * d_ij = ‖L(x_i − x_j)‖², the loss pulls targets close and pushes differently-labeled "impostors" l out of a unit
 * margin around each target:
 *
 *   ε(L) = (1 − μ)·Σ_i Σ_{j∈T(i)} d_ij  +  μ·Σ_i Σ_{j∈T(i)} Σ_{l: y_l≠y_i} [1 + d_ij − d_il]₊ .
 *
 * It is piecewise quadratic in L. On each piece, with active triplets A = {(i, j, l): 1 + d_ij − d_il > 0},
 *
 *   ∂ε/∂L = 2·L·Σ_p w_p (x_a − x_b)(x_a − x_b)ᵀ,
 *   w_(i,j) = (1 − μ) + μ·#{l : (i, j, l) ∈ A}  for target pairs,   w_(i,l) = −μ·#{j : (i, j, l) ∈ A}  for impostor pairs,
 *
 * computed by the shared pair scatter ({@link pairScatterGradient}). We minimize ε over L with L-BFGS (its Wolfe
 * line search copes with the kinks in practice; a step that gains nothing ends the run as converged).
 *
 * Active set. Only impostors within reach matter: l can violate a margin of i only if d_il < max_j d_ij + 1. The
 * objective is evaluated over candidate lists holding the other-class rows with d_il < (1 + η)·(max_j d_ij + 1)
 * (η = `IMPOSTOR_SLACK`, lmnn-neighbours.ts), which costs O(n·k·d) for the embedding plus O(n·|T|·|I|) for the
 * triplets per evaluation instead of O(n²·k). The lists are re-selected *exactly* at accepted iterates: the triangle-inequality
 * bound of {@link ImpostorReach} (‖z_i − z_l‖ ≥ r⁰_il − m_i − m_l, from a reference embedding and each row's
 * movement since) rules out almost every pair without computing it, and a full O(n²·k/2) reset of the reference is
 * only needed while the embedding still moves a lot (see {@link fitLmnn} for the schedule). When a re-selection finds
 * an active triplet the old lists missed (their "staleness" > 0), the objective is re-evaluated; otherwise the value
 * and gradient are unchanged, and convergence is only accepted then. So the loss reported at the end is the exact
 * LMNN loss, not an approximation.
 *
 * Starting scale: L0 (from `init`, scikit-learn's rule) is multiplied by a scalar so that the median target distance
 * is 1, the margin's size ({@link scaleToMargin}); on z-scored data this halves the iterations.
 *
 * Threads: the target search, the reach lists' resets, the impostor selections (lmnn-neighbours.ts), the embedding,
 * the pair distances and the gradient's scatter and products run over the host's row blocks (`hooks.products`) when
 * it gives them, with the same bits for any number of threads; the learner itself never touches threads.
 */

/**
 * Exact LMNN loss and gradient (every impostor considered). Pure; O(n²·(k + |T|) + n·d²) time. For tests and
 * small problems; the learner uses {@link ActiveSetLmnnObjective}.
 *
 * @param flatL (k, d) row-major linear map.
 * @param X (n, d) row-major data.
 * @param targets CSR target lists from {@link selectTargets}.
 * @param mu push weight μ in [0, 1].
 * @returns loss ε(L) and gradient ∂ε/∂L (k, d) row-major (a subgradient at kinks: inactive when 1 + d_ij − d_il = 0).
 */
export function lmnnLossAndGradient(
  flatL: Float64Array,
  X: Float64Array,
  n: number,
  d: number,
  k: number,
  labels: Int32Array,
  targets: { start: Int32Array; index: Int32Array },
  mu: number,
): { loss: number; gradient: Float64Array } {
  if (flatL.length !== k * d) throw new RangeError(`lmnnLossAndGradient: L must have ${k}×${d} entries, got ${flatL.length}.`);
  const Z = new Float64Array(n * k);
  embedInto(X, n, d, flatL, k, Z);
  const dist = (a: number, b: number): number => rowSquaredDistance(Z, a, Z, b, k);
  const pa: number[] = [];
  const pb: number[] = [];
  const w: number[] = [];
  let loss = 0;
  const impostorWeight = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    impostorWeight.fill(0);
    for (let t = targets.start[i]!; t < targets.start[i + 1]!; t++) {
      const j = targets.index[t]!;
      const dij = dist(i, j);
      let weight = 1 - mu;
      loss += (1 - mu) * dij;
      for (let l = 0; l < n; l++) {
        if (labels[l] === labels[i]) continue;
        const h = 1 + dij - dist(i, l);
        if (h > 0) {
          loss += mu * h;
          weight += mu;
          impostorWeight[l]! -= mu;
        }
      }
      pa.push(i);
      pb.push(j);
      w.push(weight);
    }
    for (let l = 0; l < n; l++) {
      if (impostorWeight[l] === 0) continue;
      pa.push(i);
      pb.push(l);
      w.push(impostorWeight[l]!);
    }
  }
  const pairs = { count: pa.length, a: Int32Array.from(pa), b: Int32Array.from(pb) };
  const Xt = new Float64Array(n * d);
  transposeInto(X, n, d, Xt);
  const gradient = new Float64Array(k * d);
  pairScatterGradient(X, Xt, n, d, flatL, Z, k, pairs, Float64Array.from(w), gradient, new Float64Array(pairScatterWorkLength(n, d, k)));
  return { loss, gradient };
}

/**
 * The LMNN loss over fixed target and candidate-impostor lists. Pairs are laid out as targets first (n·|T|
 * directed pairs (i, j)), then impostors ((i, l) per candidate); weights follow the file comment. Owns its
 * buffers: an evaluation allocates nothing.
 */
export class ActiveSetLmnnObjective {
  private readonly pairs: { count: number; a: Int32Array; b: Int32Array };
  private readonly nTargets: number;
  private readonly Z: Float64Array;
  private readonly dist: Float64Array;
  private readonly weights: Float64Array;
  private readonly work: Float64Array;
  private readonly X: Float64Array;
  private readonly Xt: Float64Array;
  /** The embedding and the gradient's products over the host's row blocks (see {@link BlockProducts}); null: here. */
  private readonly products: BlockProducts | null;
  /** L and the gradient where the products' threads can read and write them (with products only). */
  private readonly sharedL: Float64Array | null;
  private readonly sharedGradient: Float64Array | null;
  /** The gradient's pair scatter: over the products' row blocks (each row gathering its pairs), or here. */
  private readonly scatter: PairScatterRows;
  /** Active triplets at the last evaluation. */
  activeTriplets = 0;

  constructor(
    X: Float64Array,
    Xt: Float64Array,
    private readonly n: number,
    private readonly d: number,
    private readonly k: number,
    private readonly targets: { start: Int32Array; index: Int32Array },
    private readonly impostors: ImpostorLists,
    private readonly mu: number,
    work?: Float64Array,
    products?: BlockProducts,
  ) {
    this.products = products ?? null;
    this.X = products ? products.shared(X) : X;
    this.Xt = products ? products.shared(Xt) : Xt;
    this.sharedL = products ? products.alloc(k * d) : null;
    this.sharedGradient = products ? products.alloc(k * d) : null;
    const nT = targets.index.length;
    const nI = impostors.index.length;
    const a = products ? products.allocInt32(nT + nI) : new Int32Array(nT + nI);
    const b = products ? products.allocInt32(nT + nI) : new Int32Array(nT + nI);
    for (let i = 0; i < n; i++) {
      for (let t = targets.start[i]!; t < targets.start[i + 1]!; t++) {
        a[t] = i;
        b[t] = targets.index[t]!;
      }
      for (let t = impostors.start[i]!; t < impostors.start[i + 1]!; t++) {
        a[nT + t] = i;
        b[nT + t] = impostors.index[t]!;
      }
    }
    this.pairs = { count: nT + nI, a, b };
    this.nTargets = nT;
    this.Z = products ? products.alloc(n * k) : new Float64Array(n * k);
    this.dist = products ? products.alloc(nT + nI) : new Float64Array(nT + nI);
    this.weights = products ? products.alloc(nT + nI) : new Float64Array(nT + nI);
    if (products) {
      const incidence = pairIncidence(n, this.pairs, (length) => products.allocInt32(length));
      const { a: pairA, b: pairB } = this.pairs;
      this.scatter = (V, rows, width, _pairs, weights, skipBelow, Bt) =>
        products.runBlocks('pairScatterRows', { V, n: rows, width, a: pairA, b: pairB, weights, skipBelow, incidence, Bt }, pairScatterRowsBlocks(rows));
    } else this.scatter = pairScatterRows;
    this.work = work ?? (products ? products.alloc(pairScatterWorkLength(n, d, k)) : new Float64Array(pairScatterWorkLength(n, d, k)));
  }

  /** The embedding X·Lᵀ (n, k) of the last evaluation (overwritten by the next one). */
  get embedding(): Float64Array {
    return this.Z;
  }

  /** A copy of the L of the last evaluation, or null before the first. */
  lastL: Float64Array | null = null;

  /** ε(L) on these lists; writes ∂ε/∂L (k, d) into `gradient`. */
  evaluate(L: Float64Array, gradient: Float64Array): number {
    if (!this.products) return this.evaluateWith(L, gradient, dotRows);
    this.sharedL!.set(L);
    const loss = this.evaluateWith(this.sharedL!, this.sharedGradient!, this.products.dotRows);
    gradient.set(this.sharedGradient!);
    return loss;
  }

  /** {@link evaluate} with the O(n·k·d) products (embedding, gradient) computed by `dot`, the pair distances over the products' blocks. */
  private evaluateWith(L: Float64Array, gradient: Float64Array, dot: DotRows): number {
    const { n, d, k, Z, dist, weights, targets, impostors, mu, nTargets } = this;
    embedInto(this.X, n, d, L, k, Z, dot);
    if (this.products) this.products.runBlocks('pairDistances', { Z, k, ...this.pairs, out: dist }, pairDistancesBlocks(this.pairs.count));
    else pairSquaredDistances(Z, k, this.pairs, dist);
    let loss = 0;
    let active = 0;
    const pull = 1 - mu;
    weights.fill(0);
    for (let i = 0; i < n; i++) {
      const iStart = impostors.start[i]!;
      const iEnd = impostors.start[i + 1]!;
      for (let t = targets.start[i]!; t < targets.start[i + 1]!; t++) {
        const dij = dist[t]!;
        loss += pull * dij;
        let hits = 0;
        let hinge = 0;
        const reach = 1 + dij;
        for (let s = iStart; s < iEnd; s++) {
          const h = reach - dist[nTargets + s]!;
          if (h > 0) {
            hinge += h;
            hits++;
            weights[nTargets + s]! -= mu;
          }
        }
        loss += mu * hinge;
        active += hits;
        weights[t] = pull + mu * hits;
      }
    }
    this.activeTriplets = active;
    if (!this.lastL) this.lastL = new Float64Array(L.length);
    this.lastL.set(L);
    pairScatterGradient(this.X, this.Xt, n, d, L, Z, k, this.pairs, weights, gradient, this.work, 0, dot, this.scatter);
    return loss;
  }
}

/** The row passes of lmnn-neighbours.ts on the fit's team of threads. */
function lmnnTeam(products: BlockProducts): LmnnTeam {
  return {
    shared: (array) => products.shared(array),
    alloc: (length) => products.alloc(length),
    allocInt32: (length) => products.allocInt32(length),
    runReach: (args, blocks) => products.runBlocks('lmnnReach', args, blocks),
    runImpostors: (args, blocks) => products.runBlocks('lmnnImpostors', args, blocks),
    runTargets: (args, blocks) => products.runBlocks('lmnnTargets', args, blocks),
  };
}

/** What {@link fitLmnn} did besides the outcome: for benchmarks and tests. */
export interface LmnnDiagnostics {
  evaluations: number;
  /** Impostor re-selections, and full O(n²·k/2) resets of the reach lists (the first included). */
  refreshes: number;
  resets: number;
  /** Missed hinge loss found at each re-selection (0: the lists were complete). */
  staleness: number[];
  /** Mean candidate impostors per row in the last lists. */
  impostorsPerRow: number;
  activeTriplets: number;
}

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let t = 0; t < a.length; t++) if (a[t] !== b[t]) return false;
  return true;
}

/**
 * A re-selection that would compute more than this many exact distances, as a fraction of n², resets the reach
 * lists first: the blocked O(n²·k/2) pass of a reset runs about twice as fast per pair as unblocked distances, so
 * it costs about as much as n²/4 of them.
 */
const RESET_WORK = 0.25;
/** Shortest and longest runs of iterations without re-selecting impostors while re-selection is expensive. */
const MIN_INTERVAL = 1;
const MAX_INTERVAL = 8;

/** The data LMNN fits: X (n, d) row-major, labels, fixed targets (see {@link selectTargets}), output dimension k. */
export interface LmnnProblem {
  X: Float64Array;
  n: number;
  d: number;
  labels: Int32Array;
  targets: { start: Int32Array; index: Int32Array };
  k: number;
}

export interface LmnnOptions {
  /** Push weight μ of the loss. */
  mu: number;
  maxIter: number;
  tol: number;
  hooks: LearnerHooks;
}

/**
 * LMNN from a starting L0 (k, d) with fixed targets: L-BFGS on the active-set loss, driven by {@link refreshingLbfgs}.
 *
 * Impostors are re-selected exactly at accepted iterates through {@link ImpostorReach}. While that is cheap (the
 * bound rules out all but a few pairs: late in the run) it happens after every iteration; while it is expensive
 * (the embedding still moves a lot, so a bound reset would be needed) it happens every `interval` iterations, the
 * interval doubling (up to {@link MAX_INTERVAL}) after a re-selection that found nothing missed and dropping to 1
 * after one that did. The objective is re-evaluated only when the new lists hold an active triplet the old ones
 * missed. Convergence — relative decrease or max |∇| ≤ tol on the function the step was taken on — is accepted only
 * right after a re-selection that found nothing missed, so the returned L is scored on the exact LMNN loss. A line
 * search that cannot decrease the loss on fresh lists ends the run as `stalled` (converged: false).
 */
export function fitLmnn(problem: LmnnProblem, L0: Float64Array, options: LmnnOptions): { outcome: FitOutcome; diagnostics: LmnnDiagnostics } {
  const { X, n, d, labels, targets, k } = problem;
  const { mu, maxIter, tol, hooks } = options;
  const start = performance.now();
  const Xt = hooks.products ? hooks.products.alloc(n * d) : new Float64Array(n * d); // (d, n), where the fit's threads read it
  transposeInto(X, n, d, Xt);
  const work = hooks.products ? hooks.products.alloc(pairScatterWorkLength(n, d, k)) : new Float64Array(pairScatterWorkLength(n, d, k));
  const diagnostics: LmnnDiagnostics = { evaluations: 0, refreshes: 0, resets: 1, staleness: [], impostorsPerRow: 0, activeTriplets: 0 };
  const team = hooks.products ? lmnnTeam(hooks.products) : null;
  const Z = team ? team.alloc(n * k) : new Float64Array(n * k); // (n, k), where the fit's threads read it
  const products = hooks.products;
  const sharedX = products ? products.shared(X) : X;
  const sharedL = products ? products.alloc(k * d) : null;
  /** Z = X·Lᵀ, over the products' row blocks when there are any. */
  const embed = (L: Float64Array): void => {
    if (!products || !sharedL) return embedInto(X, n, d, L, k, Z);
    sharedL.set(L);
    embedInto(sharedX, n, d, sharedL, k, Z, products.dotRows);
  };
  embed(L0);
  const reach = new ImpostorReach(n, k, labels, team);
  reach.reset(Z, targets);
  let impostors = selectImpostors(Z, n, k, labels, targets, mu, reach, undefined, team).impostors;
  let objective = new ActiveSetLmnnObjective(X, Xt, n, d, k, targets, impostors, mu, work, hooks.products);
  const evaluate: ObjectiveWithGradient = (x, g) => objective.evaluate(x, g);
  const state = new LbfgsState(evaluate, L0);
  const trace: number[] = [];
  let interval = 1;
  let expensive = false;

  const embedCurrent = (): void => {
    if (objective.lastL && sameArray(objective.lastL, state.x)) Z.set(objective.embedding);
    else embed(state.x);
  };
  const result = refreshingLbfgs(
    state,
    {
      afterStep: () => {
        embedCurrent();
        reach.updateMovement(Z);
        expensive = reach.exactWork(Z, targets) > RESET_WORK * n * n;
      },
      due: (_iteration, sinceRefresh) => !expensive || sinceRefresh >= interval,
      /** Re-selects at Z (the current iterate); returns whether the lists had missed an active triplet. */
      refresh: () => {
        if (expensive) {
          reach.reset(Z, targets);
          diagnostics.resets++;
        }
        const selection = selectImpostors(Z, n, k, labels, targets, mu, reach, impostors, team);
        diagnostics.refreshes++;
        diagnostics.staleness.push(selection.staleness);
        diagnostics.activeTriplets = objective.activeTriplets;
        impostors = selection.impostors;
        objective = new ActiveSetLmnnObjective(X, Xt, n, d, k, targets, impostors, mu, work, hooks.products);
        const missed = selection.staleness > 0;
        state.setObjective(evaluate, true, missed);
        interval = missed ? MIN_INTERVAL : Math.min(2 * interval, MAX_INTERVAL);
        return missed;
      },
    },
    { maxIter, tol, hooks, trace, report: (value) => value, startMs: start },
  );
  diagnostics.evaluations = state.evaluations;
  diagnostics.impostorsPerRow = impostors.index.length / n;
  const { iterations, stopReason } = result;
  return {
    outcome: {
      L: Float64Array.from(state.x),
      nComponents: k,
      iterations,
      converged: convergedFor(stopReason),
      stopReason,
      objective: state.value,
      objectiveTrace: trace,
    },
    diagnostics,
  };
}

/**
 * Rescales L (k, d) in place so that the median target distance d_ij becomes 1, the size of the margin. From a
 * start whose distances are far larger than the margin (z-scored data has d_ij of the order of the feature count),
 * the optimizer would otherwise spend its first iterations shrinking L as a whole while the impostor sets churn.
 * A scalar factor changes no neighbour ordering. O(n·|T|·k + n·k·d), the embedding over the `products`' row blocks.
 */
export function scaleToMargin(
  L: Float64Array,
  X: Float64Array,
  n: number,
  d: number,
  k: number,
  targets: { start: Int32Array; index: Int32Array },
  products?: BlockProducts,
): void {
  const Z = products ? products.alloc(n * k) : new Float64Array(n * k);
  if (products) {
    const sharedL = products.alloc(k * d);
    sharedL.set(L);
    embedInto(products.shared(X), n, d, sharedL, k, Z, products.dotRows);
  } else embedInto(X, n, d, L, k, Z);
  const dist = new Float64Array(targets.index.length);
  for (let i = 0; i < n; i++) {
    for (let t = targets.start[i]!; t < targets.start[i + 1]!; t++) dist[t] = rowSquaredDistance(Z, i, Z, targets.index[t]!, k);
  }
  dist.sort();
  const median = dist.length ? dist[dist.length >> 1]! : 0;
  if (!(median > 0) || !Number.isFinite(median)) return;
  const factor = 1 / Math.sqrt(median);
  for (let t = 0; t < L.length; t++) L[t]! *= factor;
}

/** LMNN's parameters (metric-learn's names in the descriptions). */
export const LMNN_PARAMS = {
  k: { type: 'int', default: 3, min: 1, description: 'Number of target neighbours per point (same-class nearest neighbours).' },
  components: componentsParam('Output dimension (null = every feature).'),
  init: {
    type: 'enum',
    values: INIT_MODES,
    default: 'auto',
    description:
      "Starting L. 'auto' (scikit-learn's rule): 'lda' if components ≤ min(features, classes − 1), else 'pca' if components < min(features, rows), else 'identity'.",
  },
  mu: {
    type: 'float',
    default: 0.5,
    min: 0,
    max: 1,
    description: 'Push weight μ: the loss is (1 − μ)·pull + μ·push (metric-learn’s `regularization`; 0.5 = equal weight).',
  },
  maxIter: { type: 'int', default: 200, min: 1, description: 'Maximum number of L-BFGS iterations.' },
  tol: {
    type: 'float',
    default: 1e-3,
    min: 0,
    description:
      "Convergence tolerance: stop when the relative decrease of the loss in one iteration or the largest gradient entry falls below it (metric-learn's `convergence_tol` default, 1e-3).",
  },
} as const satisfies ParamSpecs;

export type LmnnParams = ParamValues<typeof LMNN_PARAMS>;

export const lmnnLearner = defineLearner({
  name: 'lmnn',
  title: 'LMNN',
  description:
    'Large Margin Nearest Neighbor (Weinberger & Saul 2009): pulls each point’s k target neighbours (same class) close and pushes differently-labeled impostors out of a unit margin; L-BFGS on the hinge loss with an active set of impostors.',
  input: 'labels',
  params: LMNN_PARAMS,
  fit(data, params, { seed, hooks }) {
    return fitLmnnLearner(data, params, seed, hooks);
  },
});

/** The learner's fit: labels and k checked, L0 from `init` scaled to the margin, targets chosen, then {@link fitLmnn}. */
export function fitLmnnLearner(data: TrainingData, params: LmnnParams, seed: number, hooks: LearnerHooks): FitOutcome {
  const { labels, k } = checkLabeledData('lmnn', data, params.components);
  const init = resolveInit(params.init, k, data.d, data.n, data.nClasses);
  const L0 = initialComponents(data, k, init, seed, 'lmnn', hooks.products);
  const targets = selectTargets(data.X, data.n, data.d, labels, params.k, hooks.products ? lmnnTeam(hooks.products) : null);
  if (targets.index.length === 0) {
    throw new ValidationError('lmnn needs at least one class with 2 or more training rows to choose target neighbours.');
  }
  scaleToMargin(L0, data.X, data.n, data.d, k, targets, hooks.products);
  const problem = { X: data.X, n: data.n, d: data.d, labels, targets, k };
  return fitLmnn(problem, L0, { mu: params.mu, maxIter: params.maxIter, tol: params.tol, hooks }).outcome;
}
