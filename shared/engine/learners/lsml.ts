/**
 * LSML, metric learning from relative comparisons by minimizing squared residual (Liu, Mu, Wang & Zhang 2012):
 * quadruplets (a, b, c, d) say d(a, b) < d(c, d); each violated one costs the squared gap of the distances,
 *
 *   f(M) = Σ_q w_q·[d_ab > d_cd]·(√d_ab − √d_cd)²  +  tr(M·P⁻¹) − log det M,
 *
 * d_ab = (x_a − x_b)ᵀ M (x_a − x_b), w_q = 1/m, P the prior (identity, or the inverse covariance of the rows the
 * quadruplets use, as metric-learn's `prior`). The second part is the LogDet divergence to P up to a constant.
 *
 * Minimized by projected gradient descent on the positive-definite cone with an Armijo backtracking line search
 * on the exact objective: M' = Π(M − t·∇f), Π clipping eigenvalues at 10⁻⁸ (metric-learn's floor; skipped when a
 * Cholesky factor shows M' is clearly inside); a step is accepted when f(M') ≤ f_ref + 10⁻⁴·⟨∇f, M' − M⟩ and
 * f(M') < f_ref, f_ref the largest of the last 10 accepted losses (the non-monotone test of spectral projected
 * gradient, which lets the Barzilai–Borwein step through about once per iteration), t is halved until it is. The
 * first t tried is 1/‖∇f‖, then the Barzilai–Borwein step of the last two iterates. The loss reported is the one at
 * the final M.
 * Stop reasons: `tolerance` when ‖∇f‖_F ≤ `tol` at the current M (metric-learn's test), `stalled` when no step
 * down to 2⁻⁴⁰ of the first one passes that test, `maxIter` otherwise. (metric-learn tries a fixed grid of ten steps and
 * stops silently when none helps; its gradient also leaves out the weights w_q its loss has.)
 * Each loss evaluation costs O(m·d²/2 + d³) through blocked products; the gradient (O(k·d²/2), k violated) only at
 * accepted points.
 */
import { ValidationError } from '../../errors.ts';
import { lowerTriangularInverse, symmetricEigen, tryCholesky } from '../../math/decompositions/index.ts';
import { dotRows, transposeInto } from '../../math/dense/index.ts';
import { covarianceMatrix } from '../../math/statistics/index.ts';
import type { StopReason } from '../../domain/learned-metric.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';

export const LSML_PRIORS = ['identity', 'covariance'] as const;
export type LsmlPrior = (typeof LSML_PRIORS)[number];

export const lsmlLearner = defineLearner({
  name: 'lsml',
  title: 'LSML (quadruplets)',
  description:
    'Least Squared-residual Metric Learning (Liu et al. 2012): from quadruplets "a, b are closer than c, d", penalizes the squared gap of each violated comparison, regularized toward a prior metric by the LogDet divergence.',
  input: 'quadruplets',
  params: {
    prior: { type: 'enum', values: LSML_PRIORS, default: 'identity', description: 'Prior metric P and starting point: identity or inverse covariance.' },
    maxIter: { type: 'int', default: 1000, min: 1, max: 100000, description: 'Maximum number of gradient steps.' },
    tol: { type: 'float', default: 1e-3, min: 0, description: 'Stop when the Frobenius norm of the gradient is at most this.' },
  },
  fit(data, params, { hooks }) {
    return fitLsml(data, params.prior, params.maxIter, params.tol, hooks);
  },
});

/** The differences of the quadruplets: Vab, Vcd (m, d) with rows x_a − x_b and x_c − x_d. */
export function quadrupletDifferences(X: Float64Array, d: number, quadruplets: Int32Array): { vab: Float64Array; vcd: Float64Array; m: number } {
  const m = quadruplets.length / 4;
  const vab = new Float64Array(m * d);
  const vcd = new Float64Array(m * d);
  for (let q = 0; q < m; q++) {
    const [a, b, c, e] = [quadruplets[4 * q]!, quadruplets[4 * q + 1]!, quadruplets[4 * q + 2]!, quadruplets[4 * q + 3]!];
    for (let f = 0; f < d; f++) {
      vab[q * d + f] = X[a * d + f]! - X[b * d + f]!;
      vcd[q * d + f] = X[c * d + f]! - X[e * d + f]!;
    }
  }
  return { vab, vcd, m };
}

