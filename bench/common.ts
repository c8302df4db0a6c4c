/** What the benchmarks share: the bundled sample datasets, `--name value` options and number formatting. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';

/** The bundled samples, in src-main/samples/data/NAME.csv. */
export const SAMPLE_DATASETS = ['iris', 'wine', 'breast_cancer', 'digits'] as const;
const SAMPLES_DIR = fileURLToPath(new URL('../src-main/samples/data/', import.meta.url));

/** Reads a numeric CSV whose last column is the integer class label (class names are the indices as text). */
export function readLabeledCsv(path: string): DatasetMatrix {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = lines[0]!.split(',');
  const d = header.length - 1;
  const n = lines.length - 1;
  const features = new Float64Array(n * d);
  const labels = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const cells = lines[i + 1]!.split(',');
    if (cells.length !== d + 1) throw new Error(`${path}: row ${i + 2} has ${cells.length} cells, expected ${d + 1}.`);
    for (let f = 0; f < d; f++) features[i * d + f] = Number(cells[f]);
    labels[i] = Number(cells[d]);
  }
  let nClasses = 0;
  for (const c of labels) nClasses = Math.max(nClasses, c + 1);
  return {
    nRows: n,
    nFeatures: d,
    features,
    featureNames: header.slice(0, d),
    labels,
    classNames: Array.from({ length: nClasses }, (_, c) => String(c)),
  };
}

/** Reads the bundled sample `name` (src-main/samples/data/NAME.csv). */
export function readSample(name: string): DatasetMatrix {
  return readLabeledCsv(join(SAMPLES_DIR, `${name}.csv`));
}

/** The value after `--name` on the command line, if any. */
export function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** A fraction as a percentage with one decimal. */
export const pct = (x: number): string => (100 * x).toFixed(1);
/** Seconds with about three significant digits ('—' for null). */
export const secs = (s: number | null): string => (s === null ? '—' : s < 0.01 ? s.toPrecision(2) : s < 10 ? s.toPrecision(3) : s.toFixed(1));
