/** Fashion-MNIST's IDX files (/usr/share/datasets/fashion-mnist, Debian's dataset-fashion-mnist) as datasets, for the benches. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { DatasetMatrix } from '../shared/domain/dataset.ts';

export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

/** Minimal IDX reader for the bench (ubyte images/labels, gzip): magic 0x0000 08 NDIM, big-endian sizes. */
export function readIdx(path: string): { dims: number[]; data: Uint8Array } {
  const raw = gunzipSync(readFileSync(path));
  if (raw[0] !== 0 || raw[1] !== 0 || raw[2] !== 0x08) throw new Error(`${path}: not an unsigned-byte IDX file.`);
  const ndim = raw[3]!;
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const dims = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const offset = 4 + 4 * ndim;
  const count = dims.reduce((a, b) => a * b, 1);
  if (raw.length < offset + count) throw new Error(`${path}: truncated (${raw.length - offset} of ${count} bytes).`);
  return { dims, data: raw.subarray(offset, offset + count) };
}

/** The first `rows` rows (all when omitted) of the `train` or `t10k` split in `dir` as a dataset. */
export function loadSplit(dir: string, split: 'train' | 't10k', rows?: number): DatasetMatrix {
  const images = readIdx(join(dir, `${split}-images-idx3-ubyte.gz`));
  const labels = readIdx(join(dir, `${split}-labels-idx1-ubyte.gz`));
  const d = images.dims[1]! * images.dims[2]!;
  const n = Math.min(rows ?? images.dims[0]!, images.dims[0]!);
  const features = new Float64Array(n * d);
  for (let t = 0; t < n * d; t++) features[t] = images.data[t]!;
  return {
    nRows: n,
    nFeatures: d,
    features,
    featureNames: Array.from({ length: d }, (_, f) => `px${f}`),
    labels: Int32Array.from(labels.data.subarray(0, n)),
    classNames: Array.from({ length: 10 }, (_, c) => String(c)),
  };
}

/** The same reader in Python for the reference scripts: `idx(path)` → a uint8 numpy array of the file's shape. */
export const PYTHON_IDX_READER = String.raw`def idx(path):
    raw = gzip.open(path).read()
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], 'big') for i in range(ndim)]
    return np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)`;
