/**
 * Supervision generated from class labels, seeded and reproducible: chunklets (groups of same-class rows, for RCA),
 * relative comparisons (triplets "a is closer to b than to c", for SCML) and quadruplets ("d(a,b) < d(c,d)", for
 * LSML). The same labels and seed give the same output on every platform. Rows with a negative label are unlabeled
 * and never used. Where the labels cannot give what was asked, the result is smaller and a sentence saying so is
 * pushed to `warnings` (never an error while a smaller result exists).
 */
import { ValidationError } from '../../errors.ts';
import { createRng, type Rng } from '../../math/random/index.ts';
import { selectSmallestSorted } from '../../math/neighbours/index.ts';
import { distinctLabelCount, generateSupervisedPairs } from '../pairs.ts';

/** metric-learn's RCA_Supervised defaults: 100 chunks of 2 rows. */
export const DEFAULT_CHUNKLETS = { numChunks: 100, chunkSize: 2 } as const;

export interface ChunkletOptions {
  /** Number of chunklets wanted (default 100). */
  numChunks?: number;
  /** Rows per chunklet (default 2). */
  chunkSize?: number;
}

/** Labeled rows grouped by class, classes ascending, rows ascending. */
function classGroups(labels: Int32Array): Array<{ label: number; rows: number[] }> {
  const byLabel = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c < 0) continue;
    let rows = byLabel.get(c);
    if (!rows) byLabel.set(c, (rows = []));
    rows.push(i);
  }
  return [...byLabel.entries()].sort((a, b) => a[0] - b[0]).map(([label, rows]) => ({ label, rows }));
}

function checkCount(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) throw new ValidationError(`${name} must be an integer ≥ ${min}, got ${value}.`);
}

/**
 * Chunklets drawn from class labels: `numChunks` disjoint groups of `chunkSize` rows of one class each. Returns
 * the chunklet id per row (n entries; −1 = in no chunklet), ids 0 … count − 1 in drawing order.
 *
 * Every class that can give a chunklet is drawn: the first round takes one chunklet from each such class (in a
 * seeded order), later chunklets come from a class drawn uniformly among those with `chunkSize` rows left, and
 * the rows of a chunklet are drawn without replacement. (metric-learn's sampler draws the class with
 * `randint(0, len − 1)`, so its last class is never drawn until the others run out.) When the classes allow fewer
 * than `numChunks` chunklets (Σ ⌊n_c / chunkSize⌋), that many are drawn and a warning says so.
 * @throws ValidationError when a count is not a positive integer, or no class has `chunkSize` rows.
 */
export function generateChunklets(labels: Int32Array, options: ChunkletOptions, seed: number, warnings: string[] = []): Int32Array {
  const numChunks = options.numChunks ?? DEFAULT_CHUNKLETS.numChunks;
  const chunkSize = options.chunkSize ?? DEFAULT_CHUNKLETS.chunkSize;
  checkCount('numChunks', numChunks, 1);
  checkCount('chunkSize', chunkSize, 2);
  const rng = createRng(seed);
  const groups = classGroups(labels);
  let possible = 0;
  for (const g of groups) possible += Math.floor(g.rows.length / chunkSize);
  if (possible === 0) {
    throw new ValidationError(`Cannot draw chunklets of ${chunkSize} rows: no class has ${chunkSize} labeled rows.`);
  }
  const count = Math.min(numChunks, possible);
  if (count < numChunks) {
    warnings.push(`Only ${count} chunklets of ${chunkSize} rows could be drawn from the class labels (${numChunks} asked).`);
  }
  // Each class's rows in a seeded random order; a chunklet takes the next `chunkSize` of them.
  const order = groups.map((g) => rng.shuffle(g.rows.slice()));
  const taken = new Int32Array(groups.length);
  const capacity = groups.map((g) => Math.floor(g.rows.length / chunkSize));
  const chunklets = new Int32Array(labels.length).fill(-1);
  const take = (c: number, id: number): void => {
    const rows = order[c]!;
    for (let t = 0; t < chunkSize; t++) chunklets[rows[taken[c]! * chunkSize + t]!] = id;
    taken[c]!++;
  };
  let id = 0;
  const firstRound = rng.shuffle(groups.map((_, c) => c).filter((c) => capacity[c]! > 0));
  for (const c of firstRound) if (id < count) take(c, id++);
  while (id < count) {
    const open: number[] = [];
    for (let c = 0; c < groups.length; c++) if (taken[c]! < capacity[c]!) open.push(c);
    take(open[rng.int(open.length)]!, id++);
  }
  return chunklets;
}

