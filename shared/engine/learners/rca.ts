/**
 * RCA, Relevant Components Analysis (Bar-Hillel, Hertz, Shental & Weinshall 2005): rows in one chunklet are known
 * to share a class, so the variation inside chunklets is irrelevant; RCA whitens it.
 *
 *   C = (1/N) Σ_chunklets Σ_{i∈chunklet} (x_i − μ_chunklet)(x_i − μ_chunklet)ᵀ      (N rows in K chunklets)
 *   M = C⁻¹,  L = C^(−½)
 *
 * C is estimated from few rows when chunklets are few (100 chunklets of 2 give 100 difference vectors for 64 pixel
 * features on digits), and it is singular when a feature is constant or features are collinear inside every
 * chunklet, or when there are fewer chunklet degrees of freedom than features (metric-learn then returns NaN).
 * Two safeguards, both documented rules:
 * 1. `shrinkage` 'validated' (default): shrinkage is a remedy for an unreliable estimate of C, so it is used only
 *    where C is not well determined (`wellDetermined`): C is well determined when it has full rank, its smallest
 *    eigenvalue above rounding (λ_min > d·ε·λ_max, ε the float64 machine epsilon: a smaller one is zero up to the
 *    rounding of the d-term sums that form C), and the chunklets carry at least d degrees of freedom (N − K ≥ d for
 *    N rows in K chunklets; fewer cannot determine d variances). There C is whitened itself, α = 0: 'none'
 *    (metric-learn's RCA) bit for bit, one eigen-decomposition, with or without `components`. Otherwise (a feature
 *    constant or collinear inside every chunklet, too few chunklets: where metric-learn returns a non-finite metric)
 *    C is replaced by (1 − α)·C + α·μ·I, μ = tr(C)/d, with the α among 0 (RCA itself), ¼, ½, ¾, 0.9, 1 (the
 *    Euclidean metric, up to scale) and Ledoit–Wolf's estimate below that classifies the fitting rows best by 3-NN
 *    in a 3-fold inner validation on those rows only (`validatedShrinkage`). A better covariance estimate alone does
 *    not decide α: on digits, whitening even the within-class covariance of every training row (all rows in
 *    chunklets) classifies fewer rows right than Euclidean (96.9 % against 97.6 %); the inner validation measures
 *    what the metric is for. It needs class labels, so chunklets from the user's must-links (no labels) use
 *    Ledoit–Wolf's α where C is not well determined. With the default 100 chunklets of 2 on 5-fold training parts,
 *    z-scored: C is well determined on every fold of iris, wine and breast cancer (λ_min/λ_max ≥ 7.9·10⁻⁶, N − K =
 *    60–100 ≥ d) and singular on every fold of digits (λ_min/λ_max ≈ −10⁻¹⁷ although N − K = 100 ≥ 61), so only
 *    digits is validated. 5-fold 3-NN: iris 96.7 %, wine 98.3, breast cancer 91.6 (metric-learn 90.7), digits 97.6
 *    (Euclidean 97.6; metric-learn's metric is non-finite).
 *    'ledoit-wolf': C is replaced by (1 − α)·C + α·μ·I, μ = tr(C)/d, with Ledoit & Wolf's
 *    (2004) estimate α = min(1, β/δ), δ = ‖C − μI‖²_F, β = Σ_i ‖z_i z_iᵀ − C‖²_F / (N·(N − K)) over the N centered
 *    chunklet rows z_i. Ledoit–Wolf's β is the variance of C's estimate, Σ_i ‖z_i z_iᵀ − C‖²_F / m² for m independent
 *    rows; the centered rows of a chunklet sum to zero, so the N rows carry N − K degrees of freedom (a chunklet of 2
 *    gives one difference vector, counted twice among the rows), and β uses m = N − K in one factor. 'ledoit-wolf-rows'
 *    counts the N rows as independent (scikit-learn's `ledoit_wolf` with assume_centered), which halves α for
 *    chunklets of 2. 'none' whitens C itself (metric-learn's RCA). Shrinking moves M toward the Euclidean metric
 *    where C is poorly estimated (digits: 95.0 % 3-NN unshrunk, 97.3 % with 'ledoit-wolf-rows', 97.4 % with
 *    'ledoit-wolf').
 * 2. The eigenvalues are floored at ρ·μ (ρ = `regularization`): a direction with less within-chunklet variance is
 *    weighted as if it had the floor's, and a warning says how many were. So the metric is finite for any data.
 *
 * With `components` k < d: the k directions of smallest within-chunklet variance relative to the total variance
 * of the chunklet rows (the generalized eigenproblem C·a = λ·T·a, T the total covariance, as metric-learn's RCA),
 * then whitened inside that span. `directions` 'informative' (with `components` null) chooses k by the RCA paper's
 * dimension reduction criterion: a direction in which the chunklets carry no class information has values
 * exchangeable across the chunklet rows, so its expected ratio λ is (N − K)/(N − 1) (the within scatter has N − K
 * degrees of freedom, the total N − 1); only the directions with a smaller ratio are kept (at least one). It helps
 * where few features carry the classes (iris, wine, breast cancer) and hurts digits (96.6 % 3-NN against 97.4 %),
 * where k-NN needs every direction, so the default is 'all'. Closed form; cost O(N·d² + d³).
 */
