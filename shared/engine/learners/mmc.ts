/**
 * MMC, Mahalanobis Metric for Clustering (Xing, Ng, Jordan & Russell 2002), full matrix.
 *
 * The paper's problem: keep must-link pairs close while the cannot-link pairs are held apart,
 *
 *   minimize Σ_must ‖xᵢ − xⱼ‖²_M   subject to   Σ_cannot ‖xᵢ − xⱼ‖_M ≥ 1,   M ⪰ 0.
 *
 * Both sides are homogeneous in M (degrees 1 and ½), so it is the same as maximizing the cannot-link spread
 * h(M) = Σ_cannot ‖δ‖_M on the slice tr(S·M) = 1, S = Σ_must δδᵀ, and rescaling at the end so that h = 1.
 * Solved exactly, that problem puts all of M on a few directions (rank 1–3 on the sample datasets: it maximizes
 * a concave function over a spectrahedron, whose optimum sits on a low-rank face), which makes a poor metric for
 * k-NN (about 81 % on digits, 91 % on breast cancer); metric-learn's projected gradient only partly escapes this
 * by stopping early (84.6 % on digits). This learner makes the problem well-posed instead:
 *
 * 1. `shrinkage`: the must-link scatter, estimated from few pairs, is shrunk toward the per-feature variances
 *    of the data, S_ρ ∝ (1 − ρ)·S / s̄ + ρ·T with T = diag(var x_f), s̄ = tr(S·T⁻¹)/d, ρ = κd / (m + κd) (m
 *    must-link pairs, κ = `shrinkage` pseudo-pairs per feature), so S_ρ is positive definite and well conditioned
 *    even from a handful of hand-labeled pairs. Shrinking toward T (rather than toward I) keeps the whole method
 *    invariant to rescaling the features: raw and z-scored data give the same distances.
 * 2. `barrier`: the constraint M ⪰ 0 is enforced by the log-determinant barrier of interior-point methods,
 *    maximize  F(M) = log h(M) + (μ/d)·log det M   on   tr(S_ρ·M) = 1,
 *    which keeps M full rank; μ → 0 recovers the paper's problem.
 *
 * With whitening W = S_ρ^(−½) and M = W·N·W the slice becomes the spectraplex {N ≻ 0, tr N = 1}, and F is
 * maximized there by exponentiated-gradient (mirror) ascent: log N ← log N + η·∇F(N), renormalized to trace 1, with
 * an adaptive step η (grown ×1.5 after a success, halved until F rises). Every iteration costs O(d³ + cannot·d²); its
 * products (E·Y, V·Y and the gradient's Σ w·e·eᵀ) run over the host's row blocks when it gives them (`hooks.products`),
 * with the same bits; the eigendecompositions run on the fitting thread.
 * The result is rescaled so that Σ_cannot ‖δ‖_M = 1 exactly, the paper's constraint.
 */
import { ValidationError } from '../../errors.ts';
import { symmetricEigen } from '../../math/decompositions/index.ts';
import { pairDifferences, transposeInto, weightedOuterProductSum } from '../../math/dense/index.ts';
import { columnMeanAndVariance } from '../../math/statistics/index.ts';
import { convergedFor, type StopReason } from '../../domain/learned-metric.ts';
import { defineLearner, type BlockProducts, type FitOutcome, type LearnerHooks, type ParamSpecs, type ParamValues, type TrainingData } from '../learner.ts';

/** MMC's parameters. */
export const MMC_PARAMS = {
  maxIter: { type: 'int', default: 1000, min: 1, max: 100000, description: 'Maximum number of ascent iterations.' },
  tol: {
    type: 'float',
    default: 1e-6,
    min: 0,
    description: 'Stop when the objective rises by less than this (relative) in one iteration.',
  },
  barrier: {
    type: 'float',
    default: 1,
    min: 0,
    description: 'Weight μ of the log-determinant barrier that keeps the metric full rank (0: the paper’s problem).',
  },
  shrinkage: {
    type: 'float',
    default: 1,
    min: 0,
    description: 'Shrinkage of the must-link scatter toward the feature variances, in pseudo-pairs per feature (0: none).',
  },
} as const satisfies ParamSpecs;

export type MmcParams = ParamValues<typeof MMC_PARAMS>;

