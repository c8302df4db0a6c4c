import { ImportError } from '../../shared/errors.ts';
import { isMissingLabel, parseCell, plural, quote, quoteList } from './cells.ts';
import { resolveLabelColumn } from './columns.ts';
import type { RawTable } from './finalize.ts';
import { orderClasses } from './finalize.ts';
import { MatrixBuilder } from './matrix-builder.ts';
import { ProblemLog } from './problems.ts';
import type { SourceReader } from './source.ts';
import type { ImportOptions } from './types.ts';

/** One `@attribute` declaration. */
export interface ArffAttribute {
  name: string;
  type: 'numeric' | 'nominal' | 'string' | 'date';
  /** Declared values of a nominal attribute, in order. */
  values: string[];
  /** The 1-based line of the declaration. */
  line: number;
}

/** The header of an ARFF file and how its attributes map to features. */
export interface ArffLayout {
  relation: string;
  attributes: ArffAttribute[];
  /** Index into `attributes` of the label, or null. */
  labelAttribute: number | null;
  featureNames: string[];
  warnings: string[];
}

/**
 * Splits an ARFF list (`a, 'b c', "d,e"`) on commas outside quotes; quotes are removed and `\'` escapes kept
 * as the quoted character. Each item is trimmed.
 */
export function splitArffList(text: string, separator = ','): string[] {
  const items: string[] = [];
  let current = '';
  let quoteChar: string | null = null;
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoteChar) {
      if (c === '\\' && i + 1 < text.length) current += text[++i];
      else if (c === quoteChar) quoteChar = null;
      else current += c;
    } else if ((c === "'" || c === '"') && current.trim() === '' && !quoted) {
      current = '';
      quoteChar = c;
      quoted = true;
    } else if (c === separator) {
      items.push(quoted ? current : current.trim());
      current = '';
      quoted = false;
    } else if (!(quoted && /\s/.test(c))) {
      current += c;
    }
  }
  items.push(quoted ? current : current.trim());
  return items;
}

/** Reads `name rest` where name may be quoted; returns the unquoted name and the remaining text. */
function readName(text: string): [string, string] {
  const t = text.trimStart();
  const q = t[0];
  if (q === "'" || q === '"') {
    let name = '';
    for (let i = 1; i < t.length; i++) {
      const c = t[i]!;
      if (c === '\\' && i + 1 < t.length) name += t[++i];
      else if (c === q) return [name, t.slice(i + 1)];
      else name += c;
    }
    return [name, ''];
  }
  const m = /^(\S+)(.*)$/s.exec(t);
  return m ? [m[1]!, m[2]!] : ['', ''];
}

/** Parses the lines before `@data`. Call {@link consume} per line until it returns true (the `@data` line). */
export class ArffHeaderReader {
  relation = '';
  readonly attributes: ArffAttribute[] = [];
  sawRelation = false;

  constructor(readonly fileName: string) {}

  consume(rawLine: string, lineNo: number): boolean {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('%')) return false;
    const keyword = /^@(\w+)/.exec(line)?.[1]?.toLowerCase();
    if (keyword === 'relation') {
      this.sawRelation = true;
      this.relation = readName(line.slice('@relation'.length))[0];
      return false;
    }
    if (keyword === 'data') {
      if (this.attributes.length === 0) {
        throw new ImportError(`${this.fileName}: line ${lineNo}: @data comes before any @attribute declaration`);
      }
      return true;
    }
    if (keyword === 'attribute') {
      const [name, rest] = readName(line.slice('@attribute'.length));
      const typeText = rest.trim();
      if (name === '' || typeText === '') {
        throw new ImportError(`${this.fileName}: line ${lineNo}: an @attribute needs a name and a type, got ${quote(line)}`);
      }
      if (this.attributes.some((a) => a.name === name)) {
        throw new ImportError(`${this.fileName}: line ${lineNo}: duplicate attribute name ${quote(name)}`);
      }
      this.attributes.push({ name, ...parseType(this.fileName, typeText, lineNo), line: lineNo });
      return false;
    }
    throw new ImportError(
      `${this.fileName}: line ${lineNo}: expected @relation, @attribute or @data in the ARFF header, got ${quote(line)}`,
    );
  }
}