import { ValidationError } from '../../errors.ts';
import { symmetricEigen } from '../../math/decompositions/index.ts';
import { covarianceMatrix } from '../../math/statistics/index.ts';
import { defineLearner, type FitOutcome, type LearnerHooks, type TrainingData } from '../learner.ts';
import { componentsParam, componentsUpTo } from '../params.ts';

export const rcaLearner = defineLearner({
  name: 'rca',
  title: 'RCA (chunklets)',
  description:
    "Relevant Components Analysis (Bar-Hillel et al. 2005): whitens the variation inside chunklets (groups of rows known to share a class), so what varies within a class counts less; where the chunklet covariance is singular it is shrunk toward the identity by the amount an inner 3-NN validation on the fitting rows chooses.",
  input: 'chunklets',
  params: {
    components: componentsParam('Output dimension k ≤ features (null = every feature).'),
    shrinkage: {
      type: 'enum',
      values: ['validated', 'ledoit-wolf', 'ledoit-wolf-rows', 'none'],
      default: 'validated',
      description:
        "Shrink the within-chunklet covariance toward a scaled identity: 'validated' whitens it unshrunk (metric-learn's RCA) where it is well determined (full rank, smallest eigenvalue above d·ε × the largest, and at least d chunklet degrees of freedom), else shrinks it by the intensity α that classifies the fitting rows best in a 3-fold inner 3-NN validation among 0, ¼, ½, ¾, 0.9, 1 and Ledoit–Wolf's α, when the chunklets come with class labels (generated), else by Ledoit–Wolf; by Ledoit–Wolf's estimate with the chunklets' N − K degrees of freedom ('ledoit-wolf'), with the N rows counted as independent ('ledoit-wolf-rows'); or not ('none', metric-learn's RCA).",
    },
    directions: {
      type: 'enum',
      values: ['informative', 'all'],
      default: 'all',
      description:
        "With components null: whiten every direction ('all', metric-learn's RCA), or keep only the directions whose within-chunklet/total variance ratio is below that of a direction with no class information, (N − K)/(N − 1) for N rows in K chunklets ('informative').",
    },
    regularization: {
      type: 'float',
      default: 1e-3,
      min: 0,
      exclusiveMin: true,
      description: 'Floor ρ of the within-chunklet variances, relative to their mean: keeps a singular covariance finite.',
    },
    numChunks: { type: 'int', default: 100, min: 1, description: 'Chunklets drawn when they are generated from class labels (fewer, with a warning, where the classes cannot give them).' },
    chunkSize: { type: 'int', default: 2, min: 2, description: 'Rows per chunklet when they are generated from class labels.' },
  },
  fit(data, params, { hooks }) {
    return fitRca(data, params.components, params.regularization, hooks, params.shrinkage, params.directions);
  },
});

/** Per chunklet: the sum of its rows, sums (chunks, d) row-major, and its row count; rows with id −1 are left out. */
function chunkletSums(X: Float64Array, n: number, d: number, chunklets: Int32Array): { sums: Float64Array; counts: Int32Array } {
  let chunks = 0;
  for (const c of chunklets) if (c + 1 > chunks) chunks = c + 1;
  const sums = new Float64Array(chunks * d);
  const counts = new Int32Array(chunks);
  for (let i = 0; i < n; i++) {
    const c = chunklets[i]!;
    if (c < 0) continue;
    counts[c]!++;
    for (let f = 0; f < d; f++) sums[c * d + f]! += X[i * d + f]!;
  }
  return { sums, counts };
}

