import { ValidationError } from '../../errors.ts';
import { convergedFor } from '../../domain/learned-metric.ts';
import { LbfgsState, type ObjectiveWithGradient } from '../../math/optimisation/index.ts';
import { BoundedTopK, smallestIndices } from '../../math/neighbours/index.ts';
import { distanceRowsBufferLength, forEachDistanceRow, rowSquaredDistance } from '../../math/distances/index.ts';
import {
  dotRows,
  embedInto,
  pairScatterGradient,
  pairScatterWorkLength,
  pairSquaredDistances,
  transposeInto,
  type DotRows,
} from '../../math/dense/index.ts';
import { defineLearner, type BlockProducts, type FitOutcome, type LearnerHooks, type ParamSpecs, type ParamValues, type TrainingData } from '../learner.ts';
import { componentsParam } from '../params.ts';
import { checkLabeledData, initialComponents, INIT_MODES, refreshingLbfgs, resolveInit } from './common.ts';

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
 * (η = {@link IMPOSTOR_SLACK}), which costs O(n·k·d) for the embedding plus O(n·|T|·|I|) for the triplets per
 * evaluation instead of O(n²·k). The lists are re-selected *exactly* at accepted iterates: the triangle-inequality
 * bound of {@link ImpostorReach} (‖z_i − z_l‖ ≥ r⁰_il − m_i − m_l, from a reference embedding and each row's
 * movement since) rules out almost every pair without computing it, and a full O(n²·k/2) reset of the reference is
 * only needed while the embedding still moves a lot (see {@link fitLmnn} for the schedule). When a re-selection finds
 * an active triplet the old lists missed (their "staleness" > 0), the objective is re-evaluated; otherwise the value
 * and gradient are unchanged, and convergence is only accepted then. So the loss reported at the end is the exact
 * LMNN loss, not an approximation.
 *
 * Starting scale: L0 (from `init`, scikit-learn's rule) is multiplied by a scalar so that the median target distance
 * is 1, the margin's size ({@link scaleToMargin}); on z-scored data this halves the iterations. No threads: a
 * learner never touches them.
 */

/** Relative slack of the impostor radius, see the file comment. */
export const IMPOSTOR_SLACK = 0.5;

/**
 * Target neighbours: for each row, the `k` nearest rows of the same class (squared Euclidean in X (n, d); ties by
 * lower index). A class with c ≤ k rows gives each of its rows its c − 1 classmates. Returned as CSR:
 * targets of i are `index[start[i] … start[i+1])`. Cost O(n²·d) time (see {@link forEachDistanceRow} for memory).
 */
export function selectTargets(X: Float64Array, n: number, d: number, labels: Int32Array, k: number): { start: Int32Array; index: Int32Array } {
  const start = new Int32Array(n + 1);
  const lists: Int32Array[] = [];
  const top = new BoundedTopK(k);
  forEachDistanceRow(X, n, d, (i, row) => {
    top.clear();
    const yi = labels[i];
    for (let j = 0; j < n; j++) if (j !== i && labels[j] === yi) top.offer(row[j]!, j);
    const size = top.size;
    lists.push(top.index.slice(0, size));
    start[i + 1] = start[i]! + size;
  });
  const index = new Int32Array(start[n]!);
  lists.forEach((list, i) => index.set(list, start[i]!));
  return { start, index };
}

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

/** Directed impostor candidates: for anchor i, `index[start[i] … start[i+1])` are other-class rows. */
export interface ImpostorLists {
  start: Int32Array;
  index: Int32Array;
}

/** Margin of every row at Z (n, k): max_{j∈T(i)} d_ij + 1 → `out` (n). O(n·|T|·k). */
function rowMargins(Z: Float64Array, n: number, k: number, targets: { start: Int32Array; index: Int32Array }, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let reach = 0;
    for (let t = targets.start[i]!; t < targets.start[i + 1]!; t++) reach = Math.max(reach, rowSquaredDistance(Z, i, Z, targets.index[t]!, k));
    out[i] = reach + 1;
  }
  return out;
}

/** Rows whose movement is handled exactly (not bounded) at each re-selection, see {@link ImpostorReach}. */
const MOVERS = 16;
/** Longest reach list per row (memory O(n·MAX_REACH)); a longer one is cut at its MAX_REACH nearest rows. */
const MAX_REACH = 2048;
/** How far, in multiples of the impostor radius (root distances), the reach lists extend at a reset. */
const REACH_FACTOR = 1.6;

