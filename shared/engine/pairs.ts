/**
 * Pair constraints: generating must-link / cannot-link pairs from class labels (for pair-based learners
 * run on a labeled dataset), validating hand-labeled pairs, and restricting pairs to the rows of a fold.
 */
import { ConstraintError, ValidationError } from '../errors.ts';
import { normalizePair, type PairConstraint, type PairSet } from '../domain/constraints.ts';
import { createMt19937, type Mt19937 } from '../math/random/index.ts';
import { createRng, type Rng } from '../math/random/index.ts';

export interface PairGenerationOptions {
  /** Number of must-link (same-class) pairs to draw. */
  mustLink: number;
  /** Number of cannot-link (different-class) pairs to draw. */
  cannotLink: number;
  seed: number;
}

/** Rows grouped by class; rows with a negative label (unknown) are left out. */
function groupByClass(labels: Int32Array): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i]!;
    if (c < 0) continue;
    let g = groups.get(c);
    if (!g) groups.set(c, (g = []));
    g.push(i);
  }
  return groups;
}

/** Number of distinct unordered same-class and different-class pairs among the labeled rows. */
export function countAvailablePairs(labels: Int32Array): { mustLink: number; cannotLink: number } {
  let labeled = 0;
  let must = 0;
  for (const rows of groupByClass(labels).values()) {
    labeled += rows.length;
    must += (rows.length * (rows.length - 1)) / 2;
  }
  return { mustLink: must, cannotLink: (labeled * (labeled - 1)) / 2 - must };
}

/**
 * Draws `count` distinct unordered pairs (i < j) that are same-class (`same`) or different-class.
 * Sparse requests use metric-learn's scheme (a uniformly drawn anchor row, then a uniformly drawn partner of
 * the same / another class, duplicates rejected); dense requests (≥ 1/4 of the available pairs) enumerate every
 * candidate pair and take a seeded partial shuffle, so the loop always ends.
 */
function drawPairs(labels: Int32Array, groups: Map<number, number[]>, labeledRows: number[], count: number, same: boolean, available: number, rng: Rng): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  if (count === 0) return out;
  const n = labels.length;
  const seen = new Set<number>();
  const take = (a: number, b: number): void => {
    const [i, j] = normalizePair(a, b);
    const key = i * n + j;
    if (seen.has(key)) return;
    seen.add(key);
    out.push([i, j]);
  };
  if (count * 4 < available) {
    const maxAttempts = 50 * count + 1000;
    for (let attempt = 0; attempt < maxAttempts && out.length < count; attempt++) {
      const anchor = labeledRows[rng.int(labeledRows.length)]!;
      const cls = labels[anchor]!;
      if (same) {
        const group = groups.get(cls)!;
        if (group.length < 2) continue;
        let partner = group[rng.int(group.length - 1)]!;
        if (partner === anchor) partner = group[group.length - 1]!;
        take(anchor, partner);
      } else {
        const others = labeledRows.length - groups.get(cls)!.length;
        if (others === 0) continue;
        // The r-th labeled row outside the anchor's class.
        let r = rng.int(others);
        for (const [c, rows] of groups) {
          if (c === cls) continue;
          if (r < rows.length) {
            take(anchor, rows[r]!);
            break;
          }
          r -= rows.length;
        }
      }
    }
    if (out.length === count) return out;
  }
  // Dense request (or the sparse sampler ran out of attempts): enumerate, then a partial Fisher–Yates shuffle.
  const candidates: Array<[number, number]> = [];
  for (let a = 0; a < labeledRows.length; a++) {
    for (let b = a + 1; b < labeledRows.length; b++) {
      const i = labeledRows[a]!;
      const j = labeledRows[b]!;
      if ((labels[i] === labels[j]) !== same) continue;
      if (seen.has(i * n + j)) continue;
      candidates.push([i, j]);
    }
  }
  for (let p = 0; out.length < count && p < candidates.length; p++) {
    const q = p + rng.int(candidates.length - p);
    const tmp = candidates[p]!;
    candidates[p] = candidates[q]!;
    candidates[q] = tmp;
    out.push(candidates[p]!);
  }
  return out;
}

/**
 * Generates distinct unordered must-link (same class) and cannot-link (different class) pairs from class
 * labels, deterministically from `seed`. Pairs have i < j and no self-pairs; must-links come first.
 * Rows with a negative label count as unlabeled and are never used.
 * @throws ValidationError when a count is not a non-negative integer, or when more pairs are requested than
 *   the labels allow, e.g. "Cannot generate 10 must-link pairs: the labels allow only 3 distinct same-class pairs."
 */