/** The within-chunklet covariance C (d, d) of the file comment (bias 1) and the number of rows in chunklets. */
export function withinChunkletCovariance(X: Float64Array, n: number, d: number, chunklets: Int32Array): { C: Float64Array; rows: number } {
  const { sums, counts } = chunkletSums(X, n, d, chunklets);
  const C = new Float64Array(d * d);
  const centered = new Float64Array(d);
  let rows = 0;
  for (let i = 0; i < n; i++) {
    const c = chunklets[i]!;
    if (c < 0) continue;
    rows++;
    for (let f = 0; f < d; f++) centered[f] = X[i * d + f]! - sums[c * d + f]! / counts[c]!;
    for (let f = 0; f < d; f++) {
      const a = centered[f]!;
      if (a === 0) continue;
      for (let g = f; g < d; g++) C[f * d + g]! += a * centered[g]!;
    }
  }
  for (let f = 0; f < d; f++) {
    for (let g = f; g < d; g++) {
      C[f * d + g]! /= Math.max(rows, 1);
      C[g * d + f] = C[f * d + g]!;
    }
  }
  return { C, rows };
}

/** RCA as in the file comment. */
export function fitRca(
  data: TrainingData,
  components: number | null,
  rho: number,
  hooks: LearnerHooks,
  shrinkage: RcaShrinkage = 'validated',
  directions: 'all' | 'informative' = 'all',
): FitOutcome {
  const start = performance.now();
  const { X, n, d } = data;
  const chunklets = data.chunklets;
  if (!chunklets) throw new ValidationError('rca learns from chunklets, but none were given.');
  if (chunklets.length !== n) throw new ValidationError(`rca: ${chunklets.length} chunklet ids for ${n} rows.`);
  let k = componentsUpTo('rca', components, d);
  const { C, rows } = withinChunkletCovariance(X, n, d, chunklets);
  if (rows < 2) throw new ValidationError(`rca needs at least 2 rows in chunklets, got ${rows}.`);
  let traceC = 0;
  for (let f = 0; f < d; f++) traceC += C[f * d + f]!;
  if (!(traceC > 0)) throw new ValidationError('rca: every chunklet is a single point or a repeated row, so there is no within-chunklet variation to whiten.');
  const floor = (rho * traceC) / d;
  const warnings: string[] = [];
  // The relevant directions and their within/total variance ratios, from the unshrunk C (the null threshold below
  // is a property of the sample estimate).
  const basis = components === null && directions === 'informative' ? relevantDirections(X, n, d, chunklets, C, rho) : null;
  if (basis) {
    const threshold = uninformativeRatio(chunklets, rows);
    let kept = 0;
    while (kept < d && basis.ratios[kept]! < threshold) kept++;
    k = Math.max(kept, 1);
  }
  const mu = traceC / d;
  // 'validated' shrinks only a C that is not well determined; the decomposition that decides it is the one whitened
  // when it is (α = 0 leaves C as it is).
  const unshrunk = shrinkage === 'validated' ? symmetricEigen(C, d) : null;
  const plain = unshrunk !== null && wellDetermined(unshrunk.values, rows - chunkletCount(chunklets));
  let alpha = shrinkage === 'none' || plain ? 0 : ledoitWolfIntensity(X, n, d, chunklets, C, rows, shrinkage === 'ledoit-wolf-rows' ? 'rows' : 'degrees-of-freedom');
  // With components k < d the shrunk C is whitened inside a span chosen from the unshrunk one; the validation scores
  // full-rank metrics, so it runs for k = d only and Ledoit–Wolf's α stands otherwise.
  const validated = shrinkage === 'validated' && !plain && data.labels && k === d ? validatedShrinkage(X, n, d, data.labels, chunklets, rho, alpha) : null;
  if (validated !== null) alpha = validated;
  // α = 1 leaves no trace of C's eigenvalues in the shrunk matrix; the warning counts them from C itself.
  const unshrunkSingular = alpha === 1 ? (unshrunk ?? symmetricEigen(C, d)).values.filter((v) => v < floor).length : 0;
  if (alpha > 0) for (let f = 0; f < d; f++) for (let g = 0; g < d; g++) C[f * d + g] = (1 - alpha) * C[f * d + g]! + (f === g ? alpha * mu : 0);
  let L: Float64Array;
  if (k === d) {
    const { values, vectors } = alpha === 0 && unshrunk !== null ? unshrunk : symmetricEigen(C, d);
    // Shrinking keeps the eigenvectors: the unshrunk eigenvalue of each is (value − αμ)/(1 − α).
    let singular = 0;
    if (alpha === 1) singular = unshrunkSingular;
    else for (let j = 0; j < d; j++) if ((values[j]! - alpha * mu) / (1 - alpha) < floor) singular++;
    L = new Float64Array(d * d); // (d, d): rows w_j^(−½)·v_jᵀ, smallest variance (largest weight) first
    for (let j = 0; j < d; j++) {
      const w = 1 / Math.sqrt(Math.max(values[j]!, floor));
      for (let f = 0; f < d; f++) L[j * d + f] = w * vectors[f * d + j]!;
    }
    const floored = `their variance was floored at ${rho} × the mean variance`;
    if (singular > 0) warnings.push(rcaSingularWarning(singular, d, alpha > 0 ? `shrunk toward the scaled identity (${validated === null ? 'Ledoit–Wolf' : 'validated'} α = ${alpha.toPrecision(3)})` : validated === null ? floored : `the validated α is 0, so ${floored}`));
  } else {
    L = reducedRca(basis ?? relevantDirections(X, n, d, chunklets, C, rho), C, d, k, floor, warnings, rho);
  }
  hooks.onIteration?.({ iteration: 1, objective: 0, elapsedMs: performance.now() - start });
  return { L, nComponents: k, iterations: 1, converged: true, stopReason: null, objective: null, objectiveTrace: [0], warnings };
}

