/**
 * The constraints service: the `constraints.*` channels ({@link createConstraintsService}) over plain functions on a
 * {@link Store}: add / remove / list / clear, CSV import and export (columns i, j, kind), and generation from class
 * labels. Row indices are 0-based in the order of the
 * imported file. Every rule has one exact message:
 *
 * - `Row index 'x' is not an integer.`
 * - `Row index 150 is out of range: dataset 'iris' has 150 rows (valid indices 0…149).`
 * - `A row cannot be paired with itself (i = j = 3).`
 * - `Constraint kind must be 'must' or 'cannot', got 'maybe'.`
 * - unknown dataset: `No dataset with id or name 'x'.` (NOT_FOUND)
 *
 * Every change is one transaction that also reads the count the `constraints.changed` event reports.
 */
import { constants } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { checkPair, parseConstraintKind, toPairConstraint, type ConstraintKind, type ConstraintOrigin, type PairConstraint } from '../../shared/domain/constraints.ts';
import { ConstraintError, ImportError, ValidationError } from '../../shared/errors.ts';
import { generateConstraintPairs } from '../../shared/engine/pairs.ts';
import type { BulkOutcome, SetOutcome, StoredConstraint } from '../storage/constraints-repository.ts';
import type { DatasetDetails } from '../storage/datasets-repository.ts';
import type { Store } from '../storage/store.ts';
import { resolveDataset } from './datasets.ts';
import type { Handler, Notify } from './ports.ts';
import type { FileRegistry } from './uploads.ts';

export interface AddConstraintResult {
  dataset: DatasetDetails;
  constraint: StoredConstraint;
  /** 'added', 'relabeled' (the pair had the other kind) or 'unchanged'. */
  outcome: SetOutcome;
  /** The dataset's constraint count after the change, read in the same transaction. */
  total: number;
}

/**
 * Labels the pair {i, j} of a dataset (either order) as must-link or cannot-link; labeling a pair again
 * replaces its kind. @throws NotFoundError (dataset) / ConstraintError (rules in the module doc).
 */
export function addConstraint(
  store: Store,
  datasetRef: string | number,
  i: number | string,
  j: number | string,
  kind: string,
  origin: ConstraintOrigin = 'manual',
): AddConstraintResult {
  return store.transaction(() => {
    const dataset = resolveDataset(store, datasetRef);
    const [a, b] = checkPair(dataset, i, j);
    const k = parseConstraintKind(kind);
    const outcome = store.constraints.set(dataset.id, { i: a, j: b, kind: k, origin });
    // Everything the caller reports is read before the commit: a read that fails afterwards could turn a saved pair
    // into a reported failure.
    return { dataset, constraint: store.constraints.get(dataset.id, a, b)!, outcome, total: store.constraints.count(dataset.id).total };
  });
}

/** Removes the constraint on the pair {i, j} (either order), if there is one; `total` is the count left. */
function removeConstraint(
  store: Store,
  datasetRef: string | number,
  i: number | string,
  j: number | string,
): { dataset: DatasetDetails; removed: StoredConstraint | null; total: number } {
  return store.transaction(() => {
    const dataset = resolveDataset(store, datasetRef);
    const [a, b] = checkPair(dataset, i, j);
    const existing = store.constraints.get(dataset.id, a, b);
    if (existing) store.constraints.remove(dataset.id, a, b);
    return { dataset, removed: existing, total: store.constraints.count(dataset.id).total };
  });
}

/** A dataset's constraints in labeling order. @throws NotFoundError. */
export function listConstraints(store: Store, datasetRef: string | number): { dataset: DatasetDetails; constraints: StoredConstraint[] } {
  const dataset = resolveDataset(store, datasetRef);
  return { dataset, constraints: store.constraints.list(dataset.id) };
}

/**
 * Parses constraint CSV text: a header with columns i, j and kind (any order, any case; other columns are
 * ignored), one pair per line. Blank lines are skipped. A pair listed twice with the same kind counts once.
 * @throws ConstraintError "FILE, line N: …" for the first bad line (index, self-pair, kind, or a pair listed
 *   twice with different kinds); ImportError for a missing header or column.
 */
