/**
 * SCML, Sparse Compositional Metric Learning (Shi, Bellet & Sha 2014), as metric-learn's SCML / SCML_Supervised:
 * the metric is a sparse non-negative combination of rank-one bases, M = Σ_j w_j·b_j b_jᵀ (B (nBasis, d) with rows
 * b_j), learned from triplets (a, b, c) "a is closer to b than to c" with a hinge on the margin and an ℓ₁ penalty:
 *
 *   minimize  (1/T)·Σ_t [1 + d_w(a,b) − d_w(a,c)]₊ + β·Σ_j w_j,   w ≥ 0,   d_w(x,y) = Σ_j w_j·(b_jᵀ(x − y))²
 *
 * (a zero-hinge margin of 1 in squared distance). Solved by the regularized dual averaging of the paper with
 * AdaGrad scaling, exactly metric-learn's update: per iteration a mini-batch of `batchSize` triplets drawn
 * uniformly (seeded), ḡ ← running mean of the sub-gradients, h ← √(h² + g²), w = (t + 1)/(γ·(δ + h))·max(−ḡ − β, 0)
 * (δ = 10⁻³); every `outputIter` iterations the exact objective over all triplets is computed and the best w kept.
 * The γ, β and batch size given are the ones used (metric-learn's SCML_Supervised drops γ).
 *
 * Bases (`auto`, the default, is `lda` when the fit has the class labels, i.e. comparisons generated from them, and
 * `triplet_diffs` when it learns from comparisons alone):
 * - `lda` (SCML_Supervised's default; needs the class labels): k-means centers of the rows; around each center,
 *   the min(n_c, s) nearest rows of every class c for two scales s ({10, 20}, or {20, 50} beyond 50 features);
 *   Fisher LDA on each such neighbourhood gives min(C − 1, d) unit directions. nBasis default
 *   min(20·d, 2·n·min(C − 1, d) − 1). (k-means with 10 k-means++ restarts, as metric-learn's scikit-learn KMeans.)
 * - `triplet_diffs` (SCML's): repeatedly d triplets drawn without replacement give
 *   D = Σ δ_ab δ_abᵀ − Σ δ_ac δ_acᵀ; the eigenvectors of D² with a positive eigenvalue are bases (metric-learn takes
 *   rows of the eigenvector matrix instead of its columns). nBasis default 80·d.
 *
 * The result: with fewer active bases (w_j > 0) than features, L = diag(√w)·B_active (low rank); otherwise
 * L with LᵀL = M. Per iteration O(batchSize·nBasis); each objective O(nBasis·d² + n·d² + T·d).
 */
import { ValidationError } from '../../errors.ts';
import type { StopReason } from '../../domain/learned-metric.ts';
import { symmetricEigen, tryCholesky } from '../../math/decompositions/index.ts';
import { componentsFromMetric } from '../../math/decompositions/index.ts';
import { createRng, type Rng } from '../../math/random/index.ts';
import { selectSmallestSorted } from '../../math/neighbours/index.ts';
import { kMeans } from '../evaluation/clustering.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';

/** 'auto': 'lda' when the fit has the class labels (generated comparisons), 'triplet_diffs' otherwise. */
export const SCML_BASES = ['auto', 'lda', 'triplet_diffs'] as const;
export type ScmlBasis = (typeof SCML_BASES)[number];

