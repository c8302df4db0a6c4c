/**
 * The graphical lasso (Friedman, Hastie & Tibshirani 2008): a sparse precision matrix Θ (d, d) for a symmetric
 * positive-definite S (d, d),
 *
 *   minimize  g(Θ) = tr(S·Θ) − log det Θ + λ·Σ_{i≠j} |Θ_ij|   over Θ ≻ 0
 *
 * (the diagonal is not penalized, as scikit-learn's `graphical_lasso`). Block coordinate descent on the covariance
 * W = Θ⁻¹: for each column j, with W₁₁ the other rows and columns of W and s₁₂ column j of S without S_jj, the
 * lasso  min_β ½βᵀW₁₁β − s₁₂ᵀβ + λ‖β‖₁  is solved by cyclic coordinate descent (warm-started, the residual
 * s₁₂ − W₁₁β kept up to date, O(d) per coordinate), then w₁₂ = W₁₁β, Θ_jj = 1/(W_jj − w₁₂ᵀβ), θ₁₂ = −Θ_jj·β.
 * Every sweep over the columns ends with scikit-learn's duality-gap test,
 *   gap = tr(S·Θ) − d + λ·Σ_{i≠j}|Θ_ij|,  converged when |gap| ≤ tol.
 * W starts as S with its off-diagonal shrunk by 5 % (scikit-learn's start). Cost O(sweeps·d·(inner passes)·d²).
 */
import { cholesky, inverseSpd } from '../decompositions/cholesky.ts';

export interface GraphicalLassoResult {
  /** The precision matrix Θ (d, d), symmetric. */
  precision: Float64Array;
  /** Its inverse W (d, d). */
  covariance: Float64Array;
  /** Sweeps over the columns done. */
  sweeps: number;
  /** The duality gap after the last sweep. */
  gap: number;
  converged: boolean;
}

/** g(Θ) of the file comment; +∞ when Θ is not positive definite. */
export function graphicalLassoObjective(S: Float64Array, precision: Float64Array, d: number, lambda: number): number {
  let R: Float64Array;
  try {
    R = cholesky(precision, d);
  } catch {
    return Number.POSITIVE_INFINITY;
  }
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += 2 * Math.log(R[i * d + i]!);
  let traceTerm = 0;
  let l1 = 0;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      traceTerm += S[i * d + j]! * precision[i * d + j]!;
      if (i !== j) l1 += Math.abs(precision[i * d + j]!);
    }
  }
  return traceTerm - logDet + lambda * l1;
}

function dualityGap(S: Float64Array, precision: Float64Array, d: number, lambda: number): number {
  let gap = -d;
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      gap += S[i * d + j]! * precision[i * d + j]!;
      if (i !== j) gap += lambda * Math.abs(precision[i * d + j]!);
    }
  }
  return gap;
}

/**
 * Solves the graphical lasso for S (d, d, positive definite) and penalty λ ≥ 0.
 * `shouldStop` is polled once per sweep. @throws NonPsdError when S (or the start) is not positive definite.
 */
export function graphicalLasso(
  S: Float64Array,
  d: number,
  lambda: number,
  options: { maxIter?: number; tol?: number; lassoMaxIter?: number; lassoTol?: number; shouldStop?: () => boolean; onSweep?: (sweep: number, gap: number, precision: Float64Array) => void } = {},
): GraphicalLassoResult {
  const maxIter = options.maxIter ?? 100;
  const tol = options.tol ?? 1e-4;
  const lassoMaxIter = options.lassoMaxIter ?? 100;
  const lassoTol = options.lassoTol ?? 1e-4;
  const W = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) W[i * d + j] = i === j ? S[i * d + j]! : 0.95 * S[i * d + j]!;
  const precision = inverseSpd(W, d);
  const k = d - 1;
  const W11 = new Float64Array(k * k);
  const s12 = new Float64Array(k);
  const beta = new Float64Array(k);
  const residual = new Float64Array(k);
  const others = new Int32Array(k);
  let sweeps = 0;
  let gap = Number.POSITIVE_INFINITY;
  while (sweeps < maxIter) {
    if (options.shouldStop?.()) break;
    for (let j = 0; j < d; j++) {
      for (let p = 0, q = 0; p < d; p++) if (p !== j) others[q++] = p;
      for (let a = 0; a < k; a++) {
        const row = others[a]! * d;
        for (let b = 0; b < k; b++) W11[a * k + b] = W[row + others[b]!]!;
        s12[a] = S[row + j]!;
        // Warm start from the current precision: β = −θ₁₂ / θ_jj.
        beta[a] = -precision[row + j]! / precision[j * d + j]!;
      }
      // residual = s₁₂ − W₁₁β
      for (let a = 0; a < k; a++) {
        let s = s12[a]!;
        for (let b = 0; b < k; b++) s -= W11[a * k + b]! * beta[b]!;
        residual[a] = s;
      }
      for (let pass = 0; pass < lassoMaxIter; pass++) {
        let maxChange = 0;
        let maxBeta = 0;
        for (let a = 0; a < k; a++) {
          const waa = W11[a * k + a]!;
          const old = beta[a]!;
          const rho = residual[a]! + waa * old;
          const next = Math.abs(rho) <= lambda ? 0 : (rho - Math.sign(rho) * lambda) / waa;
          const delta = next - old;
          if (delta !== 0) {
            beta[a] = next;
            for (let b = 0; b < k; b++) residual[b]! -= delta * W11[b * k + a]!;
          }
          maxChange = Math.max(maxChange, Math.abs(delta));
          maxBeta = Math.max(maxBeta, Math.abs(next));
        }
        if (maxChange <= lassoTol * Math.max(maxBeta, 1e-12) || maxChange === 0) break;
      }
      // w₁₂ = W₁₁β; Θ_jj = 1/(W_jj − w₁₂ᵀβ); θ₁₂ = −Θ_jj·β.
      let quad = 0;
      for (let a = 0; a < k; a++) {
        let w = 0;
        for (let b = 0; b < k; b++) w += W11[a * k + b]! * beta[b]!;
        W[others[a]! * d + j] = w;
        W[j * d + others[a]!] = w;
        quad += w * beta[a]!;
      }
      const thetaJJ = 1 / (W[j * d + j]! - quad);
      precision[j * d + j] = thetaJJ;
      for (let a = 0; a < k; a++) {
        const v = -thetaJJ * beta[a]!;
        precision[others[a]! * d + j] = v;
        precision[j * d + others[a]!] = v;
      }
    }
    sweeps++;
    gap = dualityGap(S, precision, d, lambda);
    options.onSweep?.(sweeps, gap, precision);
    if (!Number.isFinite(gap)) break;
    if (Math.abs(gap) <= tol) return { precision, covariance: W, sweeps, gap, converged: true };
  }
  return { precision, covariance: W, sweeps, gap, converged: false };
}
