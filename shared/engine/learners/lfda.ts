/**
 * LFDA, Local Fisher Discriminant Analysis (Sugiyama 2007): Fisher's criterion with the pairs weighted by a local
 * affinity, so a class made of separate clusters is not forced together (metric-learn's LFDA, with its scatter
 * formulas).
 *
 * Affinity inside each class c (n_c rows): A_ij = exp(−‖x_i − x_j‖² / (σ_i σ_j)), σ_i the distance from x_i to its
 * k_c-th nearest row of its class, k_c = min(k, n_c − 1) for that class alone (metric-learn lowers k for every
 * later class once one class is small; a singleton class has no pair and adds nothing; metric-learn also reads σ
 * from one column of its partitioned distance matrix instead of each row's k-th nearest distance). With
 * G_c = X_cᵀ(diag(A1) − A)X_c (the affinity-weighted scatter of class c):
 *
 *   S̃_w = Σ_c G_c / n_c,   S̃_b = Σ_c [G_c / n + (1 − n_c/n) X_cᵀX_c + s_c s_cᵀ / n] − s sᵀ / n + S̃_w
 *
 * (s_c, s the row sums of class c and of all rows). The generalized eigenproblem S̃_b v = λ S̃_w v is solved
 * stably (only d × d): S̃_w (plus 10⁻¹⁰·tr/d, more only if Cholesky needs it) = R·Rᵀ, the symmetric R⁻¹ S̃_b R⁻ᵀ = U Λ Uᵀ,
 * v = R⁻ᵀ u (so vᵀ S̃_w v = 1, scipy's normalisation). The `components` largest λ give L's rows:
 * `weighted` √max(λ, 0)·vᵀ, `orthonormalized` the Q of QR(V), `plain` vᵀ. The objective reported is the sum of
 * the retained λ. Closed form; cost O(Σ n_c²·d·3/2 + n·d² + d³).
 */
import { ValidationError } from '../../errors.ts';
import { dotRows, transposeInto } from '../../math/dense/index.ts';
import { gramSquaredDistanceMatrix } from '../../math/distances/index.ts';
import { lowerTriangularInverse, symmetricEigen, tryCholesky } from '../../math/decompositions/index.ts';
import { smallestValue } from '../../math/neighbours/index.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';
import { componentsParam, componentsUpTo } from '../params.ts';

export const LFDA_EMBEDDINGS = ['weighted', 'orthonormalized', 'plain'] as const;
export type LfdaEmbedding = (typeof LFDA_EMBEDDINGS)[number];

export const lfdaLearner = defineLearner({
  name: 'lfda',
  title: 'LFDA (local Fisher)',
  description:
    'Local Fisher Discriminant Analysis (Sugiyama 2007): Fisher discriminant directions with pairs weighted by a local affinity, so classes made of several clusters keep their clusters apart.',
  input: 'labels',
  params: {
    components: componentsParam('Output dimension k ≤ features (null = every feature).'),
    k: {
      type: 'int',
      default: null,
      min: 1,
      nullable: true,
      description: "Nearest neighbour of the local scaling σ_i (null = metric-learn's min(7, features − 1)); at most class size − 1 per class.",
    },
    embeddingType: {
      type: 'enum',
      values: LFDA_EMBEDDINGS,
      default: 'weighted',
      description: 'Rows of L: eigenvectors scaled by √eigenvalue (weighted), orthonormalized, or raw (plain).',
    },
  },
  fit(data, params, { hooks }) {
    return fitLfda(data, params.components, params.k, params.embeddingType, hooks);
  },
});

/**
 * The local scatters S̃_b and S̃_w (d, d) of the file comment. Per class every product goes through the register-blocked
 * {@link dotRows} on transposed copies: the squared distances (upper triangle, O(n_c²·d/2)), Yᵀ = X_cᵀ·W (O(n_c²·d), W
 * symmetric), G = X_cᵀ·Y and X_cᵀX_c (upper triangles, O(n_c·d²/2) each); the affinity is evaluated on one triangle.
 */
