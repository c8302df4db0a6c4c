import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { ImportError } from '../../shared/errors.ts';
import { parseCell, plural, quote, quoteList } from './cells.ts';

/** What every parser hands over once the whole file is read. */
export interface RawTable {
  fileName: string;
  nRows: number;
  /** (nRows, featureNames.length), row-major. */
  features: Float64Array;
  featureNames: string[];
  /** Raw label id per row into `labelValues`, or null for unlabeled data. */
  labelIds: Int32Array | null;
  labelValues: string[];
  /** Name of the label column, for messages. */
  labelColumn: string | null;
  /** Classes declared by the file (ARFF nominal class): read as strings and sorted by code point (see {@link orderClasses}). */
  declaredClasses?: string[];
  /** Set when the file itself says the features are an image (npy with 3 dimensions). */
  imageShape?: [number, number] | null;
}

/**
 * Orders strings by Unicode code point, as numpy sorts `str` arrays (JavaScript's `<` compares UTF-16 code units,
 * which puts U+10000 and above before U+E000…U+FFFF).
 */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

/**
 * Turns raw label strings into class indices, in the order scikit-learn gives the classes (`np.unique` of the labels
 * it would be handed), so that class index i is `classes_[i]` and kNN's tie rule (lowest class index) picks what
 * scikit-learn picks. Labels that are all numbers are sorted numerically (pandas reads such a column as numbers), and
 * labels with the same value (`1`, `1.0`, `+1`) are one class, named by its first spelling in the file; other labels
 * are sorted by code point. A class declared by the file (ARFF nominal) is read as strings, as scipy's and OpenML's
 * ARFF readers give it: its used values are sorted by code point, whatever the declared order. Returns the class
 * names and a map from raw label id to class index.
 */
export function orderClasses(
  labelValues: readonly string[],
  declared?: readonly string[],
): { classNames: string[]; classOf: Int32Array } {
  const classOf = new Int32Array(labelValues.length);
  if (declared) {
    const used = new Set(labelValues);
    const classNames = declared.filter((c) => used.has(c)).sort(compareCodePoints);
    const index = new Map(classNames.map((c, i) => [c, i]));
    labelValues.forEach((v, i) => (classOf[i] = index.get(v)!));
    return { classNames, classOf };
  }
  const numeric = labelValues.map((v) => parseCell(v));
  if (numeric.every((x) => Number.isFinite(x))) {
    const firstSpelling = new Map<number, string>();
    labelValues.forEach((v, i) => {
      if (!firstSpelling.has(numeric[i]!)) firstSpelling.set(numeric[i]!, v.trim());
    });
    const values = [...firstSpelling.keys()].sort((a, b) => a - b);
    const index = new Map(values.map((x, i) => [x, i]));
    numeric.forEach((x, i) => (classOf[i] = index.get(x)!));
    return { classNames: values.map((x) => firstSpelling.get(x)!), classOf };
  }
  const classNames = [...new Set(labelValues)].sort(compareCodePoints);
  const index = new Map(classNames.map((c, i) => [c, i]));
  labelValues.forEach((v, i) => (classOf[i] = index.get(v)!));
  return { classNames, classOf };
}

/**
 * The image layout implied by the feature names, or null: `pixel_R_C` names covering a full R×C grid in
 * row-major order, or `pixelK` / `pixel_K` names numbered 0…d−1 (or 1…d) in order with d a perfect square.
 */
export function detectImageShape(featureNames: readonly string[]): [number, number] | null {
  const d = featureNames.length;
  if (d < 4) return null;
  const grid = featureNames.map((n) => /^pixel_(\d+)_(\d+)$/i.exec(n));
  if (grid.every((m) => m !== null)) {
    const rows = Math.max(...grid.map((m) => Number(m![1]))) + 1;
    const cols = Math.max(...grid.map((m) => Number(m![2]))) + 1;
    if (rows * cols !== d) return null;
    const inOrder = grid.every((m, i) => Number(m![1]) === Math.floor(i / cols) && Number(m![2]) === i % cols);
    return inOrder ? [rows, cols] : null;
  }
  const flat = featureNames.map((n) => /^pixel_?(\d+)$/i.exec(n));
  const side = Math.round(Math.sqrt(d));
  if (side * side !== d || !flat.every((m) => m !== null)) return null;
  const first = Number(flat[0]![1]);
  if (first !== 0 && first !== 1) return null;
  return flat.every((m, i) => Number(m![1]) === first + i) ? [side, side] : null;
}

/**
 * The last step of every import: checks the size (at least 2 rows, at least 1 feature), orders the classes,
 * warns about constant features and a single class, and detects an image layout.
 * @throws ImportError for fewer than 2 rows or no feature column.
 */
export function finalizeTable(table: RawTable, warnings: string[]): DatasetMatrix {
  const { fileName, nRows, featureNames } = table;
  const d = featureNames.length;
  if (d === 0) {
    throw new ImportError(
      `${fileName}: there are no feature columns${table.labelColumn ? ` besides the label column ${quote(table.labelColumn)}` : ''}`,
    );
  }
  if (nRows < 2) {
    throw new ImportError(`${fileName}: need at least 2 data rows, found ${nRows}`);
  }

  let labels: Int32Array | null = null;
  let classNames: string[] = [];
  if (table.labelIds) {
    const ordered = orderClasses(table.labelValues, table.declaredClasses);
    classNames = ordered.classNames;
    labels = new Int32Array(nRows);
    for (let i = 0; i < nRows; i++) labels[i] = ordered.classOf[table.labelIds[i]!]!;
    if (classNames.length === 1) {
      warnings.push(
        `${fileName}: the label column ${quote(table.labelColumn ?? 'label')} has a single class (${quote(classNames[0]!)}); ` +
          'classification scores need at least 2 classes, but pair constraints can still be used',
      );
    }
  }

  const constant: string[] = [];
  for (let f = 0; f < d; f++) {
    const first = table.features[f]!;
    let same = true;
    for (let i = 1; i < nRows && same; i++) same = table.features[i * d + f] === first;
    if (same) constant.push(featureNames[f]!);
  }
  if (constant.length > 0) {
    warnings.push(
      `${fileName}: ${plural(constant.length, 'feature is', 'features are')} constant (the same value in every row): ` +
        quoteList(constant),
    );
  }

  return {
    nRows,
    nFeatures: d,
    features: table.features,
    featureNames,
    labels,
    classNames,
    imageShape: table.imageShape ?? detectImageShape(featureNames),
  };
}
