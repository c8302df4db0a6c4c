/**
 * The relative-comparison application API (plain functions over a {@link Store}): add / remove / list, CSV import
 * and export (columns anchor, closer, farther), generation from class labels, and the comparisons a dataset's
 * pairs imply. Row indices are 0-based in the order of the imported file. Every rule has one exact message:
 *
 * - `Row index 150 is out of range: dataset 'iris' has 150 rows (valid indices 0…149).`
 * - `The comparison (3, 3, 7) names row 3 twice (anchor and closer): a comparison needs three different rows.`
 * - `The comparison (0, 2, 1) (row 0 closer to 2 than to 1) contradicts the stored comparison (0, 1, 2) (…, manual, #1); remove that one first.`
 * - unknown dataset: `No dataset with id or name 'x'.` (NOT_FOUND)
 */
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { checkComparison, formatTriple, type ComparisonAddOutcome, type Triple } from '../../shared/domain/comparisons.ts';
import type { ConstraintOrigin } from '../../shared/domain/constraints.ts';
import { ConstraintError, ImportError, ValidationError } from '../../shared/errors.ts';
import { impliedComparisons } from '../../shared/engine/supervision/derive.ts';
import { generateTriplets } from '../../shared/engine/supervision/generate.ts';
import type { ComparisonBulkOutcome, StoredComparison } from '../storage/comparisons-repository.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';
import { resolveDataset } from './datasets.ts';

const key = (t: Triple): string => `${t[0]},${t[1]},${t[2]}`;

/**
 * Stores "row A is closer to row B than to row C" (manual unless said otherwise); the same triple again is unchanged.
 * @throws NotFoundError (dataset) / ConstraintError (rules in the module doc).
 */
export function addComparison(
  store: Store,
  datasetRef: string | number,
  anchor: number | string,
  closer: number | string,
  farther: number | string,
  origin: ConstraintOrigin = 'manual',
): { dataset: DatasetDetails; comparison: StoredComparison; outcome: ComparisonAddOutcome } {
  return store.transaction(() => {
    const dataset = resolveDataset(store, datasetRef);
    const t = checkComparison(dataset, anchor, closer, farther);
    const outcome = store.comparisons.add(dataset.id, t, origin);
    return { dataset, comparison: store.comparisons.get(dataset.id, t)!, outcome };
  });
}

/** A dataset's comparisons in labeling order. @throws NotFoundError. */
export function listComparisons(store: Store, datasetRef: string | number): { dataset: DatasetDetails; comparisons: StoredComparison[] } {
  const dataset = resolveDataset(store, datasetRef);
  return { dataset, comparisons: store.comparisons.list(dataset.id) };
}

/**
 * The comparisons the dataset's labeled pairs imply (must(a, b) and cannot(a, c) give (a, b, c)), over the pairs'
 * must-link closure, that are not stored as comparisons; at most `limit` of them, with their total.
 */
export function derivedComparisons(store: Store, datasetRef: string | number, limit = 5000): { dataset: DatasetDetails; derived: Triple[]; total: number } {
  const dataset = resolveDataset(store, datasetRef);
  const stored = new Set(store.comparisons.list(dataset.id).map((c) => key([c.anchor, c.closer, c.farther])));
  const implied = impliedComparisons(store.constraints.list(dataset.id)).filter((t) => !stored.has(key(t)));
  return { dataset, derived: implied.slice(0, limit), total: implied.length };
}

/**
 * Parses comparison CSV text: a header with columns anchor, closer and farther (any order, any case; other columns
 * are ignored), one comparison per line. Blank lines are skipped; a triple listed twice counts once.
 * @throws ConstraintError "FILE, line N: …" for the first bad line (index, a row named twice, or a triple whose
 *   mirror is listed on an earlier line); ImportError for a missing header or column.
 */
export function parseComparisonsCsv(text: string, fileName: string, dataset: Pick<DatasetDetails, 'name' | 'rows'>): Array<{ triple: Triple; line: number }> {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const rows = Papa.parse<string[]>(clean, { header: false, skipEmptyLines: false }).data;
  const headerIndex = rows.findIndex((r) => r.some((cell) => cell.trim() !== ''));
  if (headerIndex < 0) throw new ImportError(`${fileName}: the file is empty; expected a header with columns anchor, closer, farther.`);
  const header = rows[headerIndex]!.map((h) => h.trim().toLowerCase());
  const column = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw new ImportError(`${fileName}: the header must have columns anchor, closer and farther; found ${header.map((h) => `'${h}'`).join(', ')}.`);
    return k;
  };
  const columns = [column('anchor'), column('closer'), column('farther')] as const;
  const names = ['anchor', 'closer', 'farther'] as const;
  const seen = new Map<string, number>();
  const out: Array<{ triple: Triple; line: number }> = [];
  for (let r = headerIndex + 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.every((cell) => cell.trim() === '')) continue;
    const line = r + 1;
    const at = (message: string): ConstraintError => new ConstraintError(`${fileName}, line ${line}: ${message}`);
    const cells = columns.map((k, c) => {
      const value = row[k];
      if (value === undefined || value.trim() === '') throw at(`column ${names[c]} is empty.`);
      return value;
    });
    let t: Triple;
    try {
      t = checkComparison(dataset, cells[0]!, cells[1]!, cells[2]!);
    } catch (error) {
      if (error instanceof ConstraintError) throw at(error.message);
      throw error;
    }
    if (seen.has(key(t))) continue;
    const mirrorLine = seen.get(key([t[0], t[2], t[1]]));
    if (mirrorLine !== undefined) throw at(`the comparison ${formatTriple(t)} contradicts ${formatTriple([t[0], t[2], t[1]])} on line ${mirrorLine}.`);
    seen.set(key(t), line);
    out.push({ triple: t, line });
  }
  return out;
}

