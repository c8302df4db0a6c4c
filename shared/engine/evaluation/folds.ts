import { ValidationError } from '../../errors.ts';
import { createMt19937 } from '../../math/random/index.ts';

/** One split of a cross-validation: row indices (ascending) of the training and test parts. */
export interface FoldSplit {
  train: Int32Array;
  test: Int32Array;
}

/**
 * Test-fold index of every row for a stratified, shuffled k-fold split. This reproduces scikit-learn's
 * `StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)` assignment exactly (1.x algorithm), so our
 * cross-validation runs on the very folds of published scikit-learn figures:
 *
 * 1. classes are numbered by order of first appearance;
 * 2. the labels, sorted by that number, are dealt round-robin to the folds; counting them gives how many rows of
 *    each class every test fold gets (⌊n_c/F⌋ or ⌈n_c/F⌉, fold sizes differ by at most one);
 * 3. for each class in turn, the block list of fold numbers [0,…,0, 1,…,1, …] of that allocation is shuffled with
 *    numpy's legacy MT19937 `RandomState(seed).shuffle` (one stream for all classes) and handed to the class's rows
 *    in row order.
 *
 * Numbering by first appearance makes the folds independent of the class indices (any relabeling gives the same
 * folds); what class indices do change is kNN's tie rule, which is why the importer indexes classes in
 * scikit-learn's `np.unique` order (src-main/import/finalize.ts `orderClasses`).
 *
 * Cost O(n·F). @throws ValidationError when folds is not an integer in 2…n or exceeds every class's size.
 */
export function stratifiedFoldAssignment(labels: Int32Array, folds: number, seed: number): Int32Array {
  const n = labels.length;
  if (!Number.isInteger(folds) || folds < 2) throw new ValidationError(`folds must be an integer ≥ 2, got ${folds}.`);
  if (folds > n) throw new ValidationError(`folds (${folds}) cannot be greater than the number of rows (${n}).`);
  const code = new Map<number, number>();
  const encoded = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (!code.has(c)) code.set(c, code.size);
    encoded[i] = code.get(c)!;
  }
  const nClasses = code.size;
  const counts = new Int32Array(nClasses);
  for (const c of encoded) counts[c]!++;
  let largest = 0;
  for (const c of counts) largest = Math.max(largest, c);
  if (folds > largest) {
    throw new ValidationError(`folds (${folds}) cannot be greater than the number of rows of every class (the largest class has ${largest}).`);
  }
  // allocation[f][c]: rows of class c in test fold f, from dealing the sorted labels round-robin.
  const allocation = Array.from({ length: folds }, () => new Int32Array(nClasses));
  let position = 0;
  for (let c = 0; c < nClasses; c++) {
    for (let r = 0; r < counts[c]!; r++, position++) allocation[position % folds]![c]!++;
  }
  const rng = createMt19937(seed);
  const assignment = new Int32Array(n);
  for (let c = 0; c < nClasses; c++) {
    const foldsForClass: number[] = [];
    for (let f = 0; f < folds; f++) for (let r = 0; r < allocation[f]![c]!; r++) foldsForClass.push(f);
    rng.shuffle(foldsForClass);
    let next = 0;
    for (let i = 0; i < n; i++) if (encoded[i] === c) assignment[i] = foldsForClass[next++]!;
  }
  return assignment;
}

/**
 * Stratified, shuffled k-fold split of labeled rows, deterministic from `seed`: fold f tests the rows that
 * {@link stratifiedFoldAssignment} puts in fold f and trains on all others. Every row is tested exactly once.
 */
export function stratifiedKFold(labels: Int32Array, folds: number, seed: number): FoldSplit[] {
  const assignment = stratifiedFoldAssignment(labels, folds, seed);
  const splits: FoldSplit[] = [];
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < assignment.length; i++) (assignment[i] === f ? test : train).push(i);
    splits.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return splits;
}

/**
 * Shuffled k-fold split of n rows, deterministic from `seed`: scikit-learn's `KFold(n_splits=folds, shuffle=True,
 * random_state=seed)` reproduced exactly. The row indices 0…n−1 are permuted with numpy's legacy
 * `RandomState(seed).shuffle`; the first n mod F folds take ⌊n/F⌋ + 1 consecutive entries of the permutation, the
 * others ⌊n/F⌋, and fold f tests its entries (listed ascending, as scikit-learn yields them) and trains on the rest.
 * Used for regression datasets, whose targets have no classes to stratify by. Cost O(n·F).
 * @throws ValidationError when folds is not an integer in 2…n.
 */
export function kFold(n: number, folds: number, seed: number): FoldSplit[] {
  if (!Number.isInteger(folds) || folds < 2) throw new ValidationError(`folds must be an integer ≥ 2, got ${folds}.`);
  if (folds > n) throw new ValidationError(`folds (${folds}) cannot be greater than the number of rows (${n}).`);
  const permutation = createMt19937(seed).shuffle(Array.from({ length: n }, (_, i) => i));
  const assignment = new Int32Array(n);
  const base = Math.floor(n / folds);
  let position = 0;
  for (let f = 0; f < folds; f++) {
    const size = base + (f < n % folds ? 1 : 0);
    for (let r = 0; r < size; r++) assignment[permutation[position++]!] = f;
  }
  const splits: FoldSplit[] = [];
  for (let f = 0; f < folds; f++) {
    const train: number[] = [];
    const test: number[] = [];
    for (let i = 0; i < n; i++) (assignment[i] === f ? test : train).push(i);
    splits.push({ train: Int32Array.from(train), test: Int32Array.from(test) });
  }
  return splits;
}
