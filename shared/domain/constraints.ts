import type { PairConstraint } from '../ipc/schemas.ts';

/** must = must-link (similar pair), cannot = cannot-link (dissimilar pair); origins: where a stored constraint came from. */
export { CONSTRAINT_KINDS, CONSTRAINT_ORIGINS, type ConstraintKind, type ConstraintOrigin } from './enums.ts';

/**
 * One labeled pair of rows. Stored once per unordered pair with i < j; relabeling replaces the kind; `createdAt`
 * (ISO) keeps the order in which pairs were labeled. Declared once, as PairConstraintSchema in shared/ipc/schemas.ts.
 */
export type { PairConstraint } from '../ipc/schemas.ts';

/**
 * The compact form learners consume: three parallel typed arrays, one entry per pair.
 * `similar[p] === 1` for a must-link pair, 0 for a cannot-link pair.
 */
export interface PairSet {
  left: Int32Array;
  right: Int32Array;
  similar: Uint8Array;
}

/** Returns the pair with i < j (throws nothing; validation lives where the dataset size is known). */
export function normalizePair(i: number, j: number): [number, number] {
  return i < j ? [i, j] : [j, i];
}

export function toPairSet(constraints: readonly PairConstraint[]): PairSet {
  const n = constraints.length;
  const set: PairSet = { left: new Int32Array(n), right: new Int32Array(n), similar: new Uint8Array(n) };
  constraints.forEach((c, p) => {
    set.left[p] = c.i;
    set.right[p] = c.j;
    set.similar[p] = c.kind === 'must' ? 1 : 0;
  });
  return set;
}

export function pairSetSize(pairs: PairSet): number {
  return pairs.left.length;
}