/**
 * Imports comparisons from a CSV file (columns anchor, closer, farther) in one transaction: every line is checked
 * first, against the file and the stored comparisons, so a bad file adds nothing.
 * @throws ConstraintError "FILE, line N: the comparison (0, 2, 1) contradicts the stored comparison (0, 1, 2) …".
 */
export async function importComparisonsCsv(store: Store, datasetRef: string | number, path: string): Promise<{ dataset: DatasetDetails; total: number } & ComparisonBulkOutcome> {
  const dataset = resolveDataset(store, datasetRef);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ImportError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, { cause: error });
  }
  const file = basename(path);
  const parsed = parseComparisonsCsv(text, file, dataset);
  const outcome = store.transaction(() => {
    // The dataset could have been deleted while the file was read.
    const current = resolveDataset(store, dataset.id);
    for (const { triple, line } of parsed) {
      const mirror = store.comparisons.get(current.id, [triple[0], triple[2], triple[1]]);
      if (mirror) {
        throw new ConstraintError(
          `${file}, line ${line}: the comparison ${formatTriple(triple)} contradicts the stored comparison ${formatTriple([mirror.anchor, mirror.closer, mirror.farther])} (${mirror.origin}, #${mirror.seq}).`,
        );
      }
    }
    return store.comparisons.bulkInsert(current.id, parsed.map((p) => p.triple), { origin: 'imported' });
  });
  return { dataset, total: parsed.length, ...outcome };
}

/** Removes all of a dataset's comparisons, or those of one origin, in one transaction. @throws NotFoundError. */
export function clearComparisons(store: Store, datasetRef: string | number, origin?: ConstraintOrigin): { dataset: DatasetDetails; removed: number } {
  return store.transaction(() => {
    const dataset = resolveDataset(store, datasetRef);
    return { dataset, removed: store.comparisons.clear(dataset.id, origin) };
  });
}

/** CSV text of comparisons: header `anchor,closer,farther,origin,created_at`, one per line in labeling order. */
export function comparisonsToCsv(comparisons: readonly StoredComparison[]): string {
  const lines = ['anchor,closer,farther,origin,created_at'];
  for (const c of comparisons) lines.push(`${c.anchor},${c.closer},${c.farther},${c.origin},${c.createdAt}`);
  return `${lines.join('\n')}\n`;
}

export interface GenerateComparisonsResult {
  dataset: DatasetDetails;
  /** Comparisons drawn. */
  count: number;
  /** New comparisons stored. */
  added: number;
  /** Drawn comparisons stored already, or whose mirror is stored (those keep theirs). */
  skipped: number;
  seed: number;
  /** Comparisons stored for the dataset after this commit. */
  total: number;
}

/**
 * Draws `count` comparisons from the class labels (a row, a row of its class, a row of another class: every class
 * drawn; fewer when the labels allow fewer; shared/engine/supervision/generate.ts), reproducibly from `seed`, and stores them with origin 'generated' in one transaction; those already stored, or contradicting a
 * stored one, are skipped.
 * @throws ValidationError for a bad count or seed; ConstraintError for an unlabeled dataset or fewer than 2 classes;
 *   NotFoundError for an unknown dataset.
 */
export function generateComparisons(store: Store, datasetRef: string | number, options: { count: number; seed?: number }): GenerateComparisonsResult {
  const { count } = options;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(count) || count < 1) throw new ValidationError(`The number of comparisons must be an integer ≥ 1, got ${count}.`);
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ValidationError(`The seed must be an integer in 0…4294967295, got ${seed}.`);
  return store.transaction(() => {
    const dataset = resolveDataset(store, datasetRef);
    const matrix = store.datasets.loadMatrix(dataset.id);
    if (!matrix.labels) throw new ConstraintError(`Dataset '${dataset.name}' has no class labels; generating comparisons needs a labeled dataset.`);
    const present = new Set<number>();
    for (const c of matrix.labels) if (c >= 0) present.add(c);
    if (present.size < 2) {
      throw new ConstraintError(`Dataset '${dataset.name}' has ${present.size} class${present.size === 1 ? '' : 'es'} among its labeled rows; generating comparisons needs at least 2.`);
    }
    const flat = generateTriplets(matrix.labels, count, seed);
    const drawn = Array.from({ length: flat.length / 3 }, (_, t): Triple => [flat[3 * t]!, flat[3 * t + 1]!, flat[3 * t + 2]!]);
    const outcome = store.comparisons.bulkInsert(dataset.id, drawn, { origin: 'generated', skipConflicts: true });
    // The total is read inside the transaction, so the answer describes exactly what was committed.
    const total = store.comparisons.count(dataset.id);
    return { dataset, count: drawn.length, added: outcome.added, skipped: outcome.unchanged + outcome.skipped, seed, total };
  });
}