/** h(N) = Σ_p √(e_pᵀ N e_p) over the rows e_p of E (count, d): the cannot-link spread. O(count·d²). */
export function mmcDissimilarity(E: Float64Array, count: number, d: number, N: Float64Array): number {
  let sum = 0;
  for (let p = 0; p < count; p++) {
    const q = quadraticForm(E, p * d, d, N);
    sum += Math.sqrt(q > 0 ? q : 0);
  }
  return sum;
}

/**
 * ∂h/∂N = Σ_p e_p e_pᵀ / (2·√(e_pᵀ N e_p)) (d, d), the gradient of {@link mmcDissimilarity}; pairs at distance 0
 * are left out (h is not differentiable there). O(count·d²).
 */
export function mmcDissimilarityGradient(E: Float64Array, count: number, d: number, N: Float64Array): Float64Array {
  const weights = new Float64Array(count);
  for (let p = 0; p < count; p++) {
    const q = quadraticForm(E, p * d, d, N);
    weights[p] = q > 0 ? 0.5 / Math.sqrt(q) : 0;
  }
  return weightedOuterProductSum(E, count, d, weights);
}

/** tr(S·M) = Σ_must ‖δ‖²_M for the must-link scatter S (d, d). Its gradient in M is S itself. O(d²). */
export function mmcSimilarity(S: Float64Array, d: number, M: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d * d; i++) s += S[i]! * M[i]!;
  return s;
}

/**
 * The barrier objective in whitened coordinates, F(N) = log h(N) + (μ/d)·log det N, for a symmetric positive
 * definite N (d, d). −∞ when N is not positive definite. O(count·d² + d³).
 */
export function mmcBarrierObjective(E: Float64Array, count: number, d: number, N: Float64Array, barrier: number): number {
  const h = mmcDissimilarity(E, count, d, N);
  const { values } = symmetricEigen(N, d);
  let logDet = 0;
  for (const v of values) {
    if (!(v > 0)) return barrier > 0 ? Number.NEGATIVE_INFINITY : Math.log(h);
    logDet += Math.log(v);
  }
  return Math.log(h) + (barrier / d) * logDet;
}

/** ∇F(N) = ∂h/∂N / h + (μ/d)·N⁻¹ (d, d), the gradient of {@link mmcBarrierObjective}. O(count·d² + d³). */
export function mmcBarrierGradient(E: Float64Array, count: number, d: number, N: Float64Array, barrier: number): Float64Array {
  const h = mmcDissimilarity(E, count, d, N);
  const G = mmcDissimilarityGradient(E, count, d, N);
  for (let i = 0; i < d * d; i++) G[i]! /= h;
  if (barrier > 0) {
    const { values, vectors } = symmetricEigen(N, d);
    for (let i = 0; i < d; i++) {
      for (let k = 0; k < d; k++) {
        let s = 0;
        for (let j = 0; j < d; j++) s += (vectors[i * d + j]! * vectors[k * d + j]!) / values[j]!;
        G[i * d + k]! += (barrier / d) * s;
      }
    }
  }
  return G;
}

/** eᵀNe for the row of E starting at `offset`. */
function quadraticForm(E: Float64Array, offset: number, d: number, N: Float64Array): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const ei = E[offset + i]!;
    if (ei === 0) continue;
    let t = 0;
    for (let j = 0; j < d; j++) t += N[i * d + j]! * E[offset + j]!;
    s += ei * t;
  }
  return s;
}

/**
 * The shrunk must-link scatter, normalized to trace 1:
 *   S_ρ ∝ (1 − ρ)·S / s̄ + ρ·T,   ρ = κd / (m + κd),   s̄ = tr(S·T⁻¹) / d,
 * for S = Σ_must δδᵀ (d, d) over m must-link differences and the target T = diag(`featureVariances`): the
 * per-feature variances of the data, which are well estimated even when there are few pairs. Measuring S against
 * T (s̄, the mean must-link variance in units of each feature's variance) makes the mix invariant to rescaling
 * the features: scaling feature f by c_f scales S_ρ's entry (f, g) by c_f·c_g, up to one common factor. Variances
 * of 0 are lifted to 1e-12 of the mean variance. With no must-link differences, S_ρ ∝ T. O(m·d²).
 */
