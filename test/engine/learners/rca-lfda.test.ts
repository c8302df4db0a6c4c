import { describe, expect, it } from 'vitest';
import { fitMetric, prepareFit } from '../../../shared/engine/fit.ts';
import type { TrainingData } from '../../../shared/engine/learner.ts';
import { fitLfda } from '../../../shared/engine/learners/lfda.ts';
import { fitRca, ledoitWolfIntensity, VALIDATED_ALPHAS, validatedShrinkage, wellDetermined, withinChunkletCovariance } from '../../../shared/engine/learners/rca.ts';
import { symmetricEigen } from '../../../shared/math/decompositions/index.ts';
import { metricFromComponents } from '../../../shared/math/decompositions/psd.ts';
import { blobs, sampleDataset } from '../fixtures.ts';

/**
 * Golden values: metric-learn 0.7.0 (PYTHONPATH=/tmp/metric-learn /usr/bin/python3) on the bundled iris sample,
 * z-scored with the population std (X = (X − mean) / std), M = components_ᵀ·components_ row-major:
 *   LFDA(k=3, embedding_type=…).fit(X, y); LFDA(n_components=2, k=3); RCA().fit(X, chunks) and
 *   RCA(n_components=2) with chunks = [i // 3 if i < 90 else -1 for i in range(150)].
 * For LFDA, metric-learn's module `np` was wrapped so that `np.partition(dist, k, axis=0)` returns its transpose:
 * metric-learn reads σ from `np.partition(dist, k, axis=0)[:, k]`, one column of distances, not the k-th nearest
 * distance of each row; with the transpose, `[:, k]` is the k-th nearest distance (the paper's local scaling).
 */
const GOLDEN = {
  weighted: [328.73496967837406, -89.91645325187234, 771.7392343341455, 490.8204496620325, -89.91645325187234, 598.5701650057456, -1110.7116043016538, -636.5605339349951, 771.7392343341455, -1110.7116043016538, 4489.18727395915, 2648.155998622945, 490.8204496620325, -636.5605339349951, 2648.155998622945, 1746.0938820380939],
  plain: [2.7690203775031605, -0.19761770041849297, -1.608348893265644, 0.231163896474387, -0.19761770041849297, 2.0665352456710053, 0.1735024035448955, -0.35710069122474764, -1.608348893265644, 0.1735024035448955, 8.172089366397769, -1.274865707771753, 0.231163896474387, -0.35710069122474764, -1.274865707771753, 4.346528764288531],
  lfda2: [237.44046775122322, -57.36165911489714, 824.7995083766384, 531.6560194299957, -57.36165911489714, 586.7304683338596, -1133.6313405021008, -647.1683198644876, 824.7995083766384, -1133.6313405021008, 4389.107370629975, 2692.8825992604975, 531.6560194299957, -647.1683198644876, 2692.8825992604975, 1660.1404636994648],
  rca: [10.884263246884911, -2.842008515072927, -16.101189358580132, 2.8907085215909385, -2.842008515072927, 3.0065939308409693, 4.9872474453812154, -2.7870818271895854, -16.101189358580132, 4.9872474453812154, 91.60602499528727, -59.859883053553666, 2.8907085215909385, -2.7870818271895854, -59.859883053553666, 68.48923152900225],
  rca2: [0.48250794827103644, 0.6283120402191128, -3.8466690580081284, 1.2953750636219854, 0.6283120402191128, 1.0308033283998472, -5.250527560117141, 3.769475499110438, -3.8466690580081284, -5.250527560117141, 30.94079968767976, -12.69223948711235, 1.2953750636219854, 3.769475499110438, -12.69223948711235, 23.877075298102593],
};

function expectClose(actual: ArrayLike<number>, expected: number[], relTol: number): void {
  const scale = Math.max(...expected.map(Math.abs));
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) expect(Math.abs(actual[i]! - expected[i]!)).toBeLessThan(relTol * scale);
}