function parseType(fileName: string, text: string, lineNo: number): Pick<ArffAttribute, 'type' | 'values'> {
  if (text.startsWith('{')) {
    const end = text.lastIndexOf('}');
    if (end < 0) throw new ImportError(`${fileName}: line ${lineNo}: a nominal type ${quote(text)} has no closing }`);
    const values = splitArffList(text.slice(1, end)).filter((v) => v !== '');
    if (values.length === 0) throw new ImportError(`${fileName}: line ${lineNo}: a nominal type declares no values`);
    return { type: 'nominal', values };
  }
  const word = text.split(/\s+/)[0]!.toLowerCase();
  if (word === 'numeric' || word === 'real' || word === 'integer') return { type: 'numeric', values: [] };
  if (word === 'string') return { type: 'string', values: [] };
  if (word === 'date') return { type: 'date', values: [] };
  throw new ImportError(
    `${fileName}: line ${lineNo}: attribute type ${quote(word)} is not supported (numeric, real, integer, nominal {…}, string, date)`,
  );
}

/**
 * Decides the label attribute and the feature columns: numeric attributes are one feature each; a nominal
 * feature becomes one 0/1 column per declared value, named `name=value`; string and date attributes are skipped
 * (with a warning). The label is the `label` option, else an attribute named label/class/target/y, else the last
 * attribute when it is nominal or string.
 */
export function arffLayout(fileName: string, header: ArffHeaderReader, label: ImportOptions['label']): ArffLayout {
  const { attributes } = header;
  const names = attributes.map((a) => a.name);
  const last = attributes[attributes.length - 1];
  const labelAttribute = resolveLabelColumn(fileName, names, label, () => last !== undefined && last.type !== 'numeric');
  const featureNames: string[] = [];
  const skipped: string[] = [];
  attributes.forEach((a, i) => {
    if (i === labelAttribute) return;
    if (a.type === 'numeric') featureNames.push(a.name);
    else if (a.type === 'nominal') for (const v of a.values) featureNames.push(`${a.name}=${v}`);
    else skipped.push(a.name);
  });
  const warnings: string[] = [];
  if (skipped.length > 0) {
    warnings.push(`${fileName}: skipped string/date ${skipped.length === 1 ? 'attribute' : 'attributes'} ${quoteList(skipped)}`);
  }
  return { relation: header.relation, attributes, labelAttribute, featureNames, warnings };
}

/** The text value of every attribute of one data line (a sparse `{i v, …}` line filled with defaults). */
export function arffRowValues(
  fileName: string,
  line: string,
  lineNo: number,
  attributes: readonly ArffAttribute[],
): string[] | string {
  let text = line.trim();
  if (text.startsWith('{')) {
    const end = text.indexOf('}');
    if (end < 0) return `row ${lineNo}: a sparse row has no closing }`;
    const values = attributes.map((a) => (a.type === 'nominal' ? a.values[0]! : '0'));
    const body = text.slice(1, end).trim();
    if (body === '') return values;
    for (const pair of splitArffList(body)) {
      const m = /^(\d+)\s+(.*)$/s.exec(pair.trim());
      const index = m ? Number(m[1]) : NaN;
      if (!m || index >= attributes.length) {
        return `row ${lineNo}: sparse entry ${quote(pair)} is not "index value" with an index below ${attributes.length}`;
      }
      values[index] = splitArffList(m[2]!)[0] ?? '';
    }
    return values;
  }
  // A dense row may end with an instance weight in braces: drop it.
  if (text.endsWith('}')) {
    const open = text.lastIndexOf(',{');
    if (open >= 0) text = text.slice(0, open);
  }
  const values = splitArffList(text);
  if (values.length !== attributes.length) {
    return `row ${lineNo} has ${plural(values.length, 'value')}`;
  }
  return values;
}

/**
 * Reads an ARFF file (dense or sparse data) into a RawTable; see {@link arffLayout} for the columns.
 * Rows are numbered by file line (1-based).
 * @throws ImportError for header errors, rows with the wrong number of values, bad cells (unless dropMissing).
 */
