import { ImportError } from '../../shared/errors.ts';
import { plural, quote } from './cells.ts';

/** The kinds of bad cells an importer collects before it decides to refuse the file or drop rows. */
export type ProblemKind = 'missing' | 'nonfinite' | 'nominal' | 'label' | 'target';

const DESCRIPTIONS: Record<ProblemKind, string> = {
  missing: 'a missing or non-numeric feature',
  nonfinite: 'a non-finite feature value (infinite or beyond the float64 range)',
  nominal: 'a value that is not declared for its nominal attribute',
  label: 'a missing label',
  target: 'a missing or non-numeric target',
};

const ORDER: ProblemKind[] = ['missing', 'nonfinite', 'nominal', 'label', 'target'];

/** How rows are numbered in messages: text files by editor line, arrays by 0-based index. */
export type RowNumbering = 'line' | 'index';

const MAX_EXAMPLES = 5;

interface KindLog {
  rows: number;
  lastRow: number;
  examples: string[];
}

/**
 * Collects bad cells while a file is parsed, so that one message can name the first few offenders
 * (row, column, value) and the total count, instead of stopping at the first one.
 */
export class ProblemLog {
  readonly #byKind = new Map<ProblemKind, KindLog>();
  readonly #droppedExamples: string[] = [];
  #droppedRows = 0;

  constructor(
    readonly fileName: string,
    readonly numbering: RowNumbering = 'line',
  ) {}

  /** Records one bad cell of row `row` (a 1-based line, or a 0-based index; see `numbering`). */
  add(kind: ProblemKind, row: number, column: string, value: string): void {
    let log = this.#byKind.get(kind);
    if (!log) this.#byKind.set(kind, (log = { rows: 0, lastRow: -1, examples: [] }));
    if (log.lastRow !== row) {
      log.rows++;
      log.lastRow = row;
    }
    if (log.examples.length < MAX_EXAMPLES) log.examples.push(`row ${row}, column ${quote(column)}: ${quote(value)}`);
  }

  /** Notes that row `row` was dropped (dropMissing). */
  dropped(row: number): void {
    this.#droppedRows++;
    if (this.#droppedExamples.length < MAX_EXAMPLES) this.#droppedExamples.push(`row ${row}`);
  }

  get droppedRows(): number {
    return this.#droppedRows;
  }

  get isEmpty(): boolean {
    return this.#byKind.size === 0;
  }

  #rowsNote(): string {
    return this.numbering === 'line' ? 'rows are 1-based line numbers in the file' : 'rows are 0-based array indices';
  }

  /**
   * Throws one ImportError naming every kind of problem found, the first few offenders of each, e.g.
   * `iris.csv: 2 rows have a missing or non-numeric feature (use --drop-missing to skip them; rows are 1-based
   * line numbers in the file): row 5, column "petal_width": "abc"; row 9, column "sepal_length": ""`.
   */
  throwIfAny(): void {
    const parts: string[] = [];
    for (const kind of ORDER) {
      const log = this.#byKind.get(kind);
      if (!log) continue;
      const head = `${plural(log.rows, 'row')} ${log.rows === 1 ? 'has' : 'have'} ${DESCRIPTIONS[kind]}`;
      const hint = parts.length === 0 ? ` (use --drop-missing to skip them; ${this.#rowsNote()})` : '';
      const more = log.rows > log.examples.length ? '; …' : '';
      parts.push(`${head}${hint}: ${log.examples.join('; ')}${more}`);
    }
    if (parts.length > 0) throw new ImportError(`${this.fileName}: ${parts.join('. Also, ')}`);
  }

  /** The warning that goes with dropped rows, or null when none were dropped. */
  droppedWarning(): string | null {
    if (this.#droppedRows === 0) return null;
    const kinds = ORDER.filter((k) => this.#byKind.has(k)).map((k) => DESCRIPTIONS[k]);
    const more = this.#droppedRows > this.#droppedExamples.length ? ', …' : '';
    return (
      `${this.fileName}: dropped ${plural(this.#droppedRows, 'row')} with ${kinds.join(' or ')} ` +
      `(${this.#rowsNote()}): ${this.#droppedExamples.join(', ')}${more}`
    );
  }

  /** The warnings an import returns: `earlier` (copied), then the {@link droppedWarning} when rows were dropped. */
  warnings(earlier: readonly string[] = []): string[] {
    const warnings = [...earlier];
    const dropped = this.droppedWarning();
    if (dropped) warnings.push(dropped);
    return warnings;
  }
}
