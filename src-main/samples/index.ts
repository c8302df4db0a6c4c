/**
 * Bundled sample datasets: iris, wine, breast_cancer and digits (public data from sklearn.datasets, stored as
 * CSV in `data/` with numeric labels; `data/manifest.json` names the classes), diabetes (regression: a numeric
 * target column, imported as the dataset's target), and apples, generated on the fly
 * by the seeded generator in shared/samples/apples.ts. See README.md in this folder.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImportError, NotFoundError } from '../../shared/errors.ts';
import {
  APPLE_FEATURES,
  APPLE_VARIETIES,
  APPLES_DEFAULT_ROWS,
  APPLES_DEFAULT_SEED,
  generateApples,
} from '../../shared/samples/apples.ts';
import type { DatasetTask } from '../../shared/domain/enums.ts';
import { importFile } from '../import/index.ts';
import type { ImportOptions, ParsedDataset } from '../import/types.ts';

/** What the sample list shows. */
export interface SampleInfo {
  name: string;
  title: string;
  description: string;
  rows: number;
  features: number;
  classes: string[];
  /** 'regression' for a sample whose supervision is a numeric target (diabetes). */
  task: DatasetTask;
}

interface ManifestEntry {
  source: string;
  classes: string[];
  file: string;
  n_samples: number;
  n_features: number;
  class_counts: number[];
}

/**
 * The regression samples: a CSV in `data/` whose `target` column is imported as the numeric target (manifest.json
 * lists the classification samples only, whose classes it names).
 */
const REGRESSION_SAMPLES: Record<string, { source: string; file: string; target: string; n_samples: number; n_features: number }> = {
  diabetes: { source: 'sklearn.datasets.load_diabetes()', file: 'diabetes.csv', target: 'target', n_samples: 442, n_features: 10 },
};

/** The folder of the bundled CSVs; override with METRIC_WORKBENCH_SAMPLES_DIR when the app is packaged elsewhere. */
export function samplesDataDir(): string {
  return process.env['METRIC_WORKBENCH_SAMPLES_DIR'] ?? fileURLToPath(new URL('./data/', import.meta.url));
}

const TEXT: Record<string, { title: string; description: string }> = {
  iris: {
    title: 'Iris',
    description: 'Fisher’s iris flowers: 4 measurements (cm) of sepals and petals, 3 species. The classic first dataset.',
  },
  wine: {
    title: 'Wine',
    description:
      '13 chemical measurements of wines from 3 cultivars; features on very different scales (proline in the hundreds, hue near 1).',
  },
  breast_cancer: {
    title: 'Breast cancer (Wisconsin diagnostic)',
    description: '30 features of cell nuclei from breast mass images, malignant or benign.',
  },
  digits: {
    title: 'Digits (8×8 images)',
    description: 'Handwritten digits 0–9 as 8×8 images of gray levels 0–16; 64 pixel features in row-major order.',
  },
  diabetes: {
    title: 'Diabetes (regression)',
    description:
      'Disease progression one year after baseline (a number, 25–346) for 442 diabetes patients, from age, sex, body mass ' +
      'index, blood pressure and six blood serum measurements: a regression dataset (kNN regression, MLKR).',
  },
  apples: {
    title: 'Apples (synthetic)',
    description:
      'Three apple varieties told apart by color alone, hidden among size, weight and nine other features on much larger ' +
      'scales: Euclidean kNN is poor, a learned metric that weights color is near-perfect. Seeded, always identical.',
  },
};

/** Bundled datasets in the order the UI and the CLI list them. */
export const SAMPLE_NAMES = ['iris', 'wine', 'breast_cancer', 'digits', 'diabetes', 'apples'] as const;
export type SampleName = (typeof SAMPLE_NAMES)[number];

let manifestCache: Record<string, ManifestEntry> | null = null;

function manifest(): Record<string, ManifestEntry> {
  manifestCache ??= JSON.parse(readFileSync(join(samplesDataDir(), 'manifest.json'), 'utf8')) as Record<string, ManifestEntry>;
  return manifestCache;
}