/** The rows (n, 4) with a fifth feature 2·x₀ − x₁, collinear with two others: (n, 5). */
function withCollinearFeature(X: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * 5);
  for (let i = 0; i < n; i++) {
    out.set(X.subarray(i * 4, i * 4 + 4), i * 5);
    out[i * 5 + 4] = 2 * X[i * 4]! - X[i * 4 + 1]!;
  }
  return out;
}

/** The within-chunklet covariance of a training set and whether 'validated' whitens it unshrunk. */
function conditionOf(t: TrainingData): { C: Float64Array; rows: number; wellDetermined: boolean } {
  const { C, rows } = withinChunkletCovariance(t.X, t.n, t.d, t.chunklets!);
  const chunks = new Set(Array.from(t.chunklets!).filter((c) => c >= 0)).size;
  return { C, rows, wellDetermined: wellDetermined(symmetricEigen(C, t.d).values, rows - chunks) };
}

const iris = sampleDataset('iris');
/** The z-scored iris rows, as prepareFit gives them to a learner. */
const irisTraining: TrainingData = prepareFit(iris, { method: 'lfda' }).training;
const quiet = {};

describe('lfda', () => {
  it("matches metric-learn's M = LᵀL on iris for each embedding type and for 2 components", () => {
    for (const type of ['weighted', 'plain'] as const) {
      const fit = fitLfda(irisTraining, null, 3, type, quiet);
      expectClose(metricFromComponents(fit.L, 4, 4), GOLDEN[type], 1e-8);
    }
    const two = fitLfda(irisTraining, 2, 3, 'weighted', quiet);
    expect(two.nComponents).toBe(2);
    expectClose(metricFromComponents(two.L, 2, 4), GOLDEN.lfda2, 1e-8);
    const ortho = fitLfda(irisTraining, null, 3, 'orthonormalized', quiet);
    expectClose(metricFromComponents(ortho.L, 4, 4), [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], 1e-12);
  });

  it('keeps k for the other classes when one class is small, and a singleton class adds nothing', () => {
    const data = blobs({ classes: 3, perClass: 12, features: 4, seed: 5 });
    const base = prepareFit(data, { method: 'lfda' }).training;
    // Class 2 cut to 2 rows, then to 1 row: the scatters of classes 0 and 1 keep k = 3.
    const keep = (sizeOf2: number): TrainingData => {
      const rows: number[] = [];
      let seen2 = 0;
      for (let i = 0; i < base.n; i++) if (base.labels![i] !== 2 || seen2++ < sizeOf2) rows.push(i);
      const X = new Float64Array(rows.length * 4);
      rows.forEach((r, t) => X.set(base.X.subarray(r * 4, r * 4 + 4), t * 4));
      return { ...base, X, n: rows.length, labels: Int32Array.from(rows, (r) => base.labels![r]!) };
    };
    // Order matters only through the bug: put the small class first by relabeling it 0.
    const small = keep(2);
    const relabeled = { ...small, labels: small.labels!.map((c) => (c === 2 ? 0 : c + 1)) as Int32Array };
    const a = fitLfda(small, null, 3, 'weighted', quiet);
    const b = fitLfda(relabeled, null, 3, 'weighted', quiet);
    expectClose(metricFromComponents(b.L, 4, 4), Array.from(metricFromComponents(a.L, 4, 4)), 1e-9);
    const singleton = fitLfda(keep(1), null, 3, 'weighted', quiet);
    for (const v of singleton.L) expect(Number.isFinite(v)).toBe(true);
  });
});

