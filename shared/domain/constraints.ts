import { ConstraintError } from '../errors.ts';
import type { ConstraintKind } from './enums.ts';
import type { PairConstraint } from './schemas/datasets.ts';

/** must = must-link (similar pair), cannot = cannot-link (dissimilar pair); origins: where a stored constraint came from. */
export {
  CONSTRAINT_KINDS,
  CONSTRAINT_ORIGINS,
  CONSTRAINT_SET_OUTCOMES,
  type ConstraintKind,
  type ConstraintOrigin,
  type ConstraintSetOutcome,
} from './enums.ts';

/**
 * One labeled pair of rows. Stored once per unordered pair with i < j; relabeling replaces the kind; `createdAt`
 * (ISO) keeps the order in which pairs were labeled. Declared once, as PairConstraintSchema in ./schemas/datasets.ts.
 */
export type { PairConstraint } from './schemas/datasets.ts';

/** A stored pair as the contract sends it: origin and time only when the store has them. */
export function toPairConstraint(c: PairConstraint): PairConstraint {
  return { i: c.i, j: c.j, kind: c.kind, ...(c.origin ? { origin: c.origin } : {}), ...(c.createdAt ? { createdAt: c.createdAt } : {}), seq: c.seq };
}

/**
 * The compact form learners consume: three parallel typed arrays, one entry per pair.
 * `similar[p] === 1` for a must-link pair, 0 for a cannot-link pair.
 */
export interface PairSet {
  left: Int32Array;
  right: Int32Array;
  similar: Uint8Array;
}

/** What the pair checks need to know about a dataset: its name (for the messages) and its number of rows. */
export interface DatasetSize {
  name: string;
  rows: number;
}

/**
 * A row index from a number or its text. @throws ConstraintError when it is not an integer or not in 0…nRows−1.
 */
export function checkRowIndex(value: number | string, dataset: DatasetSize): number {
  const text = typeof value === 'string' ? value.trim() : '';
  const index = typeof value === 'number' ? value : /^[+-]?\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(index)) throw new ConstraintError(`Row index ${typeof value === 'string' ? `'${value}'` : String(value)} is not an integer.`);
  if (index < 0 || index >= dataset.rows) {
    const valid = dataset.rows === 0 ? 'it has no rows' : `valid indices 0…${dataset.rows - 1}`;
    throw new ConstraintError(`Row index ${index} is out of range: dataset '${dataset.name}' has ${dataset.rows} rows (${valid}).`);
  }
  return index;
}

/** 'must' | 'cannot' (also 'must-link' / 'cannot-link', any case). @throws ConstraintError otherwise. */
export function parseConstraintKind(value: string): ConstraintKind {
  const text = value.trim().toLowerCase();
  if (text === 'must' || text === 'must-link') return 'must';
  if (text === 'cannot' || text === 'cannot-link') return 'cannot';
  throw new ConstraintError(`Constraint kind must be 'must' or 'cannot', got '${value}'.`);
}

/**
 * Checks one pair against a dataset and returns it with i < j (the same check in the services, and in the CLI
 * before a request whose row index the contract would refuse by type, e.g. −1).
 * @throws ConstraintError "Row index 150 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)." or
 *   "A row cannot be paired with itself (i = j = 3)."
 */
export function checkPair(dataset: DatasetSize, i: number | string, j: number | string): [number, number] {
  const a = checkRowIndex(i, dataset);
  const b = checkRowIndex(j, dataset);
  if (a === b) throw new ConstraintError(`A row cannot be paired with itself (i = j = ${a}).`);
  return a < b ? [a, b] : [b, a];
}

/** Returns the pair with i < j (throws nothing; {@link checkPair} validates against the dataset's size). */
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