/** The bundled samples with their sizes and class names (reads only the small manifest). */
export function listSamples(): SampleInfo[] {
  const m = manifest();
  return SAMPLE_NAMES.map((name) => {
    const text = TEXT[name]!;
    if (name === 'apples') {
      return { name, ...text, rows: APPLES_DEFAULT_ROWS, features: APPLE_FEATURES.length, classes: [...APPLE_VARIETIES], task: 'classification' };
    }
    const regression = REGRESSION_SAMPLES[name];
    if (regression) return { name, ...text, rows: regression.n_samples, features: regression.n_features, classes: [], task: 'regression' };
    const entry = m[name]!;
    return { name, ...text, rows: entry.n_samples, features: entry.n_features, classes: [...entry.classes], task: 'classification' };
  });
}

/** Whether `name` is one of {@link SAMPLE_NAMES}. */
export function isSampleName(name: string): name is SampleName {
  return (SAMPLE_NAMES as readonly string[]).includes(name);
}

/**
 * Loads a bundled sample as an import would produce it. The CSV samples store numeric labels 0…k−1; the class
 * names come from the manifest (e.g. iris: setosa, versicolor, virginica). digits gets imageShape [8, 8] from its
 * `pixel_R_C` column names.
 * @throws NotFoundError for an unknown name (listing the known ones).
 */
export async function loadSample(name: string, options: Pick<ImportOptions, 'onProgress'> = {}): Promise<ParsedDataset> {
  if (!isSampleName(name)) {
    throw new NotFoundError(`unknown sample ${JSON.stringify(name)}; the samples are ${SAMPLE_NAMES.join(', ')}`);
  }
  if (name === 'apples') return loadApples();
  const regression = REGRESSION_SAMPLES[name];
  if (regression) {
    const parsed = await importFile(join(samplesDataDir(), regression.file), { format: 'csv', target: regression.target, ...options });
    const { nRows, nFeatures } = parsed.matrix;
    if (nRows !== regression.n_samples || nFeatures !== regression.n_features) {
      throw new ImportError(`${regression.file}: has ${nRows} rows × ${nFeatures} features, expected ${regression.n_samples} × ${regression.n_features}`);
    }
    return { ...parsed, options: { ...parsed.options, sample: name } };
  }
  const entry = manifest()[name]!;
  const parsed = await importFile(join(samplesDataDir(), entry.file), { format: 'csv', label: 'label', ...options });
  const { matrix } = parsed;
  // The importer names the classes from data/manifest.json itself; class i is label i either way.
  const indices = entry.classes.map((_, i) => String(i));
  const named = matrix.classNames.join('\n') === entry.classes.join('\n');
  if ((!named && matrix.classNames.join('\n') !== indices.join('\n')) || matrix.nRows !== entry.n_samples) {
    throw new ImportError(
      `${entry.file}: does not match data/manifest.json (classes ${matrix.classNames.join(', ')}, ${matrix.nRows} rows)`,
    );
  }
  return { ...parsed, matrix: { ...matrix, classNames: [...entry.classes] }, options: { ...parsed.options, sample: name } };
}

function loadApples(): ParsedDataset {
  const matrix = generateApples();
  const hash = createHash('sha256');
  hash.update(new Uint8Array(matrix.features.buffer, matrix.features.byteOffset, matrix.features.byteLength));
  if (matrix.labels) hash.update(new Uint8Array(matrix.labels.buffer, matrix.labels.byteOffset, matrix.labels.byteLength));
  return {
    matrix,
    format: 'generated',
    warnings: [],
    sourceFile: 'apples (generated)',
    sourceSha256: hash.digest('hex'),
    options: { sample: 'apples', generator: 'shared/samples/apples.ts', seed: APPLES_DEFAULT_SEED, rows: APPLES_DEFAULT_ROWS },
    droppedRows: 0,
  };
}