/** metric-learn's generate_knntriplets convention (SCML_Supervised uses kGenuine 3, kImpostor 10). */
export interface KnnTripletOptions {
  /** (n, d) row-major features the neighbours are found in (Euclidean). */
  X: Float64Array;
  d: number;
  /** Genuine neighbours per anchor (same class, the anchor excluded). */
  k: number;
  /** Impostor neighbours per anchor (other classes); default `k`. */
  kImpostor?: number;
}

export interface TripletOptions {
  /** Triplets from nearest neighbours instead of uniform draws (see {@link knnTriplets}). */
  knn?: KnnTripletOptions;
}

/**
 * Relative comparisons from class labels, flattened (anchor, closer, farther) in row indices: length 3·m.
 *
 * Uniform (default): an anchor a, a row b ≠ a of a's class and a row c of another class, distinct triplets. The
 * first round takes one anchor from each class that has two rows (in a seeded order), later anchors are drawn
 * uniformly among the eligible rows. When the labels allow fewer than `count` distinct triplets, all of them are
 * returned (in a seeded order) with a warning.
 *
 * With `options.knn`: the triplets of {@link knnTriplets}; when there are more than `count`, a seeded subset of
 * `count` of them in their original order; when fewer, all of them with a warning.
 * @throws ValidationError when `count` is not a positive integer or the labels allow no triplet.
 */
export function generateTriplets(labels: Int32Array, count: number, seed: number, options: TripletOptions = {}, warnings: string[] = []): Int32Array {
  checkCount('count', count, 1);
  const rng = createRng(seed);
  if (options.knn) {
    const all = knnTriplets(labels, options.knn, warnings);
    const total = all.length / 3;
    if (total === 0) throw new ValidationError('Cannot generate triplets: no class has two labeled rows and another class beside it.');
    if (total <= count) {
      if (total < count) warnings.push(`Only ${total} nearest-neighbour triplets exist (${count} asked).`);
      return all;
    }
    // A uniform subset, sorted to keep the anchors' order.
    const chosen = rng.sortedSubset(total, count);
    const out = new Int32Array(3 * count);
    for (let t = 0; t < count; t++) out.set(all.subarray(3 * chosen[t]!, 3 * chosen[t]! + 3), 3 * t);
    return out;
  }
  return uniformTriplets(labels, count, rng, warnings);
}