export async function parseArff(
  reader: SourceReader,
  options: Pick<ImportOptions, 'label' | 'dropMissing'>,
): Promise<{ table: RawTable; layout: ArffLayout; droppedRows: number; warnings: string[] }> {
  const fileName = reader.source.fileName;
  const header = new ArffHeaderReader(fileName);
  const problems = new ProblemLog(fileName);
  const broken: string[] = [];
  let brokenRows = 0;
  let layout: ArffLayout | null = null;
  let builder: MatrixBuilder | null = null;
  let nonEmpty = 0;
  let dataRows = 0;

  for await (const [line, lineNo] of reader.lines()) {
    if (line.trim() !== '') nonEmpty++;
    if (!layout) {
      if (header.consume(line, lineNo)) {
        layout = arffLayout(fileName, header, options.label);
        builder = new MatrixBuilder(layout.featureNames.length, layout.labelAttribute !== null);
      }
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('%')) continue;
    dataRows++;
    const values = arffRowValues(fileName, line, lineNo, layout.attributes);
    if (typeof values === 'string') {
      brokenRows++;
      if (broken.length < 5) broken.push(values);
      continue;
    }
    const slot = builder!.nextRow();
    slot.fill(0);
    let bad = false;
    let label: string | undefined;
    let at = 0;
    layout.attributes.forEach((a, i) => {
      const value = values[i]!;
      if (i === layout!.labelAttribute) {
        label = value.trim();
        if (isMissingLabel(label)) {
          bad = true;
          problems.add('label', lineNo, a.name, value);
        } else if (a.type === 'nominal' && !a.values.includes(label)) {
          bad = true;
          problems.add('nominal', lineNo, a.name, value);
        }
        return;
      }
      if (a.type === 'numeric') {
        const x = parseCell(value);
        if (Number.isFinite(x)) slot[at] = x;
        else {
          bad = true;
          problems.add(Number.isNaN(x) ? 'missing' : 'nonfinite', lineNo, a.name, value);
        }
        at++;
      } else if (a.type === 'nominal') {
        const k = a.values.indexOf(value);
        if (value === '?') {
          bad = true;
          problems.add('missing', lineNo, a.name, value);
        } else if (k < 0) {
          bad = true;
          problems.add('nominal', lineNo, a.name, value);
        } else {
          slot[at + k] = 1;
        }
        at += a.values.length;
      }
    });
    if (bad) {
      if (options.dropMissing) problems.dropped(lineNo);
      continue;
    }
    builder!.commit(label);
  }

  if (nonEmpty === 0) throw new ImportError(`${fileName}: the file is empty`);
  if (!layout || !builder) {
    throw new ImportError(
      header.attributes.length === 0 && !header.sawRelation
        ? `${fileName}: not an ARFF file: no @relation, @attribute or @data line`
        : `${fileName}: the ARFF header has no @data line`,
    );
  }
  if (brokenRows > 0) {
    throw new ImportError(
      `${fileName}: ${plural(brokenRows, 'row')} ${brokenRows === 1 ? 'is' : 'are'} malformed (expected ` +
        `${layout.attributes.length} values, one per @attribute; rows are 1-based line numbers in the file): ` +
        `${broken.join('; ')}${brokenRows > broken.length ? '; …' : ''}`,
    );
  }
  if (!options.dropMissing) problems.throwIfAny();
  if (dataRows === 0) throw new ImportError(`${fileName}: the @data section has no rows`);
  const built = builder.build();
  const labelAttr = layout.labelAttribute === null ? null : layout.attributes[layout.labelAttribute]!;
  const warnings = problems.warnings(layout.warnings);
  return {
    table: {
      fileName,
      nRows: built.nRows,
      features: built.features,
      featureNames: layout.featureNames,
      labelIds: built.labelIds,
      labelValues: built.labelValues,
      labelColumn: labelAttr?.name ?? null,
      declaredClasses: labelAttr?.type === 'nominal' ? labelAttr.values : undefined,
    },
    layout,
    droppedRows: problems.droppedRows,
    warnings,
  };
}

/** Header and first data rows of an ARFF text, for previews. */
export function previewArff(
  fileName: string,
  text: string,
  options: Pick<ImportOptions, 'label'>,
  maxRows: number,
): { layout: ArffLayout; rows: string[][]; classes: string[]; complete: boolean } {
  const header = new ArffHeaderReader(fileName);
  let layout: ArffLayout | null = null;
  const rows: string[][] = [];
  let lineNo = 0;
  let complete = true;
  for (const line of text.split(/\r\n|\n|\r/)) {
    lineNo++;
    if (!layout) {
      if (header.consume(line, lineNo)) layout = arffLayout(fileName, header, options.label);
      continue;
    }
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('%')) continue;
    if (rows.length >= maxRows) {
      complete = false;
      break;
    }
    const values = arffRowValues(fileName, line, lineNo, layout.attributes);
    if (typeof values !== 'string') rows.push(values);
  }
  if (!layout) {
    if (text.trim() === '') throw new ImportError(`${fileName}: the file is empty`);
    throw new ImportError(`${fileName}: the ARFF header has no @data line (within the first part of the file)`);
  }
  const labelIndex = layout.labelAttribute;
  const classes =
    labelIndex === null
      ? []
      : orderClasses(
          [...new Set(rows.map((r) => (r[labelIndex] ?? '').trim()).filter((v) => !isMissingLabel(v)))],
          layout.attributes[labelIndex]!.type === 'nominal' ? layout.attributes[labelIndex]!.values : undefined,
        ).classNames;
  return { layout, rows, classes, complete };
}