export const scmlLearner = defineLearner({
  name: 'scml',
  title: 'SCML (triplets)',
  description:
    'Sparse Compositional Metric Learning (Shi et al. 2014): a sparse non-negative combination of rank-one bases (local LDA directions or triplet differences), learned from relative comparisons by dual averaging.',
  input: 'triplets',
  params: {
    basis: {
      type: 'enum',
      values: SCML_BASES,
      default: 'auto',
      description:
        "Bases: local LDA directions ('lda', needs class labels) or triplet differences ('triplet_diffs'); 'auto' is 'lda' when the fit has class labels (comparisons generated from them), 'triplet_diffs' on comparisons alone.",
    },
    nBasis: { type: 'int', default: null, min: 1, nullable: true, description: "Number of bases (null = metric-learn's default for the basis kind)." },
    gamma: { type: 'float', default: 5e-3, min: 0, exclusiveMin: true, description: 'γ: learning-rate scale of the dual averaging (larger = smaller steps).' },
    beta: { type: 'float', default: 1e-5, min: 0, description: 'β: ℓ₁ penalty on the basis weights.' },
    batchSize: { type: 'int', default: 10, min: 1, max: 100000, description: 'Triplets per stochastic iteration.' },
    maxIter: { type: 'int', default: 10000, min: 1, max: 10000000, description: 'Number of stochastic iterations.' },
    kGenuine: { type: 'int', default: 3, min: 1, description: 'Same-class nearest neighbours per anchor when triplets are generated from class labels.' },
    kImpostor: { type: 'int', default: 10, min: 1, description: 'Other-class nearest neighbours per anchor when triplets are generated from class labels.' },
    outputIter: { type: 'int', default: 500, min: 1, max: 10000000, description: 'Iterations between exact objective evaluations (the best one is kept).' },
  },
  fit(data, params, { seed, hooks }) {
    return fitScml(data, params, seed, hooks);
  },
});

export interface ScmlParams {
  basis: ScmlBasis;
  nBasis: number | null;
  gamma: number;
  beta: number;
  batchSize: number;
  maxIter: number;
  outputIter: number;
}

/** XB = X·Bᵀ (n, nBasis): each row's coordinate along each basis. */
function project(X: Float64Array, n: number, d: number, B: Float64Array, nBasis: number): Float64Array {
  const XB = new Float64Array(n * nBasis);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let j = 0; j < nBasis; j++) {
      let s = 0;
      const b = j * d;
      for (let f = 0; f < d; f++) s += X[row + f]! * B[b + f]!;
      XB[i * nBasis + j] = s;
    }
  }
  return XB;
}

/** M = Σ_j w_j b_j b_jᵀ (d, d). */
export function scmlMetric(B: Float64Array, w: Float64Array, nBasis: number, d: number): Float64Array {
  const M = new Float64Array(d * d);
  for (let j = 0; j < nBasis; j++) {
    const wj = w[j]!;
    if (wj <= 0) continue;
    const b = j * d;
    for (let f = 0; f < d; f++) {
      const a = wj * B[b + f]!;
      if (a === 0) continue;
      for (let g = f; g < d; g++) M[f * d + g]! += a * B[b + g]!;
    }
  }
  for (let f = 0; f < d; f++) for (let g = 0; g < f; g++) M[f * d + g] = M[g * d + f]!;
  return M;
}

/**
 * The SCML objective of the file comment for the metric M (d, d) (any PSD M, so metric-learn's L can be scored
 * too): (1/T)·Σ_t [1 + d_M(a,b) − d_M(a,c)]₊ + β·Σ_j w_j (pass penalty = β·Σw; 0 for a metric given as M).
 * Distances through G = X·M: d_M(x,y) = q_x + q_y − 2·g_xᵀy with q_x = g_xᵀx. Cost O(n·d² + T·d).
 */
export function scmlObjective(M: Float64Array, X: Float64Array, n: number, d: number, triplets: Int32Array, penalty: number): number {
  const G = new Float64Array(n * d);
  const q = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    for (let f = 0; f < d; f++) {
      const x = X[row + f]!;
      if (x === 0) continue;
      const m = f * d;
      for (let g = 0; g < d; g++) G[row + g]! += x * M[m + g]!;
    }
    let s = 0;
    for (let f = 0; f < d; f++) s += G[row + f]! * X[row + f]!;
    q[i] = s;
  }
  const T = triplets.length / 3;
  let hinge = 0;
  for (let t = 0; t < T; t++) {
    const a = triplets[3 * t]!;
    const b = triplets[3 * t + 1]!;
    const c = triplets[3 * t + 2]!;
    let ab = 0;
    let ac = 0;
    const ga = a * d;
    for (let f = 0; f < d; f++) {
      const g = G[ga + f]!;
      ab += g * X[b * d + f]!;
      ac += g * X[c * d + f]!;
    }
    // d(a,b) − d(a,c) = q_b − q_c − 2·g_aᵀ(x_b − x_c)
    const slack = 1 + q[b]! - q[c]! - 2 * (ab - ac);
    if (slack > 0) hinge += slack;
  }
  return hinge / T + penalty;
}