/**
 * Reach lists: what makes exact impostor re-selection cheap. At a {@link reset} at embedding Z⁰ we keep, for every
 * row i, the other-class rows l whose root distance r⁰_il = ‖z⁰_i − z⁰_l‖ is below the cap
 * c_i = {@link REACH_FACTOR}·√((1 + η)·margin_i), with r⁰_il (rounded down). For a later Z with movements
 * m_l = ‖z_l − z⁰_l‖ the triangle inequality gives ‖z_i − z_l‖ ≥ r⁰_il − m_i − m_l, so as long as
 * √radius_i + m_i + max m < c_i no row outside the list can be within the radius (it had r⁰ ≥ c_i): the re-selection
 * scans the list only, and computes exact distances only for entries the bound cannot rule out. The few rows that
 * moved most (the "movers") are compared exactly with every row instead, so that max m is taken over the others
 * and one far-travelling row does not void every bound. A row whose cap no longer covers its radius is scanned in
 * full (and many such rows call for a reset). Memory O(Σ list lengths).
 */
export class ImpostorReach {
  start: Int32Array;
  index: Int32Array;
  root: Float64Array;
  readonly cap: Float64Array;
  readonly movement: Float64Array;
  /** Largest movement among the rows that are not {@link movers}. */
  maxMovement = 0;
  /** The rows that moved most: a re-selection computes their distances exactly instead of bounding them. */
  movers: Int32Array = new Int32Array(0);
  readonly isMover: Uint8Array;
  private readonly Z0: Float64Array;
  private readonly margins: Float64Array;
  private buffer: Float64Array | undefined;

  constructor(
    readonly n: number,
    readonly k: number,
    private readonly labels: Int32Array,
  ) {
    this.start = new Int32Array(n + 1);
    this.index = new Int32Array(0);
    this.root = new Float64Array(0);
    this.cap = new Float64Array(n);
    this.movement = new Float64Array(n);
    this.isMover = new Uint8Array(n);
    this.Z0 = new Float64Array(n * k);
    this.margins = new Float64Array(n);
  }

  /** Takes Z (n, k) as the reference and rebuilds the lists: O(n²·k/2) (see {@link forEachDistanceRow}). */
  reset(Z: Float64Array, targets: { start: Int32Array; index: Int32Array }): void {
    const { n, k, labels, cap } = this;
    rowMargins(Z, n, k, targets, this.margins);
    for (let i = 0; i < n; i++) cap[i] = REACH_FACTOR * Math.sqrt((1 + IMPOSTOR_SLACK) * this.margins[i]!);
    let largest = 0;
    for (let i = 0; i < n * k; i++) largest = Math.max(largest, Math.abs(Z[i]!));
    // Gram-trick rounding is about (k + 2)·ε·(‖z_i‖² + ‖z_j‖²): subtract a safe multiple before the root.
    const slack = 1e-12 * (k + 2) * 2 * k * largest * largest;
    const shrink = 1 - 2 ** -20;
    // Mutable state lives in one object so the per-row callback does not write captured variables in its loop.
    const acc = { index: new Int32Array(Math.max(16, 8 * n)), root: new Float64Array(Math.max(16, 8 * n)), count: 0 };
    this.buffer ??= new Float64Array(distanceRowsBufferLength(n));
    const rowStart = this.start;
    const candidates = new Int32Array(n);
    forEachDistanceRow(
      Z,
      n,
      k,
      (i, row) => {
        const yi = labels[i];
        const c2 = cap[i]! * cap[i]!;
        let inReach = 0;
        for (let l = 0; l < n; l++) if (row[l]! < c2 && labels[l] !== yi) candidates[inReach++] = l;
        if (inReach > MAX_REACH) {
          // Keep the MAX_REACH nearest; every row left out is at least as far as the nearest of them (`cut`), so
          // lowering the cap to that distance keeps the cover argument valid.
          const values = Float64Array.from(candidates.subarray(0, inReach), (l) => row[l]!);
          const order = smallestIndices(values, inReach, MAX_REACH + 1);
          let far = 0;
          for (let t = 1; t < order.length; t++) if (values[order[t]!]! > values[order[far]!]!) far = t;
          const cut = values[order[far]!]!;
          const kept = Int32Array.from(order.filter((_, t) => t !== far), (t) => candidates[t]!).sort();
          candidates.set(kept);
          inReach = kept.length;
          cap[i] = (cut > slack ? Math.sqrt(cut - slack) : 0) * shrink;
        }
        let index = acc.index;
        let root = acc.root;
        let count = acc.count;
        for (let t = 0; t < inReach; t++) {
          const l = candidates[t]!;
          const v = row[l]!;
          if (count === index.length) {
            const grownIndex = new Int32Array(index.length * 2);
            grownIndex.set(index);
            index = grownIndex;
            const grownRoot = new Float64Array(root.length * 2);
            grownRoot.set(root);
            root = grownRoot;
          }
          index[count] = l;
          root[count++] = v > slack ? Math.sqrt(v - slack) * shrink : 0;
        }
        acc.index = index;
        acc.root = root;
        acc.count = count;
        rowStart[i + 1] = count;
      },
      this.buffer,
    );
    const { index, root, count } = acc;
    this.index = index.slice(0, count);
    this.root = root.slice(0, count);
    this.Z0.set(Z.subarray(0, n * k));
    this.movement.fill(0);
    this.maxMovement = 0;
    this.movers = new Int32Array(0);
    this.isMover.fill(0);
  }