function uniformTriplets(labels: Int32Array, count: number, rng: Rng, warnings: string[]): Int32Array {
  const n = labels.length;
  const groups = classGroups(labels);
  let labeled = 0;
  for (const g of groups) labeled += g.rows.length;
  // Eligible classes: two rows of their own and at least one row elsewhere.
  const eligible = groups.filter((g) => g.rows.length >= 2 && labeled - g.rows.length >= 1);
  let available = 0;
  for (const g of eligible) available += g.rows.length * (g.rows.length - 1) * (labeled - g.rows.length);
  if (available === 0) throw new ValidationError('Cannot generate triplets: no class has two labeled rows and another class beside it.');
  const target = Math.min(count, available);
  if (target < count) warnings.push(`Only ${available} distinct triplets exist for these labels (${count} asked).`);
  const classOf = new Map<number, (typeof groups)[number]>();
  for (const g of groups) classOf.set(g.label, g);
  const eligibleRows: number[] = [];
  for (const g of eligible) eligibleRows.push(...g.rows);
  eligibleRows.sort((a, b) => a - b);
  const out = new Int32Array(3 * target);
  const seen = new Set<number>();
  let m = 0;
  const add = (a: number, b: number, c: number): boolean => {
    const key = (a * n + b) * n + c;
    if (seen.has(key)) return false;
    seen.add(key);
    out[3 * m] = a;
    out[3 * m + 1] = b;
    out[3 * m + 2] = c;
    m++;
    return true;
  };
  const draw = (a: number): void => {
    const own = classOf.get(labels[a]!)!;
    let b = own.rows[rng.int(own.rows.length - 1)]!;
    if (b === a) b = own.rows[own.rows.length - 1]!;
    // The r-th labeled row outside a's class.
    let r = rng.int(labeled - own.rows.length);
    for (const g of groups) {
      if (g === own) continue;
      if (r < g.rows.length) {
        add(a, b, g.rows[r]!);
        return;
      }
      r -= g.rows.length;
    }
  };
  if (4 * target < available) {
    for (const c of rng.shuffle(eligible.slice())) if (m < target) draw(c.rows[rng.int(c.rows.length)]!);
    const maxAttempts = 50 * target + 1000;
    for (let attempt = 0; attempt < maxAttempts && m < target; attempt++) draw(eligibleRows[rng.int(eligibleRows.length)]!);
    if (m === target) return out;
  }
  // A dense request (or the sampler ran out of attempts): every remaining triplet in a seeded order.
  const rest: number[] = [];
  for (const g of eligible) {
    for (const a of g.rows) {
      for (const b of g.rows) {
        if (b === a) continue;
        for (const other of groups) {
          if (other === g) continue;
          for (const c of other.rows) if (!seen.has((a * n + b) * n + c)) rest.push(a, b, c);
        }
      }
    }
  }
  const restCount = rest.length / 3;
  for (let t = 0; t < restCount && m < target; t++) {
    const s = t + rng.int(restCount - t);
    for (let j = 0; j < 3; j++) {
      const tmp = rest[3 * t + j]!;
      rest[3 * t + j] = rest[3 * s + j]!;
      rest[3 * s + j] = tmp;
    }
    add(rest[3 * t]!, rest[3 * t + 1]!, rest[3 * t + 2]!);
  }
  return out;
}

/**
 * The `k` nearest rows (squared Euclidean, ties by row index) of row `a` among `candidates[0 … m)`, nearest first,
 * written to the start of `candidates` (reordered). `dist` is scratch indexed by row. Returns how many.
 */
function nearestAmong(X: Float64Array, d: number, a: number, candidates: Int32Array, m: number, k: number, dist: Float64Array): number {
  const aRow = a * d;
  for (let t = 0; t < m; t++) {
    const r = candidates[t]!;
    const bRow = r * d;
    let s = 0;
    for (let f = 0; f < d; f++) {
      const diff = X[aRow + f]! - X[bRow + f]!;
      s += diff * diff;
    }
    dist[r] = s;
  }
  return selectSmallestSorted(dist, candidates, m, k);
}

/**
 * metric-learn's `Constraints.generate_knntriplets`: for every labeled row a, each of its `k` nearest rows of its
 * own class (b) with each of its `kImpostor` nearest rows of other classes (c) gives the triplet (a, b, c).
 * Where a class has too few rows (or too few rows lie outside it), fewer neighbours are used for that class, with
 * a warning. Flattened (a, b, c), anchors ascending, then b by nearness, then c by nearness. Cost O(n²·d).
 */
