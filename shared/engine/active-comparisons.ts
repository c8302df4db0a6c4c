/**
 * Active learning of relative comparisons with a class-label oracle: the `suggested` source of a sweep for the
 * learners of comparisons (triplets) and of the quadruplets (a, b, a, c) they give. The comparisons counterpart of
 * ./active-pairs.ts, with the same rule for the current metric and the same rounds:
 *
 * The comparisons are chosen in rounds of at most ⌈N/4⌉ (at least 5). The first round works in the preprocessed
 * Euclidean space; after every round the method is refitted on the comparisons so far (as labeled comparisons) and
 * the next round works in its learned space. A refit that the learner refuses on so few comparisons (scml's
 * triplet-difference bases need at least as many comparisons as features) keeps the previous space.
 *
 * A round: up to {@link MAX_ANCHORS} anchors a, in a seeded order, each with its {@link NEIGHBOURS} nearest rows of
 * its own class (b) and of the other classes (c) under the current metric. Of those (b, c) the comparison whose two
 * distances are nearest to equal, |d(a,b) − d(a,c)| / (d(a,b) + d(a,c)), is the one the metric is least sure of; the
 * anchors' best comparisons are taken in that order (ties: the seeded anchor order), one per anchor per round,
 * never one already chosen. The oracle answers from the class labels: b, of a's class, is the closer, so each
 * comparison is (a, b, c). Only nearby candidates are looked at, since kNN accuracy depends on the neighbourhoods.
 *
 * Only the rows given are ever looked at, so under cross-validation the test part stays unseen. Everything is a
 * function of the seed: round r orders the anchors with seed `seed + r`; the learner is refitted with seed `seed`.
 * Cost per round: O(a·n·e) for the distances plus O(a·n·log n) to rank them.
 */
import type { Triple } from '../domain/comparisons.ts';
import type { DatasetMatrix } from '../domain/dataset.ts';
import { BASELINE_METHOD } from '../domain/enums.ts';
import { ValidationError } from '../errors.ts';
import { rowSquaredDistance } from '../math/distances/index.ts';
import { createRng } from '../math/random/index.ts';
import { selectSmallestSorted } from '../math/neighbours/index.ts';
import { mappedSpace, oracleLabels, type ActivePairsSpec } from './active-pairs.ts';
import type { LearnerHooks } from './learner.ts';

/** Anchors examined per round. */
export const MAX_ANCHORS = 200;
/** Same-class and other-class nearest rows per anchor among which a comparison is chosen. */
export const NEIGHBOURS = 10;

/** What {@link activeSuggestedComparisons} takes: the method whose metric guides later rounds, and N. */
export type ActiveComparisonsSpec = ActivePairsSpec;

function tripleKey(a: number, b: number, c: number, n: number): number {
  return (a * n + b) * n + c;
}

interface Candidate {
  triple: Triple;
  score: number;
  /** Position of the anchor in the round's seeded order (the tie-break). */
  rank: number;
}

/** One round's comparisons (see the module comment), at most `count`, none in `taken`. */
function chooseRound(points: Float64Array, e: number, labels: Int32Array, taken: ReadonlySet<number>, count: number, seed: number): Triple[] {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i);
  createRng(seed).shuffle(order);
  const anchors = order.slice(0, Math.min(MAX_ANCHORS, n));
  const dist = new Float64Array(n);
  const same = new Int32Array(n);
  const other = new Int32Array(n);
  const candidates: Candidate[] = [];
  anchors.forEach((a, rank) => {
    let nSame = 0;
    let nOther = 0;
    for (let j = 0; j < n; j++) {
      if (j === a) continue;
      dist[j] = Math.sqrt(rowSquaredDistance(points, a, points, j, e));
      if (labels[j] === labels[a]) same[nSame++] = j;
      else other[nOther++] = j;
    }
    const kSame = selectSmallestSorted(dist, same, nSame, NEIGHBOURS);
    const kOther = selectSmallestSorted(dist, other, nOther, NEIGHBOURS);
    let best: Candidate | null = null;
    for (let s = 0; s < kSame; s++) {
      const b = same[s]!;
      for (let o = 0; o < kOther; o++) {
        const c = other[o]!;
        if (taken.has(tripleKey(a, b, c, n))) continue;
        const sum = dist[b]! + dist[c]!;
        const score = sum > 0 ? Math.abs(dist[b]! - dist[c]!) / sum : 0;
        if (!best || score < best.score) best = { triple: [a, b, c], score, rank };
      }
    }
    if (best) candidates.push(best);
  });
  candidates.sort((x, y) => x.score - y.score || x.rank - y.rank);
  return candidates.slice(0, count).map((c) => c.triple);
}

/**
 * Chooses up to `spec.count` comparisons among the rows of `train` by active learning and labels them from
 * `train.labels` (see the module comment): (anchor, same-class row, other-class row), in row indices of `train`, in
 * the order they were chosen. Fewer come back when no open comparison is left (a single class).
 * @throws ValidationError when `train` has no class labels (the oracle needs them) or `count` is negative.
 */
export function activeSuggestedComparisons(train: DatasetMatrix, spec: ActiveComparisonsSpec, hooks: Pick<LearnerHooks, 'shouldStop'> = {}): Triple[] {
  const labels = oracleLabels(train, spec.count);
  const triples: Triple[] = [];
  if (spec.count === 0) return triples;
  const n = train.nRows;
  const taken = new Set<number>();
  const batch = Math.max(5, Math.ceil(spec.count / 4));
  let space = mappedSpace(train, { method: BASELINE_METHOD, seed: spec.seed, preprocess: spec.preprocess, reduce: spec.reduce }, hooks);
  for (let round = 0; triples.length < spec.count; round++) {
    if (hooks.shouldStop?.()) break;
    const chosen = chooseRound(space.points, space.e, labels, taken, Math.min(batch, spec.count - triples.length), (spec.seed + round) >>> 0);
    if (chosen.length === 0) break;
    for (const t of chosen) {
      triples.push(t);
      taken.add(tripleKey(t[0], t[1], t[2], n));
    }
    if (triples.length >= spec.count) break;
    try {
      space = mappedSpace(
        train,
        { method: spec.method, params: spec.params, seed: spec.seed, preprocess: spec.preprocess, reduce: spec.reduce, constraintSource: 'labeled', constraints: [], comparisons: triples },
        hooks,
      );
    } catch (e) {
      // Too few comparisons for this learner yet: the next round keeps the current space.
      if (!(e instanceof ValidationError)) throw e;
    }
  }
  return triples;
}