export type RcaShrinkage = 'validated' | 'ledoit-wolf' | 'ledoit-wolf-rows' | 'none';

/** The number of chunklets with at least one row (ids −1 are rows in none). */
function chunkletCount(chunklets: Int32Array): number {
  const seen = new Set<number>();
  for (const c of chunklets) if (c >= 0) seen.add(c);
  return seen.size;
}

/**
 * Whether the within-chunklet covariance is well determined, so that 'validated' whitens it unshrunk (file comment):
 * its ascending eigenvalues `values` (d of them) have the smallest above rounding, λ_min > d·ε·λ_max, and the
 * chunklets give at least d degrees of freedom (`degreesOfFreedom` = N − K).
 * Why these two: below d·ε·λ_max an eigenvalue is indistinguishable from zero after the d-term sums that form C, so
 * C is singular and its inverse is rounding noise (metric-learn's RCA turns non-finite there); with fewer than d
 * degrees of freedom C is singular in exact arithmetic whatever the rounding says.
 */
export function wellDetermined(values: Float64Array, degreesOfFreedom: number): boolean {
  const d = values.length;
  return degreesOfFreedom >= d && values[0]! > d * Number.EPSILON * values[d - 1]!;
}

/** The shrinkage intensities an inner validation compares, besides Ledoit–Wolf's estimate: 0 is RCA itself, 1 Euclidean. */
export const VALIDATED_ALPHAS = [0, 0.25, 0.5, 0.75, 0.9, 1] as const;
/** Inner folds and neighbours of the validation (the evaluation's default k). */
const INNER_FOLDS = 3;
const INNER_NEIGHBOURS = 3;

/**
 * The shrinkage intensity α whose metric classifies the fitting rows best by 3-NN in a 3-fold inner validation (the
 * labelled rows only, never anything outside `X`): each inner fold holds out whole chunklets (id mod 3) and a third
 * of the rows in no chunklet, estimates C from the other chunklets and scores every α of `VALIDATED_ALPHAS` and
 * `ledoitWolf` on the held-out rows. Ties go to the α nearest Ledoit–Wolf's (the label-free estimate), then to the
 * smaller. Shrinking keeps C's eigenvectors, so each fold needs one eigen-decomposition, one rotation of the rows and
 * one pass over the row pairs for every α (`nearestVotes`).
 * Returns null where the validation cannot run (fewer than 3 chunklets, or an inner training part smaller than k).
 * Why: k-NN accuracy, not the covariance estimate, decides how far whitening the within-chunklet variation helps;
 * on digits whitening even a well-estimated within-class covariance (every training row in a chunklet) classifies
 * fewer rows right than the Euclidean metric, on iris and wine unshrunk RCA classifies most.
 */