  /**
   * m_i = ‖z_i − z⁰_i‖ (rounded up) for Z (n, k); also picks the {@link MOVERS} rows that moved most (checked
   * exactly by every re-selection) and the largest movement among the others, {@link maxMovement}. O(n·k).
   */
  updateMovement(Z: Float64Array): number {
    const { n, k, Z0, movement } = this;
    for (let i = 0; i < n; i++) movement[i] = Math.sqrt(rowSquaredDistance(Z, i, Z0, i, k)) * (1 + 2 ** -40);
    const count = Math.min(MOVERS, n);
    const top = count > 0 ? smallestIndices(Float64Array.from(movement, (m) => -m), n, count) : new Int32Array(0);
    this.isMover.fill(0);
    for (const i of top) this.isMover[i] = 1;
    this.movers = top;
    let max = 0;
    for (let i = 0; i < n; i++) if (this.isMover[i] === 0 && movement[i]! > max) max = movement[i]!;
    this.maxMovement = max;
    return max;
  }

  /**
   * The exact distances a re-selection at Z would compute (rows not covered by their list count n each, movers
   * n each, list entries the bound cannot rule out 1 each). Call {@link updateMovement} first. O(n·|T|·k + Σ list).
   */
  exactWork(Z: Float64Array, targets: { start: Int32Array; index: Int32Array }): number {
    const { n, k, cap, movement, margins, start, root, index, isMover } = this;
    rowMargins(Z, n, k, targets, margins);
    let work = this.movers.length * n;
    for (let i = 0; i < n; i++) {
      const limit = Math.sqrt((1 + IMPOSTOR_SLACK) * margins[i]!) + movement[i]!;
      if (limit + this.maxMovement >= cap[i]!) {
        work += n;
        continue;
      }
      for (let t = start[i]!; t < start[i + 1]!; t++) {
        const l = index[t]!;
        if (isMover[l] === 0 && root[t]! - movement[l]! <= limit) work++;
      }
    }
    return work;
  }
}

/**
 * Candidate impostors of every row in the embedding Z (n, k): the other-class rows l with
 * d_il < (1 + η)·(max_{j∈T(i)} d_ij + 1). Exact: a row is scanned through its {@link ImpostorReach} list when the
 * list provably covers the radius, in full otherwise; within a list, entries the movement bound rules out are not
 * computed. Without `reach` a fresh one is made at Z.
 * Also returns the staleness of `previous`: the hinge loss μ·Σ [1 + d_ij − d_il]₊ of the triplets active at Z whose
 * impostor l the previous lists did not hold (0 means the previous lists give the same loss and gradient at Z).
 */
