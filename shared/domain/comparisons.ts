import { ConstraintError } from '../errors.ts';
import { checkRowIndex, type DatasetSize } from './constraints.ts';

/** What adding a comparison did: 'added' or 'unchanged' (the same ordered triple was stored already). */
export { COMPARISON_ADD_OUTCOMES, type ComparisonAddOutcome } from './enums.ts';

/**
 * One relative comparison: row `anchor` is closer to row `closer` than to row `farther` (metric-learn's triplet
 * (a, b, c): d(a, b) < d(a, c)). Stored once per ordered triple; its mirror (anchor, farther, closer) says the
 * opposite and is refused while it is stored. Declared once, as ComparisonSchema in ./schemas/datasets.ts.
 */
export type { Comparison } from './schemas/datasets.ts';

/** The three row indices of a comparison, in order. */
export type Triple = readonly [anchor: number, closer: number, farther: number];

/** `(a, b, c)`, as messages and the CLI's text write a comparison. */
export function formatTriple(t: Triple): string {
  return `(${t[0]}, ${t[1]}, ${t[2]})`;
}

/**
 * Checks one comparison against a dataset (the same check in the service, the CSV import and the CLI).
 * @throws ConstraintError "Row index 150 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)." or
 *   "The comparison (3, 3, 7) names row 3 twice (anchor and closer): a comparison needs three different rows."
 */
export function checkComparison(dataset: DatasetSize, anchor: number | string, closer: number | string, farther: number | string): Triple {
  const t: Triple = [checkRowIndex(anchor, dataset), checkRowIndex(closer, dataset), checkRowIndex(farther, dataset)];
  const roles = ['anchor', 'closer', 'farther'] as const;
  for (const [x, y] of [[0, 1], [0, 2], [1, 2]] as const) {
    if (t[x] === t[y]) {
      throw new ConstraintError(`The comparison ${formatTriple(t)} names row ${t[x]} twice (${roles[x]} and ${roles[y]}): a comparison needs three different rows.`);
    }
  }
  return t;
}