export function generateConstraintPairs(labels: Int32Array, options: PairGenerationOptions): PairConstraint[] {
  const { mustLink, cannotLink, seed } = options;
  for (const [name, value] of [['mustLink', mustLink], ['cannotLink', cannotLink]] as const) {
    if (!Number.isInteger(value) || value < 0) {
      throw new ValidationError(`generateConstraintPairs: '${name}' must be an integer ≥ 0, got ${value}.`);
    }
  }
  const available = countAvailablePairs(labels);
  if (mustLink > available.mustLink) {
    throw new ValidationError(
      `Cannot generate ${mustLink} must-link pairs: the labels allow only ${available.mustLink} distinct same-class pairs.`,
    );
  }
  if (cannotLink > available.cannotLink) {
    throw new ValidationError(
      `Cannot generate ${cannotLink} cannot-link pairs: the labels allow only ${available.cannotLink} distinct different-class pairs.`,
    );
  }
  const rng = createRng(seed);
  const groups = groupByClass(labels);
  const labeledRows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= 0) labeledRows.push(i);
  const must = drawPairs(labels, groups, labeledRows, mustLink, true, available.mustLink, rng);
  const cannot = drawPairs(labels, groups, labeledRows, cannotLink, false, available.cannotLink, rng);
  return [
    ...must.map(([i, j]): PairConstraint => ({ i, j, kind: 'must', origin: 'generated' })),
    ...cannot.map(([i, j]): PairConstraint => ({ i, j, kind: 'cannot', origin: 'generated' })),
  ];
}

/** Number of distinct non-negative labels: metric-learn's C = len(np.unique(y)) for the supervised default. */
export function distinctLabelCount(labels: Int32Array): number {
  const seen = new Set<number>();
  for (const c of labels) if (c >= 0) seen.add(c);
  return seen.size;
}

/** metric-learn's supervised default: 20·C² pairs of each kind for C classes. */
export function defaultSupervisedPairCount(nClasses: number): number {
  return 20 * nClasses * nClasses;
}

/**
 * One kind of pairs drawn exactly as metric-learn 0.7.0's `Constraints._pairs` does with a numpy legacy
 * `RandomState`: up to 10 rounds; each round draws `remaining` anchor rows at once (`randint`), then for each
 * anchor one partner uniformly among the rows of the same class (itself excluded) or of the other classes
 * (`choice`); an ordered pair already drawn is not added again. Returns the ordered pairs in the order they were
 * first drawn. Positions refer to `rows` (the labeled rows).
 */
function metricLearnPairs(rowLabels: Int32Array, count: number, same: boolean, rng: Mt19937): Array<[number, number]> {
  const n = rowLabels.length;
  const members = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    let list = members.get(rowLabels[i]!);
    if (!list) members.set(rowLabels[i]!, (list = []));
    list.push(i);
  }
  const nonMembers = new Map<number, number[]>();
  if (!same) {
    for (const c of members.keys()) {
      const list: number[] = [];
      for (let i = 0; i < n; i++) if (rowLabels[i] !== c) list.push(i);
      nonMembers.set(c, list);
    }
  }
  const out: Array<[number, number]> = [];
  const seen = new Set<number>();
  for (let round = 0; round < 10 && out.length < count && n > 0; round++) {
    const anchors = Array.from({ length: count - out.length }, () => rng.interval(n - 1));
    for (const a of anchors) {
      const c = rowLabels[a]!;
      let b: number;
      if (same) {
        const list = members.get(c)!; // ascending, contains a
        if (list.length < 2) continue;
        const r = rng.interval(list.length - 2);
        b = list[r]! < a ? list[r]! : list[r + 1]!;
      } else {
        const list = nonMembers.get(c)!;
        if (list.length === 0) continue;
        b = list[rng.interval(list.length - 1)]!;
      }
      const key = a * n + b;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([a, b]);
    }
  }
  return out;
}