/**
 * The sub-gradient of the mini-batch hinge with respect to w (nBasis), added into `grad` (which is zeroed first):
 * (1/batch)·Σ_{t in batch, slack > 0} (δ_ab² − δ_ac²) per basis, with slack = 1 + Σ_j w_j·(δ_ab,j² − δ_ac,j²),
 * δ_ab,j = XB[a,j] − XB[b,j]. Returns the batch's hinge sum / batch (the batch loss without the penalty).
 */
export function scmlBatchLossAndGradient(
  XB: Float64Array,
  nBasis: number,
  triplets: Int32Array,
  batch: Int32Array,
  w: Float64Array,
  grad: Float64Array,
  diff: Float64Array,
): number {
  grad.fill(0);
  let loss = 0;
  for (let s = 0; s < batch.length; s++) {
    const t = batch[s]!;
    const a = triplets[3 * t]! * nBasis;
    const b = triplets[3 * t + 1]! * nBasis;
    const c = triplets[3 * t + 2]! * nBasis;
    let slack = 1;
    for (let j = 0; j < nBasis; j++) {
      const xa = XB[a + j]!;
      const pb = xa - XB[b + j]!;
      const pc = xa - XB[c + j]!;
      const dd = pb * pb - pc * pc;
      diff[j] = dd;
      slack += w[j]! * dd;
    }
    if (slack > 0) {
      loss += slack;
      for (let j = 0; j < nBasis; j++) grad[j]! += diff[j]!;
    }
  }
  const scale = 1 / batch.length;
  for (let j = 0; j < nBasis; j++) grad[j]! *= scale;
  return loss * scale;
}

/** SCML as in the file comment. */
export function fitScml(data: TrainingData, params: ScmlParams, seed: number, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const { X, n, d } = data;
  const triplets = data.triplets;
  if (!triplets || triplets.length === 0) throw new ValidationError('scml learns from triplets, but none were given.');
  if (params.outputIter > params.maxIter) {
    throw new ValidationError(`scml: 'outputIter' (${params.outputIter}) cannot be greater than 'maxIter' (${params.maxIter}).`);
  }
  const rng = createRng(seed);
  const warnings: string[] = [];
  const basis = params.basis === 'auto' ? (data.labels ? 'lda' : 'triplet_diffs') : params.basis;
  const { B, nBasis } = basis === 'lda' ? ldaBases(data, params.nBasis, seed, warnings) : tripletDiffBases(data, triplets, params.nBasis, rng);
  const XB = project(X, n, d, B, nBasis);
  const T = triplets.length / 3;
  const w = new Float64Array(nBasis);
  const avgGrad = new Float64Array(nBasis);
  const adaGrad = new Float64Array(nBasis);
  const grad = new Float64Array(nBasis);
  const diff = new Float64Array(nBasis);
  const batch = new Int32Array(params.batchSize);
  const delta = 1e-3;
  let best = Number.POSITIVE_INFINITY;
  let bestW = w.slice();
  const trace: number[] = [];
  let iterations = 0;
  for (let iter = 0; iter < params.maxIter; iter++) {
    if (hooks.shouldStop?.()) break;
    for (let s = 0; s < batch.length; s++) batch[s] = rng.int(T);
    scmlBatchLossAndGradient(XB, nBasis, triplets, batch, w, grad, diff);
    const scaleStep = (iter + 1) / params.gamma;
    for (let j = 0; j < nBasis; j++) {
      const g = grad[j]!;
      const avg = (iter * avgGrad[j]! + g) / (iter + 1);
      avgGrad[j] = avg;
      const ada = Math.sqrt(adaGrad[j]! * adaGrad[j]! + g * g);
      adaGrad[j] = ada;
      const shrunk = avg + params.beta;
      w[j] = shrunk < 0 ? (-scaleStep / (delta + ada)) * shrunk : 0;
    }
    iterations = iter + 1;
    if (iterations % params.outputIter === 0) {
      let sumW = 0;
      for (const v of w) sumW += v;
      const objective = scmlObjective(scmlMetric(B, w, nBasis, d), X, n, d, triplets, params.beta * sumW);
      trace.push(objective);
      hooks.onIteration?.({ iteration: iterations, objective, elapsedMs: performance.now() - start });
      if (objective < best) {
        best = objective;
        bestW = w.slice();
      }
    }
  }
  if (trace.length === 0) {
    // Stopped before the first evaluation: score the current weights so a best exists.
    let sumW = 0;
    for (const v of w) sumW += v;
    best = scmlObjective(scmlMetric(B, w, nBasis, d), X, n, d, triplets, params.beta * sumW);
    bestW = w.slice();
  }
  const { L, nComponents } = componentsFromWeights(B, bestW, nBasis, d, warnings);
  const stopReason: StopReason = 'maxIter';
  // The best evaluated iterate is returned: report its objective as the final trace entry too.
  trace.push(best);
  return { L, nComponents, iterations, converged: false, stopReason, objective: best, objectiveTrace: trace, warnings };
}

