import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { LearnedMetric } from '../../shared/domain/learned-metric.ts';

/** A 2×3 metric over 4 raw features, the third dropped as constant; values chosen to be non-trivial floats. */
export function sampleMetric(): LearnedMetric {
  return {
    method: 'nca',
    params: { components: 2, init: 'pca', maxIter: 50 },
    seed: 7,
    L: Float64Array.from([1.5, -0.25, 0.1, 1 / 3, 2.75, -1e-7]),
    nComponents: 2,
    nFeatures: 3,
    preprocessing: {
      kind: 'zscore',
      inputFeatures: 4,
      kept: [0, 1, 3],
      dropped: [2],
      center: Float64Array.from([5.843333333333334, 3.0573333333333332, 1.1993333333333334]),
      scale: Float64Array.from([0.8253012917851409, 0.4344109677354946, 0.7596926279021594]),
    },
    summary: { iterations: 12, converged: true, stopReason: 'tolerance', objective: 1, objectiveTrace: [3, 2, 1], fitSeconds: 0.25 },
  };
}

export const FEATURE_NAMES = ['sepal length', 'sepal "width"', 'constant', 'petal,width'];

export function sampleData(): DatasetMatrix {
  return {
    nRows: 3,
    nFeatures: 4,
    features: Float64Array.from([5.1, 3.5, 1, 0.2, 7, 3.2, 1, 1.4, 6.3, 3.3, 1, 2.5]),
    featureNames: FEATURE_NAMES,
    labels: Int32Array.from([0, 1, 2]),
    classNames: ['setosa', 'versicolor', 'virginica'],
  };
}

/** M = LᵀL computed naively, entry by entry (the definition), for comparison with the writers. */
export function naiveM(m: LearnedMetric): number[][] {
  const { nComponents: k, nFeatures: d, L } = m;
  return Array.from({ length: d }, (_, a) =>
    Array.from({ length: d }, (_, b) => {
      let s = 0;
      for (let c = 0; c < k; c++) s += L[c * d + a]! * L[c * d + b]!;
      return s;
    }),
  );
}

/** Minimal .npy reader used to check the writer against the format spec. */
export function readNpy(bytes: Uint8Array): { major: number; minor: number; headerLength: number; header: string; data: Float64Array } {
  const magic = Array.from(bytes.subarray(0, 6));
  if (JSON.stringify(magic) !== JSON.stringify([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59])) throw new Error('bad magic');
  const headerLength = bytes[8]! | (bytes[9]! << 8);
  const header = new TextDecoder('latin1').decode(bytes.subarray(10, 10 + headerLength));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const start = 10 + headerLength;
  const n = (bytes.length - start) / 8;
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = view.getFloat64(start + 8 * i, true);
  return { major: bytes[6]!, minor: bytes[7]!, headerLength, header, data };
}

export interface MatElement {
  type: number;
  bytes: number;
  /** Offset of the element's tag in the file. */
  offset: number;
  flags: number[];
  dims: number[];
  name: string;
  realType: number;
  real: Float64Array;
}

/** Minimal Level 5 MAT reader (little-endian, uncompressed miMATRIX of doubles only). */
export function readMat(bytes: Uint8Array): { text: string; version: number; endian: string; elements: MatElement[] } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = new TextDecoder('latin1').decode(bytes.subarray(0, 116));
  const version = view.getUint16(124, true);
  const endian = String.fromCharCode(bytes[126]!, bytes[127]!);
  const elements: MatElement[] = [];
  let at = 128;
  while (at < bytes.length) {
    const offset = at;
    const type = view.getUint32(at, true);
    const size = view.getUint32(at + 4, true);
    let p = at + 8;
    const sub = (): { type: number; size: number; start: number } => {
      const t = view.getUint32(p, true);
      const s = view.getUint32(p + 4, true);
      const start = p + 8;
      p = start + ((s + 7) & ~7);
      return { type: t, size: s, start };
    };
    const flagsEl = sub();
    const flags = [view.getUint32(flagsEl.start, true), view.getUint32(flagsEl.start + 4, true)];
    const dimsEl = sub();
    const dims = Array.from({ length: dimsEl.size / 4 }, (_, i) => view.getInt32(dimsEl.start + 4 * i, true));
    const nameEl = sub();
    const name = new TextDecoder('latin1').decode(bytes.subarray(nameEl.start, nameEl.start + nameEl.size));
    const realEl = sub();
    const real = new Float64Array(realEl.size / 8);
    for (let i = 0; i < real.length; i++) real[i] = view.getFloat64(realEl.start + 8 * i, true);
    if (p !== at + 8 + size) throw new Error(`element at ${offset}: sub-elements end at ${p}, tag says ${at + 8 + size}`);
    elements.push({ type, bytes: size, offset, flags, dims, name, realType: realEl.type, real });
    at = p;
  }
  return { text, version, endian, elements };
}