/**
 * The constraints a pair-based learner gets on a labeled dataset without hand labels, reproducing metric-learn's
 * `*_Supervised` convention (`Constraints(y).positive_negative_pairs(count, random_state=seed)`, 0.7.0) draw for
 * draw: `count` must-link pairs, then `count` cannot-link pairs (default 20·C² each, C = nClasses), from numpy's
 * legacy MT19937 stream seeded with `seed`. With the same labels and seed the pairs are the ones metric-learn's
 * ITML / MMC see (its set iteration order aside: here they keep the order they were drawn in). As there, an
 * ordered pair is drawn at most once (a pair may rarely appear in both orientations), and where the labels allow
 * fewer pairs the result is shorter. Rows with a negative label are unlabeled and never used. Pairs are
 * stored with i < j; must-links first.
 */
export function generateSupervisedPairs(labels: Int32Array, nClasses: number, seed: number, count = defaultSupervisedPairCount(nClasses)): PairSet {
  if (!Number.isInteger(count) || count < 0) throw new ValidationError(`pairCount must be an integer ≥ 0, got ${count}.`);
  const rows: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i]! >= 0) rows.push(i);
  const rowLabels = Int32Array.from(rows, (r) => labels[r]!);
  const rng = createMt19937(seed);
  const must = metricLearnPairs(rowLabels, count, true, rng);
  const cannot = metricLearnPairs(rowLabels, count, false, rng);
  const total = must.length + cannot.length;
  const set: PairSet = { left: new Int32Array(total), right: new Int32Array(total), similar: new Uint8Array(total) };
  [...must, ...cannot].forEach(([a, b], p) => {
    const [i, j] = normalizePair(rows[a]!, rows[b]!);
    set.left[p] = i;
    set.right[p] = j;
    set.similar[p] = p < must.length ? 1 : 0;
  });
  return set;
}

/**
 * Checks hand-labeled constraints against a dataset of `nRows` rows.
 * @throws ConstraintError naming the pair: row out of range, self-pair, or a pair listed twice.
 */
export function validateConstraints(constraints: readonly PairConstraint[], nRows: number): void {
  const seen = new Set<number>();
  constraints.forEach((c, p) => {
    for (const row of [c.i, c.j]) {
      if (!Number.isInteger(row) || row < 0 || row >= nRows) {
        throw new ConstraintError(`Constraint ${p} (${c.i}, ${c.j}): row ${row} is outside 0…${nRows - 1}.`);
      }
    }
    if (c.i === c.j) throw new ConstraintError(`Constraint ${p} (${c.i}, ${c.j}): a row cannot be paired with itself.`);
    if (c.kind !== 'must' && c.kind !== 'cannot') {
      throw new ConstraintError(`Constraint ${p} (${c.i}, ${c.j}): kind must be 'must' or 'cannot', got ${JSON.stringify(c.kind)}.`);
    }
    const [i, j] = normalizePair(c.i, c.j);
    const key = i * nRows + j;
    if (seen.has(key)) throw new ConstraintError(`Constraint ${p} (${c.i}, ${c.j}): the pair is listed more than once.`);
    seen.add(key);
  });
}

/**
 * Keeps the constraints whose two rows are both in `rows`, renumbered to positions in `rows` (the training
 * part of a fold), with i < j. Order is preserved. Cost O(rows + constraints).
 */
export function restrictPairsToRows(pairs: readonly PairConstraint[], rows: ArrayLike<number>): PairConstraint[] {
  const position = new Map<number, number>();
  for (let r = 0; r < rows.length; r++) position.set(rows[r]!, r);
  const out: PairConstraint[] = [];
  for (const c of pairs) {
    const a = position.get(c.i);
    const b = position.get(c.j);
    if (a === undefined || b === undefined) continue;
    const [i, j] = normalizePair(a, b);
    out.push({ ...c, i, j });
  }
  return out;
}

/** {@link restrictPairsToRows} for the compact {@link PairSet} form. */
export function restrictPairSetToRows(pairs: PairSet, rows: ArrayLike<number>): PairSet {
  const position = new Map<number, number>();
  for (let r = 0; r < rows.length; r++) position.set(rows[r]!, r);
  const left: number[] = [];
  const right: number[] = [];
  const similar: number[] = [];
  for (let p = 0; p < pairs.left.length; p++) {
    const a = position.get(pairs.left[p]!);
    const b = position.get(pairs.right[p]!);
    if (a === undefined || b === undefined) continue;
    const [i, j] = normalizePair(a, b);
    left.push(i);
    right.push(j);
    similar.push(pairs.similar[p]!);
  }
  return { left: Int32Array.from(left), right: Int32Array.from(right), similar: Uint8Array.from(similar) };
}