export function lfdaScatters(X: Float64Array, n: number, d: number, labels: Int32Array, k: number): { between: Float64Array; within: Float64Array } {
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let rows = byClass.get(labels[i]!);
    if (!rows) byClass.set(labels[i]!, (rows = []));
    rows.push(i);
  }
  let largest = 0;
  for (const rows of byClass.values()) largest = Math.max(largest, rows.length);
  // Scratch sized for the largest class, reused by every class.
  const Xc = new Float64Array(largest * d); // (nc, d)
  const XcT = new Float64Array(d * largest); // (d, nc)
  const W = new Float64Array(largest * largest); // (nc, nc): squared distances, then diag(A1) − A
  const YT = new Float64Array(d * largest); // (d, nc) = X_cᵀ·W
  const G = new Float64Array(d * d); // upper triangle of X_cᵀ W X_c
  const XtX = new Float64Array(d * d); // upper triangle of X_cᵀ X_c
  const sigma = new Float64Array(largest);
  const sumsScratch = new Float64Array(largest);
  const row = new Float64Array(largest);
  const sumC = new Float64Array(d);
  const between = new Float64Array(d * d);
  const within = new Float64Array(d * d);
  const total = new Float64Array(d);
  for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) total[f]! += X[i * d + f]!;
  for (const rows of byClass.values()) {
    const nc = rows.length;
    const kc = Math.min(k, nc - 1);
    for (let t = 0; t < nc; t++) Xc.set(X.subarray(rows[t]! * d, rows[t]! * d + d), t * d);
    transposeInto(Xc.subarray(0, nc * d), nc, d, XcT);
    const dist = gramSquaredDistanceMatrix(Xc.subarray(0, nc * d), nc, d, W.subarray(0, nc * nc)); // (nc, nc)
    sigma.fill(0);
    for (let a = 0; a < nc && kc > 0; a++) {
      row.set(dist.subarray(a * nc, a * nc + nc));
      // The row's own 0 is among the smallest, so the (kc + 1)-th smallest is its kc-th nearest other row.
      sigma[a] = Math.sqrt(smallestValue(row, nc, kc + 1));
    }
    // W = diag(A1) − A in place of the distances: one triangle evaluated and mirrored, the row sums A1 gathered on
    // the way (each entry adds to its row and its column).
    const rowSums = sumsScratch.fill(0, 0, nc);
    for (let a = 0; a < nc; a++) {
      const sa = sigma[a]!;
      const rowA = a * nc;
      let sumA = rowSums[a]!;
      for (let b = a + 1; b < nc; b++) {
        const scale = sa * sigma[b]!;
        const affinity = scale > 0 ? Math.exp(-dist[rowA + b]! / scale) : 0;
        W[rowA + b] = -affinity;
        W[b * nc + a] = -affinity;
        sumA += affinity;
        rowSums[b]! += affinity;
      }
      W[rowA + a] = sumA;
    }
    // Yᵀ = X_cᵀ·W: row f of Yᵀ is ⟨column f of X_c, row b of W⟩ over b (W symmetric).
    dotRows(XcT, d, W, nc, nc, YT, nc);
    dotRows(XcT, d, YT, d, nc, G, d, true);
    dotRows(XcT, d, XcT, d, nc, XtX, d, true);
    sumC.fill(0);
    for (let a = 0; a < nc; a++) for (let f = 0; f < d; f++) sumC[f]! += Xc[a * d + f]!;
    const mixing = 1 - nc / n;
    for (let f = 0; f < d; f++) {
      for (let g = f; g < d; g++) {
        const t = f * d + g;
        within[t]! += G[t]! / nc;
        between[t]! += G[t]! / n + mixing * XtX[t]! + (sumC[f]! * sumC[g]!) / n;
      }
    }
  }
  // Upper triangles to full symmetric matrices.
  for (let f = 0; f < d; f++) {
    for (let g = f; g < d; g++) {
      const t = f * d + g;
      between[t]! += within[t]! - (total[f]! * total[g]!) / n;
      between[g * d + f] = between[t]!;
      within[g * d + f] = within[t]!;
    }
  }
  return { between, within };
}

