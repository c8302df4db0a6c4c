import { JobCancelledError } from '../../errors.ts';
import { rowSquaredDistance, rowSquaredDistancesTo } from '../../math/distances/index.ts';
import { TILE_ROWS } from '../../math/distances/index.ts';
import { assignNearestCentersBatch } from '../../math/neighbours/index.ts';
import { createRowSums } from '../../math/wasm/index.ts';
import { createScreeningTiles } from '../../math/distances/index.ts';
import { createRng, type Rng } from '../../math/random/index.ts';

export interface KMeansOptions {
  seed: number;
  /** Independent k-means++ starts; the one with the lowest inertia wins (the first on ties). Default 4. */
  nInit?: number;
  /** Lloyd iterations per start. Default 300. */
  maxIter?: number;
  /** Polled before every Lloyd pass; once it returns true, kMeans throws JobCancelledError. */
  shouldStop?(): boolean;
}

export interface KMeansResult {
  /** Cluster index per row, in [0, nClusters). */
  assignments: Int32Array;
  /** (nClusters, dims) */
  centers: Float64Array;
  /** Σ squared distance of each row to its center. */
  inertia: number;
}

/** k-means++ seeding (Arthur & Vassilvitskii 2007): first center uniform, then each next one drawn ∝ D². */
export function seedCenters(Y: Float64Array, n: number, dims: number, nClusters: number, rng: Rng): Float64Array {
  const centers = new Float64Array(nClusters * dims);
  const first = rng.int(n);
  centers.set(Y.subarray(first * dims, first * dims + dims), 0);
  const nearest = new Float64Array(n);
  const rows = Int32Array.from({ length: n }, (_, i) => i);
  const toCenter = new Float64Array(n);
  rowSquaredDistancesTo(Y, rows, n, centers, 0, dims, nearest);
  for (let c = 1; c < nClusters; c++) {
    let total = 0;
    for (let i = 0; i < n; i++) total += nearest[i]!;
    let chosen = 0;
    if (total > 0) {
      let target = rng.next() * total;
      chosen = n - 1;
      for (let i = 0; i < n; i++) {
        target -= nearest[i]!;
        if (target < 0) {
          chosen = i;
          break;
        }
      }
    } else {
      chosen = rng.int(n);
    }
    centers.set(Y.subarray(chosen * dims, chosen * dims + dims), c * dims);
    rowSquaredDistancesTo(Y, rows, n, centers, c, dims, toCenter);
    for (let i = 0; i < n; i++) nearest[i] = Math.min(nearest[i]!, toCenter[i]!);
  }
  return centers;
}

/**
 * One Lloyd run, one iteration at a time, so that several runs (the restarts) share each assignment pass: their
 * centers go through the distance tiles together (more center rows per pass over Y), and each run sees exactly the
 * assignments it would see alone.
 */
class LloydRun {
  readonly assignments: Int32Array;
  /** This run's center sums and counts by assignment, filled by RowSums for {@link update}. */
  readonly sums: Float64Array;
  readonly counts: Int32Array;
  private readonly pointDistance: Float64Array;
  private readonly previous: Float64Array;
  private iter = 0;
  active = true;

  constructor(
    private readonly Y: Float64Array,
    private readonly n: number,
    private readonly dims: number,
    private readonly nClusters: number,
    readonly centers: Float64Array,
    private readonly maxIter: number,
  ) {
    this.assignments = new Int32Array(n).fill(-1);
    this.sums = new Float64Array(nClusters * dims);
    this.counts = new Int32Array(nClusters);
    this.pointDistance = new Float64Array(n);
    this.previous = new Float64Array(centers.length);
    if (maxIter <= 0) this.active = false;
  }

  /**
   * The first half of an iteration, given the exact nearest center of every row under the current centers: records
   * the assignments; returns whether the centers are to be updated ({@link update}), false once the run has converged.
   */
  assign(nearest: Int32Array): boolean {
    const { n, assignments } = this;
    let changed = false;
    for (let i = 0; i < n; i++) {
      if (assignments[i] !== nearest[i]) {
        assignments[i] = nearest[i]!;
        changed = true;
      }
    }
    if (!changed && this.iter > 0) {
      this.active = false;
      return false;
    }
    return true;
  }

  /** The second half: the new centers from {@link sums} and {@link counts} (RowSums of the assignments, row order). */
  update(): void {
    const { Y, n, dims, nClusters, centers, assignments, sums, counts, pointDistance, previous } = this;
    previous.set(centers);
    let distancesKnown = false;
    centers.set(sums.subarray(0, nClusters * dims));
    for (let c = 0; c < nClusters; c++) {
      const count = counts[c]!;
      if (count > 0) {
        const co = c * dims;
        for (let f = 0; f < dims; f++) centers[co + f] = centers[co + f]! / count;
        continue;
      }
      // Empty cluster: move its center to the row farthest from its own center (the exact distances to the centers
      // this iteration assigned to, computed once and only when some cluster is empty).
      if (!distancesKnown) {
        distancesKnown = true;
        for (let i = 0; i < n; i++) pointDistance[i] = rowSquaredDistance(Y, i, previous, assignments[i]!, dims);
      }
      let far = 0;
      for (let i = 1; i < n; i++) if (pointDistance[i]! > pointDistance[far]!) far = i;
      centers.set(Y.subarray(far * dims, far * dims + dims), c * dims);
      pointDistance[far] = 0;
    }
    if (++this.iter >= this.maxIter) this.active = false;
  }

  result(): KMeansResult {
    const { Y, n, dims, centers, assignments } = this;
    let inertia = 0;
    for (let i = 0; i < n; i++) inertia += rowSquaredDistance(Y, i, centers, assignments[i]!, dims);
    return { assignments, centers, inertia };
  }
}