/**
 * The lower Cholesky factor R (d, d) of a symmetric M (its lower triangle is read), M = R·Rᵀ, or null when a pivot
 * is not positive. Plain loops on the flat array: called several times per iteration, where converting to and
 * from ml-matrix's nested arrays would cost more than the factorization.
 */
function lowerCholesky(M: Float64Array, d: number): Float64Array | null {
  const R = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    let diagonal = M[j * d + j]!;
    for (let p = 0; p < j; p++) diagonal -= R[j * d + p]! * R[j * d + p]!;
    if (!(diagonal > 0)) return null;
    const pivot = Math.sqrt(diagonal);
    R[j * d + j] = pivot;
    for (let i = j + 1; i < d; i++) {
      let s = M[i * d + j]!;
      for (let p = 0; p < j; p++) s -= R[i * d + p]! * R[j * d + p]!;
      R[i * d + j] = s / pivot;
    }
  }
  return R;
}

/**
 * Evaluates f(M) and, on request, ∇f for one set of quadruplets, with the differences stored once and scratch reused
 * across calls (the line search calls it many times). d_ab = vᵀMv = ‖Rᵀv‖² with M = R·Rᵀ for all quadruplets at
 * once by {@link triangularForms} (O(2m·d²/2), register-blocked). The gradient's data part
 * Σ_violated c_q·v_q v_qᵀ is one blocked product Vᵀ·diag(c)·V over the violated rows alone (upper triangle,
 * O(k·d²/2) for k violated differences), instead of one d × d update per quadruplet.
 */
export interface LsmlEvaluator {
  /** f(M) (+∞ when M is not positive definite); remembers what {@link LsmlEvaluator.gradient} needs. */
  loss(M: Float64Array): number;
  /** ∇f (d, d) at the M of the last finite {@link LsmlEvaluator.loss} call. */
  gradient(): Float64Array;
}

/** Violated rows per blocked product of the gradient (two (d, 256) panels fit in L2 for d up to a few hundred). */
const GRADIENT_CHUNK = 256;

export function createLsmlEvaluator(vab: Float64Array, vcd: Float64Array, m: number, priorInverse: Float64Array, d: number): LsmlEvaluator {
  const V = new Float64Array(2 * m * d); // (2m, d): the ab rows, then the cd rows
  V.set(vab.subarray(0, m * d));
  V.set(vcd.subarray(0, m * d), m * d);
  const forms = new Float64Array(2 * m); // vᵀMv per row of V
  const chunkA = new Float64Array(d * GRADIENT_CHUNK); // (d, GRADIENT_CHUNK)
  const chunkB = new Float64Array(d * GRADIENT_CHUNK);
  const partial = new Float64Array(d * d);
  const RT = new Float64Array(d * d);
  const coefficient = new Float64Array(2 * m); // c_q of the violated rows, 0 elsewhere
  const w = 1 / m;
  let R: Float64Array | null = null;
  return {
    loss(M) {
      R = lowerCholesky(M, d);
      if (!R) return Number.POSITIVE_INFINITY;
      let logDet = 0;
      for (let i = 0; i < d; i++) logDet += 2 * Math.log(R[i * d + i]!);
      let traceTerm = 0;
      for (let i = 0; i < d * d; i++) traceTerm += M[i]! * priorInverse[i]!;
      transposeInto(R, d, d, RT);
      triangularForms(V, 2 * m, RT, d, forms);
      let loss = 0;
      coefficient.fill(0);
      for (let q = 0; q < m; q++) {
        const dab = forms[q]!;
        const dcd = forms[m + q]!;
        if (!(dab > dcd)) continue;
        const sab = Math.sqrt(dab);
        const scd = Math.sqrt(Math.max(dcd, 0));
        loss += w * (sab - scd) ** 2;
        coefficient[q] = w * (1 - scd / sab);
        if (scd > 0) coefficient[m + q] = w * (1 - sab / scd);
      }
      return loss + traceTerm - logDet;
    },
    gradient() {
      if (!R) throw new RangeError('lsml: the gradient needs a positive-definite M evaluated first.');
      // The violated rows of V, GRADIENT_CHUNK at a time, transposed: plain (A) and scaled by c (B), (d, chunk)
      // each, so the blocked product's rows stay in cache.
      const G = new Float64Array(d * d);
      let t = 0;
      while (t < 2 * m) {
        let k = 0;
        for (; t < 2 * m && k < GRADIENT_CHUNK; t++) {
          const cq = coefficient[t]!;
          if (cq === 0) continue;
          for (let f = 0; f < d; f++) {
            const v = V[t * d + f]!;
            chunkA[f * GRADIENT_CHUNK + k] = v;
            chunkB[f * GRADIENT_CHUNK + k] = cq * v;
          }
          k++;
        }
        if (k === 0) break;
        if (k < GRADIENT_CHUNK) {
          for (let f = 0; f < d; f++) {
            chunkA.fill(0, f * GRADIENT_CHUNK + k, (f + 1) * GRADIENT_CHUNK);
            chunkB.fill(0, f * GRADIENT_CHUNK + k, (f + 1) * GRADIENT_CHUNK);
          }
        }
        dotRows(chunkA, d, chunkB, d, GRADIENT_CHUNK, partial, d, true);
        for (let i = 0; i < d; i++) for (let j = i; j < d; j++) G[i * d + j]! += partial[i * d + j]!;
      }
      const Minv = inverseFromCholesky(R, d);
      for (let i = 0; i < d; i++) {
        for (let j = i; j < d; j++) {
          const v = G[i * d + j]! + priorInverse[i * d + j]! - Minv[i * d + j]!;
          G[i * d + j] = v;
          G[j * d + i] = v;
        }
      }
      return G;
    },
  };
}