export function shrunkMustLinkScatter(must: Float64Array, mustCount: number, d: number, shrinkage: number, featureVariances: Float64Array): Float64Array {
  const S = weightedOuterProductSum(must, mustCount, d, null);
  let meanVariance = 0;
  for (let f = 0; f < d; f++) meanVariance += featureVariances[f]! / d;
  const lift = meanVariance > 0 ? 1e-12 * meanVariance : 1;
  const T = Float64Array.from(featureVariances, (v) => (v > lift ? v : lift));
  let relative = 0; // tr(S·T⁻¹) / d
  for (let f = 0; f < d; f++) relative += S[f * d + f]! / T[f]! / d;
  const rho = relative > 0 ? (shrinkage * d) / (mustCount + shrinkage * d) : 1;
  const out = new Float64Array(d * d);
  if (relative > 0) for (let i = 0; i < d * d; i++) out[i] = ((1 - rho) * S[i]!) / relative;
  for (let f = 0; f < d; f++) out[f * d + f]! += rho * T[f]!;
  let trace = 0;
  for (let f = 0; f < d; f++) trace += out[f * d + f]!;
  const floor = 1e-12 * (trace / d);
  for (let i = 0; i < d * d; i++) out[i]! /= trace;
  for (let f = 0; f < d; f++) if (!(out[f * d + f]! > floor / trace)) out[f * d + f] = floor / trace;
  return out;
}

/** softmax(z) into `out` (shifted by max z, so it cannot overflow). */
function softmaxInto(z: Float64Array, out: Float64Array): void {
  let max = Number.NEGATIVE_INFINITY;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let j = 0; j < z.length; j++) {
    const e = Math.exp(z[j]! - max);
    out[j] = e;
    sum += e;
  }
  for (let j = 0; j < z.length; j++) out[j]! /= sum;
}

/**
 * State of the ascent, kept in N's eigenbasis: N = V·diag(l)·Vᵀ, and P = E·V (count, d), so the cannot-link
 * quadratic forms are q_p = Σ_j l_j·P_pj² (O(count·d)) and the gradient in the eigenbasis is
 * Ĝ = Vᵀ∇F·V = (1/h)·Σ_p P_p P_pᵀ / (2√q_p) + (μ/d)·diag(1/l).
 */
interface AscentState {
  V: Float64Array; // (d, d), columns = eigenvectors of N
  l: Float64Array; // (d), eigenvalues of N, sum 1
  P: Float64Array; // (count, d) = E·V
  q: Float64Array; // (count)
  h: number;
  objective: number;
}

function evaluateState(P: Float64Array, count: number, d: number, l: Float64Array, barrier: number, q: Float64Array): { h: number; objective: number } {
  let h = 0;
  for (let p = 0; p < count; p++) {
    const row = p * d;
    let s = 0;
    for (let j = 0; j < d; j++) {
      const v = P[row + j]!;
      s += l[j]! * v * v;
    }
    q[p] = s;
    h += Math.sqrt(s > 0 ? s : 0);
  }
  let logDet = 0;
  if (barrier > 0) for (let j = 0; j < d; j++) logDet += Math.log(l[j]!);
  const objective = h > 0 ? Math.log(h) + (barrier / d) * logDet : Number.NEGATIVE_INFINITY;
  return { h, objective };
}

/** C = A·B for square (d, d) matrices. */
function squareProduct(A: Float64Array, B: Float64Array, rows: number, d: number): Float64Array {
  const C = new Float64Array(rows * d);
  for (let i = 0; i < rows; i++) {
    const aRow = i * d;
    for (let k = 0; k < d; k++) {
      const a = A[aRow + k]!;
      if (a === 0) continue;
      const bRow = k * d;
      for (let j = 0; j < d; j++) C[aRow + j]! += a * B[bRow + j]!;
    }
  }
  return C;
}

/** The fit's O(count·d²) and O(d³) products: C = A·B, and Σ_p w_p·e_p·e_pᵀ over the rows of E. */
interface MmcProducts {
  /** C = A·B for A (rows, d) and B (d, d), with the bits of {@link squareProduct}. */
  product(A: Float64Array, B: Float64Array, rows: number, d: number): Float64Array;
  /** Σ_p w_p·e_p·e_pᵀ (d, d) over the rows of E (count, d), with the bits of {@link weightedOuterProductSum}. */
  outerSum(E: Float64Array, count: number, d: number, w: Float64Array): Float64Array;
}

