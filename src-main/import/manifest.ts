import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';

/** The part of a dataset manifest entry that names classes (the layout of src-main/samples/data/manifest.json). */
interface ManifestEntry {
  file?: unknown;
  classes?: unknown;
  n_samples?: unknown;
}

/**
 * Class names from a `manifest.json` beside the data file, the convention of exported sklearn datasets:
 * `{ "<name>": { "file": "iris.csv", "classes": ["setosa", …], "n_samples": 150 } }`. They replace the class
 * names only when the labels are exactly the indices 0…k−1 of those k names (and the row count matches when
 * given); otherwise, or without a readable manifest, the names are left alone. Returns the manifest's class
 * names when used, else null.
 */
export async function classNamesFromManifest(dataPath: string, fileName: string, matrix: DatasetMatrix): Promise<string[] | null> {
  if (!matrix.labels || matrix.classNames.length === 0) return null;
  let manifest: unknown;
  try {
    manifest = JSON.parse(await readFile(join(dirname(dataPath), 'manifest.json'), 'utf8'));
  } catch {
    return null;
  }
  if (typeof manifest !== 'object' || manifest === null) return null;
  for (const entry of Object.values(manifest as Record<string, ManifestEntry>)) {
    if (typeof entry !== 'object' || entry === null || entry.file !== fileName) continue;
    const { classes, n_samples: nSamples } = entry;
    if (!Array.isArray(classes) || !classes.every((c) => typeof c === 'string')) return null;
    if (classes.length !== matrix.classNames.length) return null;
    if (typeof nSamples === 'number' && nSamples !== matrix.nRows) return null;
    if (!matrix.classNames.every((c, i) => c === String(i))) return null;
    return classes as string[];
  }
  return null;
}