/**
 * out[q] = ‖Rᵀv_q‖² for the rows v_q of V (rows, d) and a lower-triangular R given as RT = Rᵀ (d, d, upper
 * triangular): (Rᵀv)_j = Σ_{p ≥ j} RT[j][p]·v_p, so each entry sums only the triangle (half of a full product).
 * Blocked as {@link dotRows} is: 4 rows of V × 2 rows of RT, eight accumulators, each pair from its first nonzero
 * column.
 */
function triangularForms(V: Float64Array, rows: number, RT: Float64Array, d: number, out: Float64Array): void {
  let q = 0;
  for (; q + 3 < rows; q += 4) {
    const a0 = q * d;
    const a1 = a0 + d;
    const a2 = a1 + d;
    const a3 = a2 + d;
    let n0 = 0, n1 = 0, n2 = 0, n3 = 0; // prettier-ignore
    let j = 0;
    for (; j + 1 < d; j += 2) {
      const b0 = j * d;
      const b1 = b0 + d;
      // Column j alone (RT[j + 1][j] = 0), then both from j + 1.
      const y = RT[b0 + j]!;
      let s0 = V[a0 + j]! * y, s1 = V[a1 + j]! * y, s2 = V[a2 + j]! * y, s3 = V[a3 + j]! * y; // prettier-ignore
      let t0 = 0, t1 = 0, t2 = 0, t3 = 0; // prettier-ignore
      for (let r = j + 1; r < d; r++) {
        const u = RT[b0 + r]!;
        const w = RT[b1 + r]!;
        const x0 = V[a0 + r]!;
        const x1 = V[a1 + r]!;
        const x2 = V[a2 + r]!;
        const x3 = V[a3 + r]!;
        s0 += x0 * u;
        s1 += x1 * u;
        s2 += x2 * u;
        s3 += x3 * u;
        t0 += x0 * w;
        t1 += x1 * w;
        t2 += x2 * w;
        t3 += x3 * w;
      }
      n0 += s0 * s0 + t0 * t0;
      n1 += s1 * s1 + t1 * t1;
      n2 += s2 * s2 + t2 * t2;
      n3 += s3 * s3 + t3 * t3;
    }
    if (j < d) {
      const y = RT[j * d + j]!;
      n0 += (V[a0 + j]! * y) ** 2;
      n1 += (V[a1 + j]! * y) ** 2;
      n2 += (V[a2 + j]! * y) ** 2;
      n3 += (V[a3 + j]! * y) ** 2;
    }
    out[q] = n0;
    out[q + 1] = n1;
    out[q + 2] = n2;
    out[q + 3] = n3;
  }
  for (; q < rows; q++) {
    const a = q * d;
    let n = 0;
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let r = j; r < d; r++) s += V[a + r]! * RT[j * d + r]!;
      n += s * s;
    }
    out[q] = n;
  }
}