export function parseConstraintsCsv(text: string, fileName: string, dataset: Pick<DatasetDetails, 'name' | 'rows'>): PairConstraint[] {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const result = Papa.parse<string[]>(clean, { header: false, skipEmptyLines: false });
  const rows = result.data;
  const headerIndex = rows.findIndex((r) => r.some((cell) => cell.trim() !== ''));
  if (headerIndex < 0) throw new ImportError(`${fileName}: the file is empty; expected a header with columns i, j, kind.`);
  const header = rows[headerIndex]!.map((h) => h.trim().toLowerCase());
  const column = (name: string): number => {
    const k = header.indexOf(name);
    if (k < 0) throw new ImportError(`${fileName}: the header must have columns i, j and kind; found ${header.map((h) => `'${h}'`).join(', ')}.`);
    return k;
  };
  const ci = column('i');
  const cj = column('j');
  const ck = column('kind');
  const seen = new Map<string, { kind: ConstraintKind; line: number }>();
  const out: PairConstraint[] = [];
  for (let r = headerIndex + 1; r < rows.length; r++) {
    const row = rows[r]!;
    if (row.every((cell) => cell.trim() === '')) continue;
    const line = r + 1;
    const at = (message: string): ConstraintError => new ConstraintError(`${fileName}, line ${line}: ${message}`);
    const cell = (k: number, name: string): string => {
      const value = row[k];
      if (value === undefined || value.trim() === '') throw at(`column ${name} is empty.`);
      return value;
    };
    let pair: [number, number];
    let kind: ConstraintKind;
    try {
      pair = checkPair(dataset, cell(ci, 'i'), cell(cj, 'j'));
      kind = parseConstraintKind(cell(ck, 'kind'));
    } catch (error) {
      if (error instanceof ConstraintError && !error.message.startsWith(`${fileName}, line`)) throw at(error.message);
      throw error;
    }
    const key = `${pair[0]},${pair[1]}`;
    const previous = seen.get(key);
    if (previous) {
      if (previous.kind !== kind) throw at(`the pair (${pair[0]}, ${pair[1]}) is already listed on line ${previous.line} as '${previous.kind}'.`);
      continue;
    }
    seen.set(key, { kind, line });
    out.push({ i: pair[0], j: pair[1], kind, origin: 'imported' });
  }
  return out;
}

/**
 * Imports constraints from a CSV file (columns i, j, kind) in one transaction: every line is checked first,
 * so a bad file adds nothing. Pairs already labeled take the file's kind.
 */
export async function importConstraintsCsv(
  store: Store,
  datasetRef: string | number,
  path: string,
): Promise<{ dataset: DatasetDetails; total: number; count: number } & BulkOutcome> {
  const dataset = resolveDataset(store, datasetRef);
  let text: string;
  try {
    // A FIFO with no writer would block the read forever; a device has no end.
    if (!(await stat(path)).isFile()) throw new ImportError(`Cannot read ${path}: not a regular file; import a file saved on disk.`);
    text = await readFile(path, { encoding: 'utf8', flag: constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) });
  } catch (error) {
    if (error instanceof ImportError) throw error;
    throw new ImportError(`Cannot read ${path}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}.`, { cause: error });
  }
  const pairs = parseConstraintsCsv(text, basename(path), dataset);
  const outcome = store.transaction(() => {
    // The dataset could have been deleted while the file was read.
    const current = resolveDataset(store, dataset.id);
    return { ...store.constraints.bulkInsert(current.id, pairs, { origin: 'imported' }), count: store.constraints.count(current.id).total };
  });
  return { dataset, total: pairs.length, ...outcome };
}

/**
 * Removes all of a dataset's constraints, or those of one origin, in one transaction; `total` is the count left.
 * @throws NotFoundError.
 */
function clearConstraints(store: Store, datasetRef: string | number, origin?: ConstraintOrigin): { dataset: DatasetDetails; removed: number; total: number } {
  return store.transaction(() => {
    const dataset = resolveDataset(store, datasetRef);
    const removed = store.constraints.clear(dataset.id, origin);
    return { dataset, removed, total: store.constraints.count(dataset.id).total };
  });
}

/** CSV text of constraints: header `i,j,kind,origin,created_at`, one pair per line in labeling order. */
function constraintsToCsv(constraints: readonly StoredConstraint[]): string {
  const lines = ['i,j,kind,origin,created_at'];
  for (const c of constraints) lines.push(`${c.i},${c.j},${c.kind},${c.origin},${c.createdAt}`);
  return `${lines.join('\n')}\n`;
}

export interface GenerateResult {
  dataset: DatasetDetails;
  /** Pairs drawn: ⌈pairs/2⌉ must-link then ⌊pairs/2⌋ cannot-link. */
  requested: { must: number; cannot: number };
  /** New pairs stored. */
  added: number;
  /** The dataset's constraint count after the change, read in the same transaction. */
  total: number;
  /** Drawn pairs that were already labeled (they keep their label). */
  skipped: number;
  seed: number;
}