/**
 * k-means clustering of Y (n, dims) into min(nClusters, n) clusters: k-means++ seeding and Lloyd iterations,
 * `nInit` seeded restarts, the lowest inertia kept. Distances to centers tie toward the lower center index.
 * Assignment runs on the shared Gram-identity tiles with Y loaded once (exact re-ranking of close calls, so the
 * result is that of exact differencing). Deterministic from `seed`. Cost O(nInit·maxIter·n·nClusters·dims).
 */
export function kMeans(Y: Float64Array, n: number, dims: number, nClusters: number, options: KMeansOptions): KMeansResult {
  const k = Math.max(1, Math.min(nClusters, n));
  const rng = createRng(options.seed);
  const tiles = createScreeningTiles(Y, n, dims);
  const nInit = options.nInit ?? 4;
  const rowSums = createRowSums(Y, n, dims, k, true, nInit);
  const work = new Float64Array(TILE_ROWS * n);
  // Seeding draws from the one stream in restart order (Lloyd draws nothing), so seeding every restart first gives
  // each the centers it would get run after run; the restarts then iterate side by side.
  const runs: LloydRun[] = [];
  for (let run = 0; run < nInit; run++) runs.push(new LloydRun(Y, n, dims, k, seedCenters(Y, n, dims, k, rng), options.maxIter ?? 300));
  const perPass = Math.max(1, Math.floor(TILE_ROWS / k));
  for (;;) {
    const active = runs.filter((r) => r.active);
    if (active.length === 0) break;
    if (options.shouldStop?.()) throw new JobCancelledError();
    for (let g0 = 0; g0 < active.length; g0 += perPass) {
      const group = active.slice(g0, g0 + perPass);
      const C = new Float64Array(group.length * k * dims);
      group.forEach((r, t) => C.set(r.centers, t * k * dims));
      const nearest = group.map(() => new Int32Array(n));
      assignNearestCentersBatch(tiles, Y, C, k, nearest, work);
      // The runs still moving sum their rows by assignment in one pass over Y, then update their centers.
      const moving = group.filter((r, t) => r.assign(nearest[t]!));
      rowSums.sumMany(
        moving.map((r) => r.assignments),
        k,
        moving.map((r) => r.sums),
        moving.map((r) => r.counts),
      );
      for (const r of moving) r.update();
    }
  }
  let best: KMeansResult | null = null;
  for (const run of runs) {
    const result = run.result();
    if (!best || result.inertia < best.inertia) best = result;
  }
  return best!;
}

/** Contingency table of two labelings (values need not be contiguous). */
function contingency(a: Int32Array, b: Int32Array): { table: number[][]; rowSums: number[]; colSums: number[] } {
  if (a.length !== b.length) throw new RangeError(`Labelings have different lengths: ${a.length} and ${b.length}.`);
  const ia = new Map<number, number>();
  const ib = new Map<number, number>();
  for (const v of a) if (!ia.has(v)) ia.set(v, ia.size);
  for (const v of b) if (!ib.has(v)) ib.set(v, ib.size);
  const table = Array.from({ length: ia.size }, () => new Array<number>(ib.size).fill(0));
  for (let i = 0; i < a.length; i++) table[ia.get(a[i]!)!]![ib.get(b[i]!)!]!++;
  const rowSums = table.map((row) => row.reduce((s, v) => s + v, 0));
  const colSums = Array.from({ length: ib.size }, (_, j) => table.reduce((s, row) => s + row[j]!, 0));
  return { table, rowSums, colSums };
}

function entropy(counts: number[], n: number): number {
  let h = 0;
  for (const c of counts) if (c > 0) h -= (c / n) * Math.log(c / n);
  return h;
}

/**
 * Normalized mutual information with arithmetic-mean normalization (scikit-learn's default):
 * NMI = I(U; V) / ((H(U) + H(V)) / 2), natural logarithms, in [0, 1]. Two labelings that each have a single
 * cluster score 1. Invariant to renaming clusters. Cost O(n + |U|·|V|).
 */
export function normalizedMutualInformation(truth: Int32Array, predicted: Int32Array): number {
  const n = truth.length;
  const { table, rowSums, colSums } = contingency(truth, predicted);
  if (n === 0 || (rowSums.length === 1 && colSums.length === 1)) return 1;
  let mi = 0;
  table.forEach((row, i) =>
    row.forEach((nij, j) => {
      if (nij > 0) mi += (nij / n) * Math.log((n * nij) / (rowSums[i]! * colSums[j]!));
    }),
  );
  const normalizer = (entropy(rowSums, n) + entropy(colSums, n)) / 2;
  if (normalizer <= 0) return 1;
  return Math.min(1, Math.max(0, mi / normalizer));
}

const choose2 = (x: number): number => (x * (x - 1)) / 2;

/**
 * Adjusted Rand index (Hubert & Arabie 1985): (RI − E[RI]) / (max RI − E[RI]) over pairs of rows, 1 for identical
 * partitions, about 0 for independent ones, possibly negative. When the expected and maximum index coincide
 * (e.g. both labelings put every row in one cluster), the score is 1. Cost O(n + |U|·|V|).
 */
export function adjustedRandIndex(truth: Int32Array, predicted: Int32Array): number {
  const n = truth.length;
  const { table, rowSums, colSums } = contingency(truth, predicted);
  let index = 0;
  for (const row of table) for (const nij of row) index += choose2(nij);
  const sumA = rowSums.reduce((s, v) => s + choose2(v), 0);
  const sumB = colSums.reduce((s, v) => s + choose2(v), 0);
  const total = choose2(n);
  const expected = total > 0 ? (sumA * sumB) / total : 0;
  const max = (sumA + sumB) / 2;
  if (max === expected) return 1;
  return (index - expected) / (max - expected);
}