/**
 * f(M) of the file comment and its gradient (d, d) with respect to a symmetric M:
 *   ∇f = P⁻¹ − M⁻¹ + Σ_violated w·[(1 − √(d_cd/d_ab))·v_ab v_abᵀ + (1 − √(d_ab/d_cd))·v_cd v_cdᵀ].
 * Returns loss +∞ (and no gradient) when M is not positive definite.
 */
export function lsmlLossAndGradient(
  M: Float64Array,
  vab: Float64Array,
  vcd: Float64Array,
  m: number,
  priorInverse: Float64Array,
  d: number,
  withGradient = true,
): { loss: number; gradient: Float64Array | null } {
  const evaluator = createLsmlEvaluator(vab, vcd, m, priorInverse, d);
  const loss = evaluator.loss(M);
  return { loss, gradient: withGradient && Number.isFinite(loss) ? evaluator.gradient() : null };
}

/** M⁻¹ from the lower Cholesky factor R of M (M = R·Rᵀ). */
function inverseFromCholesky(R: Float64Array, d: number): Float64Array {
  const Rinv = lowerTriangularInverse(R, d);
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = i; j < d; j++) {
      let s = 0;
      for (let p = j; p < d; p++) s += Rinv[p * d + i]! * Rinv[p * d + j]!;
      out[i * d + j] = s;
      out[j * d + i] = s;
    }
  }
  return out;
}

/** Eigen-decomposition of a symmetric A with eigenvalues clipped at `floor`: the matrix, and L with LᵀL = it. */
function clipEigenvalues(A: Float64Array, d: number, floor: number): { M: Float64Array; L: Float64Array } {
  const { values, vectors } = symmetricEigen(A, d);
  const L = new Float64Array(d * d); // rows √λ_j·v_jᵀ, largest first
  for (let j = 0; j < d; j++) {
    const s = Math.sqrt(Math.max(values[j]!, floor));
    const row = (d - 1 - j) * d;
    for (let f = 0; f < d; f++) L[row + f] = s * vectors[f * d + j]!;
  }
  const M = new Float64Array(d * d);
  for (let r = 0; r < d; r++) {
    for (let i = 0; i < d; i++) {
      const a = L[r * d + i]!;
      if (a === 0) continue;
      for (let j = i; j < d; j++) M[i * d + j]! += a * L[r * d + j]!;
    }
  }
  for (let i = 0; i < d; i++) for (let j = 0; j < i; j++) M[i * d + j] = M[j * d + i]!;
  return { M, L };
}

/**
 * The first step length tried: 1/‖∇f‖ at the start (metric-learn's largest step), then the Barzilai–Borwein step
 * ⟨S, S⟩/⟨S, Y⟩ (S = M_k − M_{k−1}, Y = ∇f_k − ∇f_{k−1}) when it is positive, else twice the last accepted step.
 */
function firstStep(M: Float64Array, G: Float64Array, previous: { M: Float64Array; G: Float64Array } | null, lastStep: number, gradNorm: number): number {
  if (!previous) return 1 / gradNorm;
  let ss = 0;
  let sy = 0;
  for (let i = 0; i < M.length; i++) {
    const sDiff = M[i]! - previous.M[i]!;
    ss += sDiff * sDiff;
    sy += sDiff * (G[i]! - previous.G[i]!);
  }
  return sy > 0 && Number.isFinite(ss / sy) ? ss / sy : 2 * lastStep;
}

/**
 * Π onto {M ⪰ 10⁻⁸·I}: the matrix itself when its Cholesky factor shows it is already there (every pivot² ≥ 10⁻⁸
 * bounds λ_min from below only loosely, so the eigenvalues are clipped whenever a pivot is small), else the
 * eigenvalues clipped at 10⁻⁸ (metric-learn's floor).
 */
function projectPositiveDefinite(A: Float64Array, d: number): Float64Array {
  const R = lowerCholesky(A, d);
  if (R) {
    let smallest = Number.POSITIVE_INFINITY;
    for (let i = 0; i < d; i++) smallest = Math.min(smallest, R[i * d + i]! * R[i * d + i]!);
    if (smallest >= 1e-6) return symmetrizeInPlace(A, d);
  }
  return clipEigenvalues(A, d, 1e-8).M;
}

