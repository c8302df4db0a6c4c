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
 * Cholesky factor shows M' is clearly inside); a step is accepted when f(M') ≤ f(M) + 10⁻⁴·⟨∇f, M' − M⟩, t is
 * halved until it is. The first t tried is 1/‖∇f‖, then the Barzilai–Borwein step of the last two iterates.
 * Stop reasons: `tolerance` when ‖∇f‖_F ≤ `tol` at the current M (metric-learn's test), `stalled` when no step
 * down to 2⁻⁴⁰ of the first one lowers f, `maxIter` otherwise. (metric-learn tries a fixed grid of ten steps and
 * stops silently when none helps; its gradient also leaves out the weights w_q its loss has.)
 * Each iteration costs O(m·d² + d³) per objective evaluation.
 */
import { ValidationError } from '../../errors.ts';
import { lowerTriangularInverse, symmetricEigen, tryCholesky } from '../../math/eigen.ts';
import { covarianceMatrix } from '../../math/statistics.ts';
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
 * ‖Rᵀu‖² and ‖Rᵀv‖² into `out` for row q of U and of V (m, d) and a lower-triangular R (d, d); `y`, `z` are
 * scratch (d).
 */
function choleskyForms(R: Float64Array, U: Float64Array, V: Float64Array, q: number, d: number, y: Float64Array, z: Float64Array, out: Float64Array): void {
  y.fill(0);
  z.fill(0);
  const row = q * d;
  for (let p = 0; p < d; p++) {
    const a = U[row + p]!;
    const b = V[row + p]!;
    const rRow = p * d;
    for (let j = 0; j <= p; j++) {
      const r = R[rRow + j]!;
      y[j]! += a * r;
      z[j]! += b * r;
    }
  }
  let s = 0;
  let t = 0;
  for (let j = 0; j < d; j++) {
    s += y[j]! * y[j]!;
    t += z[j]! * z[j]!;
  }
  out[0] = s;
  out[1] = t;
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
  const R = lowerCholesky(M, d);
  if (!R) return { loss: Number.POSITIVE_INFINITY, gradient: null };
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += 2 * Math.log(R[i * d + i]!);
  let traceTerm = 0;
  for (let i = 0; i < d * d; i++) traceTerm += M[i]! * priorInverse[i]!;
  const G = withGradient ? new Float64Array(d * d) : null;
  let loss = 0;
  const w = 1 / m;
  // d_ab = vᵀMv = ‖Rᵀv‖² with M = R·Rᵀ: half the work of vᵀ(Mv); both rows of a quadruplet share R's loads.
  const yab = new Float64Array(d);
  const ycd = new Float64Array(d);
  const forms = new Float64Array(2);
  for (let q = 0; q < m; q++) {
    choleskyForms(R, vab, vcd, q, d, yab, ycd, forms);
    const dab = forms[0]!;
    const dcd = forms[1]!;
    if (!(dab > dcd)) continue;
    const sab = Math.sqrt(dab);
    const scd = Math.sqrt(Math.max(dcd, 0));
    loss += w * (sab - scd) ** 2;
    if (!G) continue;
    addOuter(G, vab, q, d, w * (1 - scd / sab));
    if (scd > 0) addOuter(G, vcd, q, d, w * (1 - sab / scd));
  }
  if (G) {
    const Minv = inverseFromCholesky(R, d);
    for (let i = 0; i < d * d; i++) G[i]! += priorInverse[i]! - Minv[i]!;
  }
  return { loss: loss + traceTerm - logDet, gradient: G };
}

/** G += c·v vᵀ for row q of V. */
function addOuter(G: Float64Array, V: Float64Array, q: number, d: number, c: number): void {
  const row = q * d;
  for (let i = 0; i < d; i++) {
    const a = c * V[row + i]!;
    if (a === 0) continue;
    for (let j = 0; j < d; j++) G[i * d + j]! += a * V[row + j]!;
  }
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

/** LSML as in the file comment. */
export function fitLsml(data: TrainingData, prior: LsmlPrior, maxIter: number, tol: number, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const { X, d } = data;
  const quadruplets = data.quadruplets;
  if (!quadruplets || quadruplets.length === 0) throw new ValidationError('lsml learns from quadruplets, but none were given.');
  const { vab, vcd, m } = quadrupletDifferences(X, d, quadruplets);
  const { M: M0, priorInverse } = lsmlPrior(X, d, quadruplets, prior);
  let M = M0;
  let current = lsmlLossAndGradient(M, vab, vcd, m, priorInverse, d);
  const trace: number[] = [];
  let iterations = 0;
  let step = 0;
  let previous: { M: Float64Array; G: Float64Array } | null = null;
  let stopReason: StopReason = 'maxIter';
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
      const next = lsmlLossAndGradient(projected, vab, vcd, m, priorInverse, d);
      if (next.loss <= current.loss + 1e-4 * decrease && next.loss < current.loss) {
        previous = { M, G };
        M = projected;
        current = next;
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