/** L from the weights (see the file comment); the identity with a warning when no basis has weight. */
function componentsFromWeights(B: Float64Array, w: Float64Array, nBasis: number, d: number, warnings: string[]): { L: Float64Array; nComponents: number } {
  const active: number[] = [];
  for (let j = 0; j < nBasis; j++) if (w[j]! > 0) active.push(j);
  if (active.length === 0) {
    warnings.push('scml: no basis received weight (every triplet is satisfied with margin or β is too large); the metric is the identity.');
    const L = new Float64Array(d * d);
    for (let f = 0; f < d; f++) L[f * d + f] = 1;
    return { L, nComponents: d };
  }
  if (active.length < d) {
    const L = new Float64Array(active.length * d);
    active.forEach((j, r) => {
      const s = Math.sqrt(w[j]!);
      for (let f = 0; f < d; f++) L[r * d + f] = s * B[j * d + f]!;
    });
    return { L, nComponents: active.length };
  }
  return { L: componentsFromMetric(scmlMetric(B, w, nBasis, d), d), nComponents: d };
}

/** The `lda` bases of the file comment: B (nBasis, d). */
function ldaBases(data: TrainingData, nBasisParam: number | null, seed: number, warnings: string[]): { B: Float64Array; nBasis: number } {
  const { X, n, d, labels } = data;
  if (!labels) throw new ValidationError("scml: basis 'lda' needs the class labels; use basis 'triplet_diffs' for comparisons alone.");
  const classRows = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let rows = classRows.get(labels[i]!);
    if (!rows) classRows.set(labels[i]!, (rows = []));
    rows.push(i);
  }
  const classes = [...classRows.keys()].sort((a, b) => a - b);
  const C = classes.length;
  if (C < 2) throw new ValidationError(`scml: basis 'lda' needs at least 2 classes, got ${C}.`);
  const numEig = Math.min(C - 1, d);
  const nBasis = nBasisParam ?? Math.min(20 * d, n * 2 * numEig - 1);
  if (nBasis >= n * 2 * numEig) {
    throw new ValidationError(`scml: not enough rows for ${nBasis} LDA bases; 'nBasis' must be below ${n * 2 * numEig}.`);
  }
  if (nBasis < C) warnings.push(`scml: ${nBasis} bases for ${C} classes may discriminate poorly.`);
  const nClusters = Math.ceil(nBasis / (2 * numEig));
  const { centers } = kMeans(X, n, d, nClusters, { seed, nInit: 10 });
  const clusters = centers.length / d;
  const scales = d > 50 ? [20, 50] : [10, 20];
  const B = new Float64Array(nBasis * d);
  let filled = 0;
  const dist = new Float64Array(n);
  const scratch = new Int32Array(n);
  // Per cluster and class: the class's rows nearest the center, nearest first (computed once for both scales).
  const nearestPerCluster: number[][][] = [];
  for (let k = 0; k < clusters; k++) {
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let f = 0; f < d; f++) {
        const t = X[i * d + f]! - centers[k * d + f]!;
        s += t * t;
      }
      dist[i] = s;
    }
    nearestPerCluster.push(
      classes.map((c) => {
        const rows = classRows.get(c)!;
        for (let t = 0; t < rows.length; t++) scratch[t] = rows[t]!;
        const count = selectSmallestSorted(dist, scratch, rows.length, scales[1]!);
        return Array.from(scratch.subarray(0, count));
      }),
    );
  }
  const classIndex = new Int32Array(n);
  for (let i = 0; i < n; i++) classIndex[i] = classes.indexOf(labels[i]!);
  for (const scale of scales) {
    for (let k = 0; k < clusters && filled < nBasis; k++) {
      const rows: number[] = [];
      for (const list of nearestPerCluster[k]!) rows.push(...list.slice(0, scale));
      filled += localLdaDirections(X, d, rows, classIndex, C, Math.min(numEig, nBasis - filled), B, filled);
    }
  }
  return { B: filled === nBasis ? B : B.slice(0, filled * d), nBasis: filled };
}