export function validatedShrinkage(X: Float64Array, n: number, d: number, labels: Int32Array, chunklets: Int32Array, rho: number, ledoitWolf: number): number | null {
  const candidates = [...new Set([...VALIDATED_ALPHAS, ledoitWolf])];
  const foldOf = new Int32Array(n);
  let loose = 0;
  let chunks = 0;
  for (let i = 0; i < n; i++) {
    const c = chunklets[i]!;
    if (c >= 0) chunks = Math.max(chunks, c + 1);
    foldOf[i] = c >= 0 ? c % INNER_FOLDS : loose++ % INNER_FOLDS;
  }
  if (chunks < INNER_FOLDS) return null;
  const right = new Float64Array(candidates.length);
  for (let f = 0; f < INNER_FOLDS; f++) {
    const inner = chunklets.map((c, i) => (foldOf[i] === f ? -1 : c));
    const { C, rows } = withinChunkletCovariance(X, n, d, inner);
    let trace = 0;
    for (let a = 0; a < d; a++) trace += C[a * d + a]!;
    const trainRows: number[] = [];
    const testRows: number[] = [];
    for (let i = 0; i < n; i++) (foldOf[i] === f ? testRows : trainRows).push(i);
    if (rows < 2 || !(trace > 0) || trainRows.length < INNER_NEIGHBOURS || testRows.length === 0) return null;
    const mu = trace / d;
    const { values, vectors } = symmetricEigen(C, d);
    const rotate = (list: number[]): Float64Array => {
      const Y = new Float64Array(list.length * d); // (rows, d): the rows in C's eigenbasis
      list.forEach((r, t) => {
        for (let j = 0; j < d; j++) {
          let s = 0;
          for (let a = 0; a < d; a++) s += X[r * d + a]! * vectors[a * d + j]!;
          Y[t * d + j] = s;
        }
      });
      return Y;
    };
    const trainY = rotate(trainRows);
    const testY = rotate(testRows);
    const squaredWeights = new Float64Array(candidates.length * d); // (candidates, d): 1/((1 − α)·λ_j + α·μ), floored
    candidates.forEach((alpha, c) => {
      for (let j = 0; j < d; j++) squaredWeights[c * d + j] = 1 / Math.max((1 - alpha) * values[j]! + alpha * mu, rho * mu);
    });
    const predicted = nearestVotes(trainY, Int32Array.from(trainRows, (r) => labels[r]!), testY, d, squaredWeights, candidates.length);
    testRows.forEach((r, t) => {
      for (let c = 0; c < candidates.length; c++) if (predicted[t * candidates.length + c] === labels[r]) right[c]!++;
    });
  }
  let best = 0;
  for (let c = 1; c < candidates.length; c++) {
    const a = candidates[c]!;
    const b = candidates[best]!;
    if (right[c]! > right[best]! || (right[c] === right[best] && (Math.abs(a - ledoitWolf) < Math.abs(b - ledoitWolf) || (Math.abs(a - ledoitWolf) === Math.abs(b - ledoitWolf) && a < b)))) best = c;
  }
  return candidates[best]!;
}

/**
 * 3-NN classes of the `testY` rows (t, d) among the `trainY` rows (m, d) under each of `count` diagonal metrics
 * (squaredWeights (count, d)), in one pass over the row pairs: a pair's squared differences are formed once and
 * weighted for every metric (a sum stops once it cannot enter that metric's K nearest), where `knnPredict` per metric
 * would form them `count` times and pay its fixed costs each time (the validation is most of an RCA fit on small data). The rules are knnPredict's: exact squared
 * distances by differencing, the nearest first with ties to the lower row, then the most votes with ties to the
 * lowest class. Returns (t, count).
 */