describe('rca', () => {
  const chunklets = Int32Array.from({ length: 150 }, (_, i) => (i < 90 ? Math.floor(i / 3) : -1));

  it("matches metric-learn's M on given chunklets, full and with 2 components", () => {
    const full = fitRca({ ...irisTraining, chunklets }, null, 1e-3, quiet, 'none');
    expect(full.warnings).toEqual([]);
    expectClose(metricFromComponents(full.L, 4, 4), GOLDEN.rca, 1e-8);
    const two = fitRca({ ...irisTraining, chunklets }, 2, 1e-3, quiet, 'none');
    expectClose(metricFromComponents(two.L, 2, 4), GOLDEN.rca2, 1e-8);
  });

  it("shrinks by Ledoit–Wolf's estimate over the rows as scikit-learn's ledoit_wolf does ('ledoit-wolf-rows')", () => {
    // scikit-learn 1.2.1: Z = the rows of each chunklet minus its mean (chunklets as above, z-scored iris);
    // C, alpha = ledoit_wolf(Z, assume_centered=True) → alpha 0.06103791088684043, M = inv(C) row-major.
    const golden = [8.844463800481702, -2.213839971054223, -7.717780020393813, -1.6397848513789852, -2.213839971054223, 2.87210900331858, 1.9466629216952005, -0.7300147260126768, -7.717780020393815, 1.9466629216952012, 38.382476439830924, -18.938910839940426, -1.6397848513789852, -0.730014726012677, -18.938910839940423, 31.91220307879951];
    const { C, rows } = withinChunkletCovariance(irisTraining.X, 150, 4, chunklets);
    expect(ledoitWolfIntensity(irisTraining.X, 150, 4, chunklets, C, rows, 'rows')).toBeCloseTo(0.06103791088684043, 12);
    const fit = fitRca({ ...irisTraining, chunklets }, null, 1e-3, quiet, 'ledoit-wolf-rows');
    expectClose(metricFromComponents(fit.L, 4, 4), golden, 1e-9);
  });

  it("counts the chunklets' degrees of freedom by default: pairs shrink as their independent differences do", () => {
    // A chunklet of 2 is one independent difference: scikit-learn 1.2.1 on z-scored iris, pairs = [i // 2 if i < 90
    // else -1], Z = [(X[2k] − X[2k+1]) / 2 for k < 45]; C, alpha = ledoit_wolf(Z, assume_centered=True)
    // → alpha 0.10836417249756482, M = inv(C) row-major.
    const golden = [12.958448792747872, -3.6266107588828076, -7.798547908494754, -0.6892823753704792, -3.6266107588828067, 6.203401114105024, -1.7173005598662412, -3.505931176649622, -7.798547908494755, -1.7173005598662412, 54.27288987434235, -17.146734030047345, -0.6892823753704789, -3.505931176649622, -17.146734030047345, 40.31238460110937];
    const pairs = Int32Array.from({ length: 150 }, (_, i) => (i < 90 ? Math.floor(i / 2) : -1));
    const { C, rows } = withinChunkletCovariance(irisTraining.X, 150, 4, pairs);
    expect(ledoitWolfIntensity(irisTraining.X, 150, 4, pairs, C, rows)).toBeCloseTo(0.10836417249756482, 12);
    const fit = fitRca({ ...irisTraining, chunklets: pairs }, null, 1e-3, quiet, 'ledoit-wolf');
    expectClose(metricFromComponents(fit.L, 4, 4), golden, 1e-9);
    // Without class labels (chunklets from must-links) the default whitens this full-rank C unshrunk, and shrinks a
    // singular one (a fifth feature collinear with two others) by Ledoit–Wolf's α, there being no labels to validate.
    const unlabeled = fitRca({ ...irisTraining, labels: null, chunklets: pairs }, null, 1e-3, quiet);
    expect(Array.from(unlabeled.L)).toEqual(Array.from(fitRca({ ...irisTraining, chunklets: pairs }, null, 1e-3, quiet, 'none').L));
    const collinear = { ...irisTraining, X: withCollinearFeature(irisTraining.X, 150), d: 5, labels: null, chunklets: pairs };
    expect(Array.from(fitRca(collinear, null, 1e-3, quiet).L)).toEqual(Array.from(fitRca(collinear, null, 1e-3, quiet, 'ledoit-wolf').L));
  });

  it("with directions 'informative' drops the directions in which the chunklets carry no class information", () => {
    // 6 chunklets of 10 rows. Features 0 and 1 move with the chunklet (its mean) plus a within-chunklet wobble;
    // features 2 and 3 vary only inside chunklets, with the same mean 0 in every chunklet: there the within and
    // total variances are equal (ratio 1, above the (N − K)/(N − 1) of a direction without class information).
    const n = 60;
    const d = 4;
    const X = new Float64Array(n * d);
    const ids = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      const c = Math.floor(i / 10);
      const j = i % 10;
      ids[i] = c;
      X[i * d] = c + 0.3 * Math.sin(1.7 * i);
      X[i * d + 1] = [3, 0, 4, 1, 5, 2][c]! + 0.3 * Math.cos(2.3 * i);
      X[i * d + 2] = j % 2 === 0 ? 1 : -1;
      X[i * d + 3] = j - 4.5;
    }
    const data = { X, n, d, chunklets: ids } as TrainingData;
    expect(fitRca(data, null, 1e-3, quiet, 'ledoit-wolf', 'all').nComponents).toBe(4);
    const fit = fitRca(data, null, 1e-3, quiet, 'ledoit-wolf', 'informative');
    expect(fit.nComponents).toBe(2);
    // Each kept direction separates the chunklets: most of its variance lies between the chunklet means.
    for (let r = 0; r < fit.nComponents; r++) {
      const y = Array.from({ length: n }, (_, i) => X.subarray(i * d, i * d + d).reduce((s, v, f) => s + v * fit.L[r * d + f]!, 0));
      const mean = y.reduce((a, b) => a + b, 0) / n;
      let total = 0;
      let within = 0;
      for (let i = 0; i < n; i++) {
        const c = ids[i]!;
        const chunkMean = y.slice(c * 10, c * 10 + 10).reduce((a, b) => a + b, 0) / 10;
        total += (y[i]! - mean) ** 2;
        within += (y[i]! - chunkMean) ** 2;
      }
      expect(within / total).toBeLessThan(0.5);
    }
  });

  it('gives a finite metric and a warning for a singular within-chunklet covariance (collinear feature, too few chunklets)', () => {
    const X = withCollinearFeature(irisTraining.X, 150);
    const few = Int32Array.from({ length: 150 }, (_, i) => (i < 6 ? Math.floor(i / 2) : -1)); // 3 chunklets of 2: rank ≤ 3
    for (const [data, ch] of [[{ ...irisTraining, X, d: 5 }, chunklets], [irisTraining, few]] as const) {
      for (const shrinkage of ['none', 'ledoit-wolf', 'ledoit-wolf-rows', 'validated'] as const) {
        const fit = fitRca({ ...data, chunklets: ch }, null, 1e-3, quiet, shrinkage);
        for (const v of fit.L) expect(Number.isFinite(v)).toBe(true);
        expect(fit.warnings).toHaveLength(1);
        expect(fit.warnings![0]).toMatch(shrinkage === 'none' ? /singular.*floored/ : shrinkage === 'validated' ? /singular.*validated α/ : /singular.*(Ledoit|floored)/);
      }
    }
  });

  it('by default whitens a well-determined covariance unshrunk (wine: metric-learn’s RCA) and validates α where it is singular (digits)', () => {
    // What the app runs (fitMetric with the defaults, chunklets generated from the labels, seed 0). On wine C has full
    // rank and 70 degrees of freedom for 13 features: the metric is 'none' (metric-learn's RCA) bit for bit. On digits
    // C is singular (100 pairs, 61 features, λ_min ≈ 0): the inner validation chooses α = 1, M ∝ I, with a warning.
    const wine = sampleDataset('wine');
    const wineFit = fitMetric(wine, { method: 'rca', seed: 0 });
    expect(wineFit.params).toMatchObject({ shrinkage: 'validated' });
    const wineTraining = prepareFit(wine, { method: 'rca', seed: 0 }).training;
    expect(conditionOf(wineTraining).wellDetermined).toBe(true);
    expect(Array.from(wineFit.L)).toEqual(Array.from(fitRca(wineTraining, null, 1e-3, quiet, 'none').L));

    const digitsData = sampleDataset('digits');
    const digitsTraining = prepareFit(digitsData, { method: 'rca', seed: 0 }).training;
    expect(conditionOf(digitsTraining).wellDetermined).toBe(false);
    const digits = fitMetric(digitsData, { method: 'rca', seed: 0 });
    const d = digits.nComponents;
    const M = metricFromComponents(digits.L, d, d);
    for (let a = 0; a < d; a++) for (let b = 0; b < d; b++) expect(Math.abs(M[a * d + b]! - (a === b ? M[0]! : 0))).toBeLessThan(1e-9 * M[0]!);
    expect(digits.summary.warnings!.at(-1)).toMatch(/singular or nearly so in \d+ of 61 directions.*validated α = 1\.00/);
  });

  it('does not validate a full-rank covariance even where the validation would shrink it (breast cancer)', () => {
    // On breast cancer (30 features, 100 pairs) the inner validation would choose α = 1 (Euclidean); C has full rank
    // (λ_min/λ_max ≈ 1.7·10⁻⁵) and 100 degrees of freedom, so the default is unshrunk RCA.
    const data = sampleDataset('breast_cancer');
    const training = prepareFit(data, { method: 'rca', seed: 0 }).training;
    const { C, rows, wellDetermined: well } = conditionOf(training);
    expect(well).toBe(true);
    const lw = ledoitWolfIntensity(training.X, training.n, training.d, training.chunklets!, C, rows);
    expect(validatedShrinkage(training.X, training.n, training.d, training.labels!, training.chunklets!, 1e-3, lw)).toBeGreaterThan(0);
    const fit = fitMetric(data, { method: 'rca', seed: 0 });
    expect(Array.from(fit.L)).toEqual(Array.from(fitRca(training, null, 1e-3, quiet, 'none').L));
  });

  it('calls a covariance well determined only with full rank above rounding and at least d degrees of freedom', () => {
    const eps = Number.EPSILON;
    expect(wellDetermined(Float64Array.from([0.01, 0.5, 1]), 3)).toBe(true);
    expect(wellDetermined(Float64Array.from([0.01, 0.5, 1]), 2)).toBe(false); // fewer degrees of freedom than features
    expect(wellDetermined(Float64Array.from([3 * eps, 0.5, 1]), 10)).toBe(false); // λ_min at d·ε·λ_max: rounding
    expect(wellDetermined(Float64Array.from([4 * eps, 0.5, 1]), 10)).toBe(true);
    expect(wellDetermined(Float64Array.from([-1e-17, 0.5, 1]), 10)).toBe(false);
  });

  it('validates among the fixed grid and Ledoit–Wolf’s α, and cannot validate with fewer than 3 chunklets', () => {
    const pairs = Int32Array.from({ length: 150 }, (_, i) => (i < 90 ? Math.floor(i / 2) : -1));
    const alpha = validatedShrinkage(irisTraining.X, 150, 4, irisTraining.labels!, pairs, 1e-3, 0.123);
    expect([...VALIDATED_ALPHAS, 0.123]).toContain(alpha);
    const two = Int32Array.from({ length: 150 }, (_, i) => (i < 4 ? Math.floor(i / 2) : -1));
    expect(validatedShrinkage(irisTraining.X, 150, 4, irisTraining.labels!, two, 1e-3, 0.123)).toBeNull();
  });

  it("fits from chunklets generated from the labels (metric-learn's defaults reduced to what iris allows)", () => {
    const metric = fitMetric(iris, { method: 'rca', seed: 0 });
    expect(metric.summary.warnings).toEqual(['Only 75 chunklets of 2 rows could be drawn from the class labels (100 asked).']);
    expect(metric.nComponents).toBe(4);
  });
});