/**
 * Draws `pairs` constraints from the class labels, half must-link (same class) and half cannot-link (different
 * classes; the odd one is a must-link), reproducibly from `seed` (shared/engine/pairs.ts), and stores them with
 * origin 'generated' in one transaction. Pairs already labeled keep their label.
 * @throws ValidationError for a bad count or seed, or more pairs than the labels allow; ConstraintError for an
 *   unlabeled dataset or fewer than 2 classes; NotFoundError for an unknown dataset.
 */
export function generateConstraints(store: Store, datasetRef: string | number, options: { pairs: number; seed?: number }): GenerateResult {
  const { pairs } = options;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(pairs) || pairs < 1) throw new ValidationError(`The number of pairs must be an integer ≥ 1, got ${pairs}.`);
  if (!Number.isSafeInteger(seed)) throw new ValidationError(`The seed must be an integer, got ${seed}.`);
  return store.transaction(() => {
    const dataset = resolveDataset(store, datasetRef);
    const matrix = store.datasets.loadMatrix(dataset.id);
    if (!matrix.labels) throw new ConstraintError(`Dataset '${dataset.name}' has no class labels; generating constraints needs a labeled dataset.`);
    const present = new Set<number>();
    for (const c of matrix.labels) if (c >= 0) present.add(c);
    if (present.size < 2) {
      throw new ConstraintError(`Dataset '${dataset.name}' has ${present.size} class${present.size === 1 ? '' : 'es'} among its labeled rows; generating constraints needs at least 2.`);
    }
    const must = Math.ceil(pairs / 2);
    const cannot = pairs - must;
    const drawn = generateConstraintPairs(matrix.labels, { mustLink: must, cannotLink: cannot, seed });
    const outcome = store.constraints.bulkInsert(dataset.id, drawn, { origin: 'generated', overwrite: false });
    return { dataset, requested: { must, cannot }, added: outcome.added, total: store.constraints.count(dataset.id).total, skipped: outcome.skipped, seed };
  });
}

export interface ConstraintsServiceDeps {
  store: Store;
  files: FileRegistry;
  notify: Notify;
}

/** The `constraints.*` channels; every change is followed by a `constraints.changed` event with the committed count. */
export function createConstraintsService({ store, files, notify }: ConstraintsServiceDeps) {
  const changed = (datasetId: number, count: number) => notify('constraints.changed', { datasetId, count });

  const list: Handler<'constraints.list'> = ({ datasetId }) => ({ constraints: listConstraints(store, datasetId).constraints.map(toPairConstraint) });

  const set: Handler<'constraints.set'> = ({ datasetId, i, j, kind }) => {
    const { dataset, constraint, outcome, total } = addConstraint(store, datasetId, i, j, kind, 'manual');
    changed(dataset.id, total);
    return { constraint: toPairConstraint(constraint), outcome };
  };

  const remove: Handler<'constraints.remove'> = ({ datasetId, i, j }) => {
    const { dataset, removed, total } = removeConstraint(store, datasetId, i, j);
    if (removed) changed(dataset.id, total);
    return { removed: removed !== null, constraint: removed ? toPairConstraint(removed) : null };
  };

  const clear: Handler<'constraints.clear'> = ({ datasetId, origin }) => {
    const { dataset, removed, total } = clearConstraints(store, datasetId, origin);
    if (removed > 0) changed(dataset.id, total);
    return { removed };
  };

  const generate: Handler<'constraints.generate'> = ({ datasetId, pairs, seed }) => {
    const result = generateConstraints(store, datasetId, { pairs, seed });
    changed(result.dataset.id, result.total);
    return { added: result.added, total: result.total, must: result.requested.must, cannot: result.requested.cannot, skipped: result.skipped, seed: result.seed };
  };

  const importFromFile: Handler<'constraints.import'> = async ({ datasetId, fileId }) => {
    const { dataset, total, added, relabeled, unchanged, count } = await importConstraintsCsv(store, datasetId, files.resolve(fileId).path);
    changed(dataset.id, count);
    return { total, added, relabeled, unchanged };
  };

  const exportCsv: Handler<'constraints.export'> = ({ datasetId }) => {
    const { constraints } = listConstraints(store, datasetId);
    return { count: constraints.length, csv: constraintsToCsv(constraints) };
  };

  return { list, set, remove, clear, generate, import: importFromFile, export: exportCsv };
}