function symmetrizeInPlace(A: Float64Array, d: number): Float64Array {
  for (let i = 0; i < d; i++) {
    for (let j = i + 1; j < d; j++) {
      const v = 0.5 * (A[i * d + j]! + A[j * d + i]!);
      A[i * d + j] = v;
      A[j * d + i] = v;
    }
  }
  return A;
}

/** The prior P⁻¹ and the starting M (P itself) for `prior`, from the rows the quadruplets use. */
export function lsmlPrior(X: Float64Array, d: number, quadruplets: Int32Array, prior: LsmlPrior): { M: Float64Array; priorInverse: Float64Array } {
  const I = new Float64Array(d * d);
  for (let f = 0; f < d; f++) I[f * d + f] = 1;
  if (prior === 'identity') return { M: I, priorInverse: I.slice() };
  // metric-learn's 'covariance': the covariance of the quadruplets' points (each occurrence counted).
  const P = new Float64Array(quadruplets.length * d);
  for (let t = 0; t < quadruplets.length; t++) P.set(X.subarray(quadruplets[t]! * d, quadruplets[t]! * d + d), t * d);
  const cov = covarianceMatrix(P, quadruplets.length, d, 1);
  const R = tryCholesky(cov, d);
  if (!R) throw new ValidationError("lsml: the covariance of the quadruplets' rows is singular, so prior 'covariance' has no inverse; use prior 'identity'.");
  return { M: inverseFromCholesky(R, d), priorInverse: cov };
}

/** Accepted losses the non-monotone Armijo test compares with (Grippo, Lampariello & Lucidi 1986; SPG's usual 10). */
const NONMONOTONE_WINDOW = 10;

/** LSML as in the file comment. */
export function fitLsml(data: TrainingData, prior: LsmlPrior, maxIter: number, tol: number, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const { X, d } = data;
  const quadruplets = data.quadruplets;
  if (!quadruplets || quadruplets.length === 0) throw new ValidationError('lsml learns from quadruplets, but none were given.');
  const { vab, vcd, m } = quadrupletDifferences(X, d, quadruplets);
  const { M: M0, priorInverse } = lsmlPrior(X, d, quadruplets, prior);
  const evaluator = createLsmlEvaluator(vab, vcd, m, priorInverse, d);
  let M = M0;
  // The line search evaluates the loss alone; the gradient only at the accepted point.
  let current = { loss: evaluator.loss(M), gradient: null as Float64Array | null };
  current.gradient = evaluator.gradient();
  const trace: number[] = [];
  let iterations = 0;
  let step = 0;
  let previous: { M: Float64Array; G: Float64Array } | null = null;
  let stopReason: StopReason = 'maxIter';
  const recent = [current.loss]; // the last NONMONOTONE_WINDOW accepted losses
  while (iterations < maxIter) {
    if (hooks.shouldStop?.()) break;
    const G = current.gradient!;
    let gradNorm = 0;
    for (const g of G) gradNorm += g * g;
    gradNorm = Math.sqrt(gradNorm);
    if (gradNorm <= tol) {
      stopReason = 'tolerance';
      break;
    }
    step = firstStep(M, G, previous, step, gradNorm);
    let accepted = false;
    for (let tries = 0; tries <= 40; tries++, step /= 2) {
      const trial = new Float64Array(d * d);
      for (let i = 0; i < d * d; i++) trial[i] = M[i]! - step * G[i]!;
      const projected = projectPositiveDefinite(trial, d);
      let decrease = 0;
      for (let i = 0; i < d * d; i++) decrease += G[i]! * (projected[i]! - M[i]!);
      const loss = evaluator.loss(projected);
      const reference = Math.max(...recent);
      if (loss <= reference + 1e-4 * decrease && loss < reference) {
        previous = { M, G };
        M = projected;
        current = { loss, gradient: evaluator.gradient() };
        accepted = true;
        break;
      }
    }
    if (!accepted) {
      stopReason = 'stalled';
      break;
    }
    iterations++;
    trace.push(current.loss);
    recent.push(current.loss);
    if (recent.length > NONMONOTONE_WINDOW) recent.shift();
    hooks.onIteration?.({ iteration: iterations, objective: current.loss, elapsedMs: performance.now() - start });
  }
  const L = clipEigenvalues(M, d, 0).L;
  return {
    L,
    nComponents: d,
    iterations,
    converged: stopReason === 'tolerance',
    stopReason,
    objective: current.loss,
    objectiveTrace: trace,
  };
}