const productsHere: MmcProducts = { product: squareProduct, outerSum: weightedOuterProductSum };

/**
 * The products over the host's row blocks (`BlockProducts.dotRows`). Every entry of both is one sum over k (or p) in
 * order of the same products as the one-thread code, so the same bits: C_ij = Σ_k A_ik·B_kj is ⟨A_i, (Bᵀ)_j⟩, and
 * G_ij = Σ_p (w_p·e_pi)·e_pj is ⟨(W·E)ᵀ_i, Eᵀ_j⟩ on the upper triangle, mirrored (terms the one-thread code skips
 * for a zero factor add ±0, which changes no sum).
 */
function productsOnTeam(products: BlockProducts): MmcProducts {
  return {
    product(A, B, rows, d) {
      const Bt = products.alloc(d * d); // (d, d)
      transposeInto(B, d, d, Bt);
      const C = products.alloc(rows * d); // (rows, d)
      products.dotRows(products.shared(A), rows, Bt, d, d, C, d);
      return C;
    },
    outerSum(E, count, d, w) {
      const Et = products.alloc(d * count); // (d, count)
      const WEt = products.alloc(d * count); // (d, count): w_p·e_pi at (i, p)
      for (let p = 0; p < count; p++) {
        const weight = w[p]!;
        for (let i = 0; i < d; i++) {
          const v = E[p * d + i]!;
          Et[i * count + p] = v;
          WEt[i * count + p] = weight * v;
        }
      }
      const G = products.alloc(d * d); // (d, d)
      products.dotRows(WEt, d, Et, d, count, G, d, true);
      for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) G[i * d + j] = G[j * d + i]!;
      return G;
    },
  };
}

export const mmcLearner = defineLearner({
  name: 'mmc',
  title: 'MMC',
  description:
    'Mahalanobis Metric for Clustering (Xing et al. 2002), full matrix: the metric that keeps must-link pairs close ' +
    'while the summed cannot-link distances are held at 1. Made well-posed with a log-determinant barrier (keeps M ' +
    'full rank) and a shrunk must-link scatter, and solved by mirror ascent on the whitened problem. Learns from pairs.',
  input: 'pairs',
  params: MMC_PARAMS,
  fit(data, params, { hooks }) {
    return fitMmc(data, params, hooks);
  },
});