export function knnTriplets(labels: Int32Array, options: KnnTripletOptions, warnings: string[] = []): Int32Array {
  const { X, d, k } = options;
  const kImpostor = options.kImpostor ?? k;
  checkCount('k', k, 1);
  checkCount('kImpostor', kImpostor, 1);
  if (X.length !== labels.length * d) {
    throw new ValidationError(`knn triplets: X has ${X.length} entries, expected ${labels.length} rows × ${d} features.`);
  }
  const groups = classGroups(labels);
  // Neighbour counts per class, then each anchor's place in the output (anchors ascending).
  const perAnchor = new Int32Array(labels.length);
  const counts = groups.map((g) => {
    let others = 0;
    for (const h of groups) if (h !== g) others += h.rows.length;
    const kg = Math.min(k, g.rows.length - 1);
    const ki = Math.min(kImpostor, others);
    if (kg < k) warnings.push(`Class ${g.label} has ${g.rows.length} rows: ${kg} genuine neighbours instead of ${k}.`);
    if (ki < kImpostor) warnings.push(`Class ${g.label} has ${others} rows of other classes: ${ki} impostors instead of ${kImpostor}.`);
    for (const a of g.rows) perAnchor[a] = kg * ki;
    return { kg, ki };
  });
  const offset = new Int32Array(labels.length + 1);
  for (let i = 0; i < labels.length; i++) offset[i + 1] = offset[i]! + perAnchor[i]!;
  const triplets = new Int32Array(3 * offset[labels.length]!);
  const dist = new Float64Array(labels.length);
  const own = new Int32Array(labels.length);
  const otherRows = new Int32Array(labels.length);
  groups.forEach((g, gi) => {
    const { kg, ki } = counts[gi]!;
    if (kg === 0 || ki === 0) return;
    const others: number[] = [];
    for (const h of groups) if (h !== g) others.push(...h.rows);
    for (const a of g.rows) {
      let m = 0;
      for (const r of g.rows) if (r !== a) own[m++] = r;
      nearestAmong(X, d, a, own, m, kg, dist);
      otherRows.set(others);
      nearestAmong(X, d, a, otherRows, others.length, ki, dist);
      let t = 3 * offset[a]!;
      for (let p = 0; p < kg; p++) {
        for (let q = 0; q < ki; q++) {
          triplets[t++] = a;
          triplets[t++] = own[p]!;
          triplets[t++] = otherRows[q]!;
        }
      }
    }
  });
  return triplets;
}

/**
 * Quadruplets from class labels, metric-learn's LSML_Supervised convention: `count` must-link pairs (a, b) and
 * `count` cannot-link pairs (c, d) drawn as the pair learners draw them (shared/engine/pairs.ts
 * `generateSupervisedPairs`, numpy's MT19937 from `seed`), zipped into (a, b, c, d) meaning d(a, b) < d(c, d);
 * the shorter list decides the count (`same_length=True`), with a warning when that is below `count`.
 * Default count 20·C² (C = classes present). Flattened: length 4·m.
 * @throws ValidationError when `count` is not a positive integer or the labels give no must-link or no
 *   cannot-link pair.
 */
export function generateQuadruplets(labels: Int32Array, count: number | undefined, seed: number, warnings: string[] = []): Int32Array {
  const classes = distinctLabelCount(labels);
  const wanted = count ?? 20 * classes * classes;
  checkCount('count', wanted, 1);
  const pairs = generateSupervisedPairs(labels, classes, seed, wanted);
  const must: number[] = [];
  const cannot: number[] = [];
  for (let p = 0; p < pairs.left.length; p++) (pairs.similar[p] ? must : cannot).push(p);
  const m = Math.min(must.length, cannot.length);
  if (m === 0) throw new ValidationError('Cannot generate quadruplets: the labels give no same-class pair or no different-class pair.');
  if (m < wanted) warnings.push(`Only ${m} quadruplets could be drawn from the class labels (${wanted} asked).`);
  const out = new Int32Array(4 * m);
  for (let t = 0; t < m; t++) {
    out[4 * t] = pairs.left[must[t]!]!;
    out[4 * t + 1] = pairs.right[must[t]!]!;
    out[4 * t + 2] = pairs.left[cannot[t]!]!;
    out[4 * t + 3] = pairs.right[cannot[t]!]!;
  }
  return out;
}