/**
 * Fisher LDA directions of the rows `rows` (class index per row in `classIndex`, C classes), as lda.ts computes them
 * (S_w shrunk by 10⁻⁴·tr/d) but through S_b's low rank: S̃_w = R·Rᵀ (Cholesky), Z (d, C) with columns
 * √n_c·(μ_c − μ), Y = R⁻¹Z; the top eigenvectors u of YᵀY (C, C) give the directions R⁻ᵀ·Y·u, normalized to unit
 * length and written as rows `offset …` of B. Returns how many (≤ count). Cost O(rows·d² + d³/3 + d²·C).
 */
function localLdaDirections(X: Float64Array, d: number, rows: readonly number[], classIndex: Int32Array, C: number, count: number, B: Float64Array, offset: number): number {
  const counts = new Float64Array(C);
  const means = new Float64Array(C * d);
  const mean = new Float64Array(d);
  for (const r of rows) {
    const c = classIndex[r]!;
    counts[c]!++;
    for (let f = 0; f < d; f++) means[c * d + f]! += X[r * d + f]!;
  }
  for (let c = 0; c < C; c++) {
    for (let f = 0; f < d; f++) {
      mean[f]! += means[c * d + f]!;
      if (counts[c]! > 0) means[c * d + f]! /= counts[c]!;
    }
  }
  for (let f = 0; f < d; f++) mean[f]! /= rows.length;
  const Sw = new Float64Array(d * d);
  const centered = new Float64Array(d);
  for (const r of rows) {
    const c = classIndex[r]!;
    for (let f = 0; f < d; f++) centered[f] = X[r * d + f]! - means[c * d + f]!;
    for (let f = 0; f < d; f++) {
      const a = centered[f]!;
      if (a === 0) continue;
      for (let g = f; g < d; g++) Sw[f * d + g]! += a * centered[g]!;
    }
  }
  let traceW = 0;
  for (let f = 0; f < d; f++) traceW += Sw[f * d + f]!;
  const shift = 1e-4 * (traceW / d) + 1e-12 * Math.max(traceW / d, 1);
  for (let f = 0; f < d; f++) {
    Sw[f * d + f]! += shift;
    for (let g = 0; g < f; g++) Sw[f * d + g] = Sw[g * d + f]!;
  }
  const R = tryCholesky(Sw, d);
  if (!R) return 0;
  // Y = R⁻¹·Z (d, C) by forward substitution.
  const Y = new Float64Array(d * C);
  for (let c = 0; c < C; c++) {
    const w = Math.sqrt(counts[c]!);
    for (let i = 0; i < d; i++) {
      let s = w * (means[c * d + i]! - mean[i]!);
      for (let p = 0; p < i; p++) s -= R[i * d + p]! * Y[p * C + c]!;
      Y[i * C + c] = s / R[i * d + i]!;
    }
  }
  const small = new Float64Array(C * C);
  for (let i = 0; i < d; i++) for (let a = 0; a < C; a++) for (let b = 0; b < C; b++) small[a * C + b]! += Y[i * C + a]! * Y[i * C + b]!;
  const e = symmetricEigen(small, C); // ascending
  const y = new Float64Array(d);
  let written = 0;
  for (let r = 0; r < count; r++) {
    const j = C - 1 - r;
    if (!(e.values[j]! > 0)) break;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let c = 0; c < C; c++) s += Y[i * C + c]! * e.vectors[c * C + j]!;
      y[i] = s;
    }
    // v = R⁻ᵀ·y by back substitution, into row offset + written of B.
    const row = (offset + written) * d;
    for (let i = d - 1; i >= 0; i--) {
      let s = y[i]!;
      for (let p = i + 1; p < d; p++) s -= R[p * d + i]! * B[row + p]!;
      B[row + i] = s / R[i * d + i]!;
    }
    let norm = 0;
    for (let i = 0; i < d; i++) norm += B[row + i]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < d; i++) B[row + i]! /= norm;
    written++;
  }
  return written;
}