/** LFDA as in the file comment. */
export function fitLfda(data: TrainingData, components: number | null, kParam: number | null, embedding: LfdaEmbedding, hooks: LearnerHooks): FitOutcome {
  const start = performance.now();
  const { X, n, d, labels } = data;
  if (!labels) throw new ValidationError('lfda learns from class labels, but none were given.');
  const dim = componentsUpTo('lfda', components, d);
  const k = kParam ?? Math.max(1, Math.min(7, d - 1));
  const { between, within } = lfdaScatters(X, n, d, labels, k);
  let traceW = 0;
  for (let f = 0; f < d; f++) traceW += within[f * d + f]!;
  let shift = 1e-10 * Math.max(traceW / d, Number.MIN_VALUE);
  let R: Float64Array | null = null;
  for (let attempt = 0; attempt < 12 && !R; attempt++, shift *= 100) {
    const Sw = within.slice();
    for (let f = 0; f < d; f++) Sw[f * d + f]! += shift;
    R = tryCholesky(Sw, d);
  }
  if (!R) throw new ValidationError('lfda: the local within-class scatter is zero (every class is a single point).');
  // Rinv = R⁻¹ (lower triangular), then B = Rinv·S̃_b·Rinvᵀ.
  const Rinv = lowerTriangularInverse(R, d);
  const T = new Float64Array(d * d); // Rinv·S̃_b
  for (let i = 0; i < d; i++) for (let p = 0; p <= i; p++) {
    const r = Rinv[i * d + p]!;
    if (r === 0) continue;
    for (let j = 0; j < d; j++) T[i * d + j]! += r * between[p * d + j]!;
  }
  const B = new Float64Array(d * d); // T·Rinvᵀ
  for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) {
    let s = 0;
    for (let p = 0; p <= j; p++) s += T[i * d + p]! * Rinv[j * d + p]!;
    B[i * d + j] = s;
  }
  const e = symmetricEigen(B, d); // ascending
  const V = new Float64Array(d * dim); // (d, dim): v_r = Rinvᵀ·u_{d−1−r}
  const values = new Float64Array(dim);
  let objective = 0;
  for (let r = 0; r < dim; r++) {
    const j = d - 1 - r;
    values[r] = e.values[j]!;
    objective += e.values[j]!;
    for (let f = 0; f < d; f++) {
      let s = 0;
      for (let p = f; p < d; p++) s += Rinv[p * d + f]! * e.vectors[p * d + j]!;
      V[f * dim + r] = s;
    }
  }
  if (embedding === 'orthonormalized') orthonormalizeColumns(V, d, dim);
  const L = new Float64Array(dim * d);
  for (let r = 0; r < dim; r++) {
    const scale = embedding === 'weighted' ? Math.sqrt(Math.max(values[r]!, 0)) : 1;
    for (let f = 0; f < d; f++) L[r * d + f] = scale * V[f * dim + r]!;
  }
  hooks.onIteration?.({ iteration: 1, objective, elapsedMs: performance.now() - start });
  return { L, nComponents: dim, iterations: 1, converged: true, stopReason: null, objective, objectiveTrace: [objective] };
}

/** Modified Gram–Schmidt on the columns of V (rows, cols) in place: the Q of a thin QR (up to column signs). */
function orthonormalizeColumns(V: Float64Array, rows: number, cols: number): void {
  for (let j = 0; j < cols; j++) {
    for (let p = 0; p < j; p++) {
      let dot = 0;
      for (let i = 0; i < rows; i++) dot += V[i * cols + p]! * V[i * cols + j]!;
      for (let i = 0; i < rows; i++) V[i * cols + j]! -= dot * V[i * cols + p]!;
    }
    let norm = 0;
    for (let i = 0; i < rows; i++) norm += V[i * cols + j]! ** 2;
    norm = Math.sqrt(norm);
    for (let i = 0; i < rows; i++) V[i * cols + j] = norm > 0 ? V[i * cols + j]! / norm : 0;
  }
}