export function selectImpostors(
  Z: Float64Array,
  n: number,
  k: number,
  labels: Int32Array,
  targets: { start: Int32Array; index: Int32Array },
  mu: number,
  reach?: ImpostorReach,
  previous?: ImpostorLists,
): { impostors: ImpostorLists; staleness: number; exact: number; fullRows: number } {
  if (!reach) {
    reach = new ImpostorReach(n, k, labels);
    reach.reset(Z, targets);
  }
  reach.updateMovement(Z);
  const { movement, cap, maxMovement, movers, isMover } = reach;
  const listStart = reach.start;
  const listIndex = reach.index;
  const listRoot = reach.root;
  const start = new Int32Array(n + 1);
  let index = new Int32Array(Math.max(16, 4 * n));
  let count = 0;
  let exact = 0;
  let fullRows = 0;
  const mark = previous ? new Int32Array(n).fill(-1) : null;
  let staleness = 0;
  const targetDist = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t0 = targets.start[i]!;
    const nT = targets.start[i + 1]! - t0;
    let farthest = 0;
    for (let t = 0; t < nT; t++) {
      const v = rowSquaredDistance(Z, i, Z, targets.index[t0 + t]!, k);
      targetDist[t] = v;
      if (v > farthest) farthest = v;
    }
    const margin = farthest + 1;
    const radius = (1 + IMPOSTOR_SLACK) * margin;
    const limit = Math.sqrt(radius) + movement[i]!;
    if (mark && previous) {
      for (let t = previous.start[i]!; t < previous.start[i + 1]!; t++) mark[previous.index[t]!] = i;
    }
    // Scan the reach list when it provably covers the radius, every other-class row otherwise.
    const useList = limit + maxMovement < cap[i]!;
    if (!useList) fullRows++;
    const from = useList ? listStart[i]! : 0;
    const to = useList ? listStart[i + 1]! + movers.length : n;
    const yi = labels[i];
    const a = i * k;
    for (let t = from; t < to; t++) {
      let l: number;
      if (!useList) {
        l = t;
        if (labels[l] === yi) continue;
      } else if (t < listStart[i + 1]!) {
        l = listIndex[t]!;
        // Movers are computed exactly below, whether or not they are on the list.
        if (isMover[l] === 1 || listRoot[t]! - movement[l]! > limit) continue;
      } else {
        l = movers[t - listStart[i + 1]!]!;
        if (labels[l] === yi) continue;
      }
      exact++;
      const b = l * k;
      let v = 0;
      for (let r = 0; r < k; r++) {
        const u = Z[a + r]! - Z[b + r]!;
        v += u * u;
      }
      if (mark && v < margin && mark[l] !== i) {
        for (let q = 0; q < nT; q++) {
          const h = 1 + targetDist[q]! - v;
          if (h > 0) staleness += mu * h;
        }
      }
      if (v < radius) {
        if (count === index.length) {
          const grown = new Int32Array(index.length * 2);
          grown.set(index);
          index = grown;
        }
        index[count++] = l;
      }
    }
    start[i + 1] = count;
  }
  return { impostors: { start, index: index.slice(0, count) }, staleness, exact, fullRows };
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
    const a = new Int32Array(nT + nI);
    const b = new Int32Array(nT + nI);
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
    this.dist = new Float64Array(nT + nI);
    this.weights = new Float64Array(nT + nI);
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

  /** {@link evaluate} with the O(n·k·d) products (embedding, gradient) computed by `dot`. */
  private evaluateWith(L: Float64Array, gradient: Float64Array, dot: DotRows): number {
    const { n, d, k, Z, dist, weights, targets, impostors, mu, nTargets } = this;
    embedInto(this.X, n, d, L, k, Z, dot);
    pairSquaredDistances(Z, k, this.pairs, dist);
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
    pairScatterGradient(this.X, this.Xt, n, d, L, Z, k, this.pairs, weights, gradient, this.work, 0, dot);
    return loss;
  }
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
  const Z = new Float64Array(n * k);
  embedInto(X, n, d, L0, k, Z);
  const reach = new ImpostorReach(n, k, labels);
  reach.reset(Z, targets);
  let impostors = selectImpostors(Z, n, k, labels, targets, mu, reach).impostors;
  let objective = new ActiveSetLmnnObjective(X, Xt, n, d, k, targets, impostors, mu, work, hooks.products);
  const evaluate: ObjectiveWithGradient = (x, g) => objective.evaluate(x, g);
  const state = new LbfgsState(evaluate, L0);
  const trace: number[] = [];
  let interval = 1;
  let expensive = false;

  const embedCurrent = (): void => {
    if (objective.lastL && sameArray(objective.lastL, state.x)) Z.set(objective.embedding);
    else embedInto(X, n, d, state.x, k, Z);
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
        const selection = selectImpostors(Z, n, k, labels, targets, mu, reach, impostors);
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
 * A scalar factor changes no neighbour ordering. O(n·|T|·k + n·k·d).
 */
export function scaleToMargin(L: Float64Array, X: Float64Array, n: number, d: number, k: number, targets: { start: Int32Array; index: Int32Array }): void {
  const Z = new Float64Array(n * k);
  embedInto(X, n, d, L, k, Z);
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
  const targets = selectTargets(data.X, data.n, data.d, labels, params.k);
  if (targets.index.length === 0) {
    throw new ValidationError('lmnn needs at least one class with 2 or more training rows to choose target neighbours.');
  }
  scaleToMargin(L0, data.X, data.n, data.d, k, targets);
  const problem = { X: data.X, n: data.n, d: data.d, labels, targets, k };
  return fitLmnn(problem, L0, { mu: params.mu, maxIter: params.maxIter, tol: params.tol, hooks }).outcome;
}