/** The `triplet_diffs` bases of the file comment: B (nBasis, d). */
function tripletDiffBases(data: TrainingData, triplets: Int32Array, nBasisParam: number | null, rng: Rng): { B: Float64Array; nBasis: number } {
  const { X, d } = data;
  const T = triplets.length / 3;
  if (d > T) throw new ValidationError(`scml: ${d} features but only ${T} triplets; basis 'triplet_diffs' needs at least as many triplets as features.`);
  const nBasis = nBasisParam ?? 80 * d;
  const B = new Float64Array(nBasis * d);
  const pick = new Int32Array(T);
  for (let t = 0; t < T; t++) pick[t] = t;
  const D = new Float64Array(d * d);
  const pos = new Float64Array(d);
  const neg = new Float64Array(d);
  let filled = 0;
  for (let round = 0; filled < nBasis; round++) {
    if (round > 100 * nBasis) throw new ValidationError('scml: the triplet differences span no direction (every triplet has b = c).');
    // d triplets without replacement (partial Fisher–Yates).
    for (let s = 0; s < d; s++) {
      const r = s + rng.int(T - s);
      const tmp = pick[s]!;
      pick[s] = pick[r]!;
      pick[r] = tmp;
    }
    D.fill(0);
    for (let s = 0; s < d; s++) {
      const t = pick[s]!;
      const a = triplets[3 * t]! * d;
      const b = triplets[3 * t + 1]! * d;
      const c = triplets[3 * t + 2]! * d;
      for (let f = 0; f < d; f++) {
        pos[f] = X[a + f]! - X[b + f]!;
        neg[f] = X[a + f]! - X[c + f]!;
      }
      for (let f = 0; f < d; f++) for (let g = 0; g < d; g++) D[f * d + g]! += pos[f]! * pos[g]! - neg[f]! * neg[g]!;
    }
    const D2 = new Float64Array(d * d);
    for (let f = 0; f < d; f++) for (let p = 0; p < d; p++) {
      const v = D[f * d + p]!;
      if (v === 0) continue;
      for (let g = 0; g < d; g++) D2[f * d + g]! += v * D[p * d + g]!;
    }
    const { values, vectors } = symmetricEigen(D2, d);
    const cutoff = d * Number.EPSILON * Math.max(values[d - 1]!, 0);
    for (let j = 0; j < d && filled < nBasis; j++) {
      if (!(values[j]! > cutoff)) continue;
      for (let f = 0; f < d; f++) B[filled * d + f] = vectors[f * d + j]!;
      filled++;
    }
  }
  return { B, nBasis };
}
