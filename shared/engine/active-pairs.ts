/**
 * Active learning of pair constraints with a class-label oracle: the `suggested` constraint source of a sweep.
 *
 * Given a labeled training set (one fold's training part) and a budget of N pairs, the pairs are chosen in
 * rounds. Each round asks {@link suggestPairs} (strategy `uncertain`) for the pairs whose distance lies closest
 * to the must/cannot threshold under the current metric, and an oracle labels them from the class labels
 * (must-link for the same class, cannot-link otherwise). The first round works in the preprocessed Euclidean
 * space; once both kinds of pair are labeled, the method is refitted on the pairs so far and the next round
 * works in its learned space. A round asks for at most ⌈N/4⌉ pairs (at least 5), so the metric is refreshed
 * about four times; it stops early when no open pair is left.
 *
 * Cold start: the pairs nearest the fallback threshold are mostly same-class pairs, and a learner such as
 * mmc-diagonal needs both kinds. So while the labeled pairs still lack one kind, later rounds use the `explore`
 * strategy instead (farthest-first: a point far from everything labeled, paired with its nearest labeled
 * point), which reaches other classes early. The budget can still end with a single kind on a small N; the
 * sweep then reports that point as missing, with the learner's reason.
 *
 * Only the rows given are ever looked at, so under cross-validation the test part stays unseen. Everything is
 * a function of the seed: round r uses suggestion seed `seed + r` and learner seed `seed`.
 */
import type { PairConstraint } from '../domain/constraints.ts';
import type { DatasetMatrix } from '../domain/dataset.ts';
import { BASELINE_METHOD } from '../domain/enums.ts';
import type { PreprocessKind } from '../domain/learned-metric.ts';
import { ValidationError } from '../errors.ts';
import { transform } from '../metric/mahalanobis.ts';
import { fitMetric } from './fit.ts';
import type { LearnerHooks } from './learner.ts';
import { suggestPairs } from './suggest.ts';

export interface ActivePairsSpec {
  /** The pair-based method whose learned metric guides the later rounds. */
  method: string;
  params?: Record<string, unknown>;
  seed: number;
  preprocess: PreprocessKind;
  /** PCA first (FitSpec.reduce), as the evaluation's fits. */
  reduce?: number;
  /** Number of pairs wanted (fewer come back when the training part runs out of open pairs). */
  count: number;
}

/** The points of `data` mapped by a fitted metric: (n, e) row-major. Shared with active-comparisons.ts. */
export function mappedSpace(data: DatasetMatrix, spec: Parameters<typeof fitMetric>[1], hooks: LearnerHooks): { points: Float64Array; e: number } {
  const metric = fitMetric(data, spec, hooks);
  return { points: transform(metric, data.features, data.nRows), e: metric.nComponents };
}

/**
 * The class labels the oracle answers from. Shared with active-comparisons.ts.
 * @throws ValidationError when `train` has no class labels or `count` is not an integer ≥ 0.
 */
export function oracleLabels(train: DatasetMatrix, count: number): Int32Array {
  if (!train.labels) throw new ValidationError('suggested constraints are labeled from class labels, but the dataset has none.');
  if (!Number.isInteger(count) || count < 0) {
    throw new ValidationError(`suggested constraints: count must be an integer ≥ 0, got ${JSON.stringify(count)}.`);
  }
  return train.labels;
}

/**
 * Chooses up to `spec.count` pairs of rows of `train` by active learning and labels them from `train.labels`
 * (see the module comment). Row indices are those of `train`; pairs come in the order they were chosen.
 * @throws ValidationError when `train` has no class labels (the oracle needs them) or `count` is negative.
 */
export function activeSuggestedPairs(train: DatasetMatrix, spec: ActivePairsSpec, hooks: Pick<LearnerHooks, 'shouldStop'> = {}): PairConstraint[] {
  const labels = oracleLabels(train, spec.count);
  const pairs: PairConstraint[] = [];
  if (spec.count === 0) return pairs;
  const batch = Math.max(5, Math.ceil(spec.count / 4));
  let space = mappedSpace(train, { method: BASELINE_METHOD, seed: spec.seed, preprocess: spec.preprocess, reduce: spec.reduce }, hooks);
  let bothKinds = false;
  for (let round = 0; pairs.length < spec.count; round++) {
    if (hooks.shouldStop?.()) break;
    const chosen = suggestPairs({
      points: space.points,
      n: train.nRows,
      e: space.e,
      constraints: pairs,
      strategy: round === 0 || bothKinds ? 'uncertain' : 'explore',
      count: Math.min(batch, spec.count - pairs.length),
      seed: (spec.seed + round) >>> 0,
    });
    if (chosen.length === 0) break;
    for (const p of chosen) pairs.push({ i: p.i, j: p.j, kind: labels[p.i] === labels[p.j] ? 'must' : 'cannot', origin: 'generated' });
    if (pairs.length >= spec.count) break;
    bothKinds = pairs.some((c) => c.kind === 'must') && pairs.some((c) => c.kind === 'cannot');
    if (bothKinds) {
      space = mappedSpace(
        train,
        { method: spec.method, params: spec.params, seed: spec.seed, preprocess: spec.preprocess, reduce: spec.reduce, constraintSource: 'labeled', constraints: pairs },
        hooks,
      );
    }
  }
  return pairs;
}