function nearestVotes(trainY: Float64Array, trainLabels: Int32Array, testY: Float64Array, d: number, squaredWeights: Float64Array, count: number): Int32Array {
  const m = trainLabels.length;
  const t = testY.length / d;
  const K = Math.min(INNER_NEIGHBOURS, m);
  let classes = 0;
  for (const c of trainLabels) classes = Math.max(classes, c + 1);
  const out = new Int32Array(t * count);
  const diff = new Float64Array(d);
  const bestDistance = new Float64Array(count * K); // per metric, its K nearest so far in ascending order
  const bestLabel = new Int32Array(count * K);
  const votes = new Int32Array(classes);
  for (let q = 0; q < t; q++) {
    bestDistance.fill(Infinity);
    for (let r = 0; r < m; r++) {
      for (let j = 0; j < d; j++) {
        const v = testY[q * d + j]! - trainY[r * d + j]!;
        diff[j] = v * v;
      }
      for (let c = 0; c < count; c++) {
        // Partial sums only grow: stop once the sum cannot enter this metric's K nearest.
        let slot = c * K + K - 1;
        const bound = bestDistance[slot]!;
        let s = 0;
        for (let j = 0; j < d && s < bound; j++) s += squaredWeights[c * d + j]! * diff[j]!;
        if (!(s < bound)) continue;
        while (slot > c * K && s < bestDistance[slot - 1]!) {
          bestDistance[slot] = bestDistance[slot - 1]!;
          bestLabel[slot] = bestLabel[slot - 1]!;
          slot--;
        }
        bestDistance[slot] = s;
        bestLabel[slot] = trainLabels[r]!;
      }
    }
    for (let c = 0; c < count; c++) {
      votes.fill(0);
      for (let s = 0; s < K; s++) votes[bestLabel[c * K + s]!]!++;
      let winner = 0;
      for (let k = 1; k < classes; k++) if (votes[k]! > votes[winner]!) winner = k;
      out[q * count + c] = winner;
    }
  }
  return out;
}

/**
 * The within/total variance ratio that a direction carrying no class information has in expectation: its values are
 * then exchangeable across the chunklet rows, so the within-chunklet scatter has N − K degrees of freedom (N rows in
 * K chunklets) and the total scatter N − 1; both covariances divide by N.
 */
export function uninformativeRatio(chunklets: Int32Array, rows: number): number {
  return (rows - chunkletCount(chunklets)) / (rows - 1);
}

/**
 * Ledoit–Wolf's shrinkage intensity for the centered chunklet rows z_i (N of them, K chunklets) and their covariance C:
 * min(1, β/δ) with β = (1/N²)·Σ_i ‖z_i z_iᵀ − C‖²_F = (1/N²)·Σ_i (‖z_i‖⁴ − 2·z_iᵀCz_i + ‖C‖²_F), δ = ‖C − μI‖²_F,
 * and β scaled by N/(N − K) when `samples` is 'degrees-of-freedom' (see the file comment).
 */
export function ledoitWolfIntensity(
  X: Float64Array,
  n: number,
  d: number,
  chunklets: Int32Array,
  C: Float64Array,
  rows: number,
  samples: 'degrees-of-freedom' | 'rows' = 'degrees-of-freedom',
): number {
  const { sums, counts } = chunkletSums(X, n, d, chunklets);
  let normC = 0;
  let traceC = 0;
  for (let t = 0; t < d * d; t++) normC += C[t]! * C[t]!;
  for (let f = 0; f < d; f++) traceC += C[f * d + f]!;
  const mu = traceC / d;
  const delta = normC - d * mu * mu; // ‖C − μI‖²_F
  if (!(delta > 0)) return 0;
  const z = new Float64Array(d);
  let beta = 0;
  for (let i = 0; i < n; i++) {
    const c = chunklets[i]!;
    if (c < 0) continue;
    let norm2 = 0;
    for (let f = 0; f < d; f++) {
      z[f] = X[i * d + f]! - sums[c * d + f]! / counts[c]!;
      norm2 += z[f]! * z[f]!;
    }
    let quad = 0;
    for (let f = 0; f < d; f++) {
      const a = z[f]!;
      if (a === 0) continue;
      let t = 0;
      for (let g = 0; g < d; g++) t += C[f * d + g]! * z[g]!;
      quad += a * t;
    }
    beta += norm2 * norm2 - 2 * quad + normC;
  }
  beta /= rows * rows;
  if (samples === 'degrees-of-freedom') {
    let nonEmpty = 0;
    for (const count of counts) if (count > 0) nonEmpty++;
    if (rows > nonEmpty) beta *= rows / (rows - nonEmpty);
  }
  return Math.min(1, Math.max(0, beta / delta));
}

function rcaSingularWarning(count: number, d: number, remedy: string): string {
  return `rca: the within-chunklet covariance is singular or nearly so in ${count} of ${d} directions (a feature constant or collinear inside every chunklet, or too few chunklets); ${remedy}.`;
}

