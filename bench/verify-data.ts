/**
 * What checking a dataset's stored data costs: a 60,000 × 784 dataset (pixel values 0…255, stored as bytes, and
 * the same scaled to float64, stored as float64) is stored, then read back with `loadMatrix` (which checks every
 * block's CRC-32), and the checksum alone is timed over the same stored bytes: CRC-32 (node:zlib, what the store
 * uses) against sha256 (node:crypto). Prints milliseconds per read, the median of `--repeat` reads (default 5).
 *
 *   npx tsx bench/verify-data.ts [--rows 60000] [--repeat 5]
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';
import { openStore } from '../src-main/storage/store.ts';
import { doubleValue, pixel } from './reliability/synthetic-files.ts';

function option(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at < 0 ? fallback : Number(process.argv[at + 1]);
}

const rows = option('rows', 60_000);
const repeat = option('repeat', 5);
const d = 784;

function matrix(kind: 'bytes' | 'float64'): DatasetMatrix {
  const features = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++) for (let c = 0; c < d; c++) features[r * d + c] = kind === 'bytes' ? pixel(r, c) : doubleValue(r, c);
  return {
    nRows: rows,
    nFeatures: d,
    features,
    featureNames: Array.from({ length: d }, (_, c) => `pixel_${Math.floor(c / 28)}_${c % 28}`),
    labels: Int32Array.from({ length: rows }, (_, r) => r % 10),
    classNames: Array.from({ length: 10 }, (_, c) => String(c)),
    imageShape: [28, 28],
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

function timeIt(work: () => void): number {
  const times: number[] = [];
  for (let k = 0; k < repeat; k++) {
    const started = performance.now();
    work();
    times.push(performance.now() - started);
  }
  return median(times);
}

const dir = mkdtempSync(join(tmpdir(), 'verify-data-'));
try {
  const store = openStore(join(dir, 'bench.sqlite'));
  console.log(`${rows.toLocaleString('en-US')} × ${d}, median of ${repeat} reads (ms)`);
  console.log('| stored as | stored MiB | loadMatrix (CRC-32 checked) | CRC-32 alone | sha256 alone | check / read |');
  console.log('|---|---|---|---|---|---|');
  for (const kind of ['bytes', 'float64'] as const) {
    const id = store.datasets.insert({ name: kind, matrix: matrix(kind) }).id;
    const blocks = store.db.prepare('SELECT data FROM dataset_blocks WHERE dataset_id = ? ORDER BY block_index').all(id) as { data: Buffer }[];
    const labels = (store.db.prepare('SELECT labels FROM datasets WHERE id = ?').get(id) as { labels: Buffer }).labels;
    const stored = blocks.reduce((sum, b) => sum + b.data.length, 0);
    const read = timeIt(() => void store.datasets.loadMatrix(id));
    const crc = timeIt(() => {
      for (const b of blocks) crc32(b.data);
      crc32(labels);
    });
    const sha = timeIt(() => {
      for (const b of blocks) createHash('sha256').update(b.data).digest();
      createHash('sha256').update(labels).digest();
    });
    console.log(`| ${kind} | ${(stored / 1024 ** 2).toFixed(0)} | ${read.toFixed(0)} | ${crc.toFixed(1)} | ${sha.toFixed(1)} | ${((100 * crc) / read).toFixed(1)} % |`);
  }
  store.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