/** The fit of the file comment on validated parameters (a thin `fit` calls it). */
export function fitMmc(data: TrainingData, rawParams: MmcParams, hooks: LearnerHooks): FitOutcome {
  const maxIter = rawParams.maxIter;
  const tol = rawParams.tol;
  const barrier = rawParams.barrier;
  const shrinkage = rawParams.shrinkage;
  const { X, n, d, pairs } = data;
  if (!pairs) throw new ValidationError('mmc learns from must-link / cannot-link pairs, but none were given.');
  const diffs = pairDifferences('mmc', X, n, d, pairs);
  const count = diffs.cannotCount;
  if (count === 0) throw new ValidationError('mmc needs at least one cannot-link pair (it holds cannot-link pairs apart).');
  const start = performance.now();

  // Whitening W = S_ρ^(−½) (d, d), symmetric; eigenvalues floored so a singular S (shrinkage 0) stays usable.
  const scatter = shrunkMustLinkScatter(diffs.must, diffs.mustCount, d, shrinkage, columnMeanAndVariance(X, n, d).variance);
  const scatterEigen = symmetricEigen(scatter, d);
  const floor = 1e-12 / d;
  const invSqrt = new Float64Array(d);
  for (let j = 0; j < d; j++) invSqrt[j] = 1 / Math.sqrt(Math.max(scatterEigen.values[j]!, floor));
  const W = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let k = i; k < d; k++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += scatterEigen.vectors[i * d + j]! * invSqrt[j]! * scatterEigen.vectors[k * d + j]!;
      W[i * d + k] = s;
      W[k * d + i] = s;
    }
  }
  // Whitened cannot-link differences E = D·W (count, d); N starts at I/d, i.e. V = I and P = E.
  const { product, outerSum } = hooks.products ? productsOnTeam(hooks.products) : productsHere;
  const E = product(diffs.cannot, W, count, d);
  const V0 = new Float64Array(d * d);
  for (let i = 0; i < d; i++) V0[i * d + i] = 1;
  const q0 = new Float64Array(count);
  const l0 = new Float64Array(d).fill(1 / d);
  let state: AscentState = { V: V0, l: l0, P: E, q: q0, ...evaluateState(E, count, d, l0, barrier, q0) };
  if (!(state.h > 0)) {
    throw new ValidationError('mmc: every cannot-link pair joins two identical rows, so no metric can hold them apart.');
  }

  const objectiveTrace: number[] = [];
  let iterations = 0;
  let stopReason: StopReason = 'maxIter';
  let eta = 1;
  const weights = new Float64Array(count);
  while (iterations < maxIter) {
    if (hooks.shouldStop?.()) break;
    // Gradient in the eigenbasis, Ĝ (d, d).
    for (let p = 0; p < count; p++) {
      const qp = state.q[p]!;
      weights[p] = qp > 0 ? 0.5 / (Math.sqrt(qp) * state.h) : 0;
    }
    const G = outerSum(state.P, count, d, weights);
    if (barrier > 0) for (let j = 0; j < d; j++) G[j * d + j]! += barrier / (d * state.l[j]!);
    // Mirror step: log N + η·∇F in the eigenbasis is diag(log l) + η·Ĝ; halve η until F rises.
    let next: AscentState | null = null;
    for (let attempt = 0; attempt < 60; attempt++) {
      const T = new Float64Array(d * d);
      for (let i = 0; i < d * d; i++) T[i] = eta * G[i]!;
      for (let j = 0; j < d; j++) T[j * d + j]! += Math.log(state.l[j]!);
      const { values, vectors: Y } = symmetricEigen(T, d);
      const l = new Float64Array(d);
      softmaxInto(values, l);
      for (let j = 0; j < d; j++) if (!(l[j]! > 0)) l[j] = Number.MIN_VALUE;
      const P = product(state.P, Y, count, d);
      const q = new Float64Array(count);
      const value = evaluateState(P, count, d, l, barrier, q);
      if (value.objective >= state.objective) {
        next = { V: product(state.V, Y, d, d), l, P, q, ...value };
        break;
      }
      eta /= 2;
    }
    iterations++;
    if (next === null) {
      // No step size improves F: the rise is 0 ≤ tol, this method's own test (metric-learn's MMC likewise stops when
      // its shrunken step changes A by less than tol), so the projections have settled.
      objectiveTrace.push(state.objective);
      hooks.onIteration?.({ iteration: iterations, objective: state.objective, elapsedMs: performance.now() - start });
      stopReason = 'projections';
      break;
    }
    const rise = next.objective - state.objective;
    state = next;
    eta *= 1.5;
    objectiveTrace.push(state.objective);
    hooks.onIteration?.({ iteration: iterations, objective: state.objective, elapsedMs: performance.now() - start });
    if (rise <= tol * Math.max(1, Math.abs(state.objective))) {
      stopReason = 'projections';
      break;
    }
  }

  // L = diag(√l)·Vᵀ·W / h, rows ordered by decreasing eigenvalue: LᵀL = W·N·W / h², so Σ_cannot ‖δ‖_M = 1.
  const order = Array.from({ length: d }, (_, j) => j).sort((a, b) => state.l[b]! - state.l[a]! || a - b);
  const VtW = new Float64Array(d * d); // row j = (W·V_j)ᵀ
  for (let j = 0; j < d; j++) {
    for (let k = 0; k < d; k++) {
      let s = 0;
      for (let i = 0; i < d; i++) s += state.V[i * d + j]! * W[i * d + k]!;
      VtW[j * d + k] = s;
    }
  }
  const L = new Float64Array(d * d); // (d, d)
  order.forEach((j, row) => {
    const scale = Math.sqrt(state.l[j]!) / state.h;
    for (let k = 0; k < d; k++) L[row * d + k] = scale * VtW[j * d + k]!;
  });
  return { L, nComponents: d, iterations, converged: convergedFor(stopReason), stopReason, objective: state.objective, objectiveTrace };
}