/**
 * The generalized eigenvectors of (C, T), T the covariance of the chunklet rows (floored as C is), as T^(−½) (d, d)
 * symmetric and the eigen-decomposition of T^(−½)·C·T^(−½) whose ascending eigenvalues are the within/total variance
 * ratios.
 */
function relevantDirections(X: Float64Array, n: number, d: number, chunklets: Int32Array, C: Float64Array, rho: number): { Tih: Float64Array; vectors: Float64Array; ratios: Float64Array } {
  const rows: number[] = [];
  for (let i = 0; i < n; i++) if (chunklets[i]! >= 0) rows.push(i);
  const Xc = new Float64Array(rows.length * d);
  rows.forEach((r, t) => Xc.set(X.subarray(r * d, r * d + d), t * d));
  const T = covarianceMatrix(Xc, rows.length, d, 1);
  let traceT = 0;
  for (let f = 0; f < d; f++) traceT += T[f * d + f]!;
  // T^(−½) with the same relative floor, then the eigenvectors of T^(−½)·C·T^(−½).
  const t = symmetricEigen(T, d);
  const tFloor = (rho * traceT) / d;
  const Tih = new Float64Array(d * d); // (d, d) symmetric T^(−½)
  for (let j = 0; j < d; j++) {
    const w = 1 / Math.sqrt(Math.max(t.values[j]!, tFloor));
    for (let a = 0; a < d; a++) {
      const va = w * t.vectors[a * d + j]!;
      for (let b = 0; b < d; b++) Tih[a * d + b]! += va * t.vectors[b * d + j]!;
    }
  }
  const e = symmetricEigen(conjugate(Tih, C, d), d); // ascending: smallest ratio first
  return { Tih, vectors: e.vectors, ratios: e.values };
}

/** k < d: A (d, k) = T^(−½)·E_k spans the k smallest ratios of `relevantDirections`; L = (AᵀCA)^(−½)·Aᵀ (k, d). */
function reducedRca(basis: { Tih: Float64Array; vectors: Float64Array }, C: Float64Array, d: number, k: number, floor: number, warnings: string[], rho: number): Float64Array {
  const { Tih, vectors } = basis;
  const A = new Float64Array(d * k); // (d, k) = T^(−½)·E_k
  for (let a = 0; a < d; a++) {
    for (let j = 0; j < k; j++) {
      let s = 0;
      for (let p = 0; p < d; p++) s += Tih[a * d + p]! * vectors[p * d + j]!;
      A[a * k + j] = s;
    }
  }
  // Inner = AᵀCA (k, k), whitened with the floor.
  const CA = new Float64Array(d * k);
  for (let a = 0; a < d; a++) for (let p = 0; p < d; p++) {
    const c = C[a * d + p]!;
    if (c === 0) continue;
    for (let j = 0; j < k; j++) CA[a * k + j]! += c * A[p * k + j]!;
  }
  const inner = new Float64Array(k * k);
  for (let a = 0; a < d; a++) for (let i = 0; i < k; i++) {
    const v = A[a * k + i]!;
    for (let j = 0; j < k; j++) inner[i * k + j]! += v * CA[a * k + j]!;
  }
  const w = symmetricEigen(inner, k);
  let floored = 0;
  const L = new Float64Array(k * d); // rows: s_j^(−½)·(A·u_j)ᵀ
  for (let j = 0; j < k; j++) {
    if (w.values[j]! < floor) floored++;
    const scale = 1 / Math.sqrt(Math.max(w.values[j]!, floor));
    for (let f = 0; f < d; f++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += A[f * k + i]! * w.vectors[i * k + j]!;
      L[j * d + f] = scale * s;
    }
  }
  if (floored > 0) warnings.push(rcaSingularWarning(floored, k, `their variance was floored at ${rho} × the mean variance`));
  return L;
}

/** S·C·S for symmetric S, C (d, d). */
function conjugate(S: Float64Array, C: Float64Array, d: number): Float64Array {
  const SC = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let p = 0; p < d; p++) {
    const s = S[i * d + p]!;
    if (s === 0) continue;
    for (let j = 0; j < d; j++) SC[i * d + j]! += s * C[p * d + j]!;
  }
  const out = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let p = 0; p < d; p++) {
    const s = SC[i * d + p]!;
    if (s === 0) continue;
    for (let j = 0; j < d; j++) out[i * d + j]! += s * S[p * d + j]!;
  }
  return out;
}
