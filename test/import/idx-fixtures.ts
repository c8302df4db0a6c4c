/**
 * Small IDX files built byte by byte for the tests (the layout of yann.lecun.com/exdb/mnist: 00 00, type byte,
 * number of dimensions, big-endian uint32 sizes, big-endian elements). Never the real MNIST data.
 */
import { gzipSync } from 'fflate';

export const IDX_TYPE = { ubyte: 0x08, byte: 0x09, short: 0x0b, int: 0x0c, float: 0x0d, double: 0x0e } as const;
const SIZE: Record<number, number> = { 0x08: 1, 0x09: 1, 0x0b: 2, 0x0c: 4, 0x0d: 4, 0x0e: 8 };

/** An IDX file of type `type` with dimensions `dims` holding `values` (row-major). */
export function idxBytes(type: number, dims: number[], values: ArrayLike<number>): Uint8Array {
  const size = SIZE[type]!;
  const out = new Uint8Array(4 + 4 * dims.length + values.length * size);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = dims.length;
  dims.forEach((d, k) => view.setUint32(4 + 4 * k, d, false));
  let at = 4 + 4 * dims.length;
  for (let k = 0; k < values.length; k++, at += size) {
    const v = values[k]!;
    if (type === 0x08) view.setUint8(at, v);
    else if (type === 0x09) view.setInt8(at, v);
    else if (type === 0x0b) view.setInt16(at, v, false);
    else if (type === 0x0c) view.setInt32(at, v, false);
    else if (type === 0x0d) view.setFloat32(at, v, false);
    else view.setFloat64(at, v, false);
  }
  return out;
}

export const gzip = (bytes: Uint8Array): Uint8Array => gzipSync(bytes, { mtime: 0 });

/** 5 images of 3×2 ubyte pixels: image i has pixel k = 10·i + k. */
export const IMAGES = Array.from({ length: 30 }, (_, k) => 10 * Math.floor(k / 6) + (k % 6));
export const LABELS = [3, 1, 3, 0, 1];
