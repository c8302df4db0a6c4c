import { checkShape, writeFloat64LE } from './npy.ts';
import type { NamedArray } from './npz.ts';

/**
 * MATLAB Level 5 MAT-file writer (the format of `save -v6/-v7`, read by `scipy.io.loadmat`; not the
 * HDF5-based v7.3). Layout, from MathWorks' "MAT-File Format" (matfile_format.pdf):
 *
 *   128-byte header  116 bytes descriptive text (padded with spaces), 8 bytes subsystem data offset
 *                    (zeros), version 0x0100 (uint16), endian indicator "IM" (the characters 'M','I'
 *                    written as one uint16 by a little-endian writer)
 *   data elements    each an 8-byte tag (uint32 type, uint32 byte count) + data padded to 8 bytes
 *
 * Every array is one miMATRIX element holding four sub-elements: array flags (miUINT32 ×2, class
 * mxDOUBLE_CLASS), dimensions (miINT32), array name (miINT8) and the real part (miDOUBLE, column-major).
 * Everything is written little-endian.
 */

export const MI_INT8 = 1;
export const MI_INT32 = 5;
export const MI_UINT32 = 6;
export const MI_DOUBLE = 9;
export const MI_MATRIX = 14;
export const MX_DOUBLE_CLASS = 6;
export const MAT_HEADER_BYTES = 128;

const pad8 = (n: number): number => (n + 7) & ~7;

export interface MatOptions {
  /** Written into the header text; default 2000-01-01T00:00:00Z so equal inputs give equal bytes. */
  created?: Date;
}

/** One array as a 2-D double matrix; a 1-D shape (n) is written as a 1×n row vector, as MATLAB has no 1-D arrays. */
function matrixElement(name: string, array: NamedArray): Uint8Array {
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name)) {
    throw new TypeError(`writeMat: array name '${name}' must be a MATLAB identifier (a letter, then letters, digits or _).`);
  }
  checkShape(`writeMat '${name}'`, array.data.length, array.shape);
  const dims = array.shape.length === 0 ? [1, 1] : array.shape.length === 1 ? [1, array.shape[0]!] : [...array.shape];
  const numel = array.data.length;

  const flagsBytes = 8 + 8;
  const dimsBytes = 8 + pad8(4 * dims.length);
  const nameBytes = 8 + pad8(name.length);
  const realBytes = 8 + pad8(8 * numel);
  const payload = flagsBytes + dimsBytes + nameBytes + realBytes;

  const out = new Uint8Array(8 + payload);
  const view = new DataView(out.buffer);
  let at = 0;
  const tag = (type: number, bytes: number): void => {
    view.setUint32(at, type, true);
    view.setUint32(at + 4, bytes, true);
    at += 8;
  };
  tag(MI_MATRIX, payload);
  // Array flags: byte 0 = class, byte 1 = flags (complex/global/logical all off); second word = nzmax (unused).
  tag(MI_UINT32, 8);
  view.setUint32(at, MX_DOUBLE_CLASS, true);
  view.setUint32(at + 4, 0, true);
  at += 8;
  tag(MI_INT32, 4 * dims.length);
  dims.forEach((d, i) => view.setInt32(at + 4 * i, d, true));
  at += pad8(4 * dims.length);
  tag(MI_INT8, name.length);
  for (let i = 0; i < name.length; i++) out[at + i] = name.charCodeAt(i);
  at += pad8(name.length);
  tag(MI_DOUBLE, 8 * numel);
  writeFloat64LE(out, at, toColumnMajor(array.data, dims));
  return out;
}

/** Row-major (C order) → column-major (Fortran order) for any number of dimensions. */
export function toColumnMajor(data: ArrayLike<number>, dims: readonly number[]): Float64Array {
  const out = new Float64Array(data.length);
  const nd = dims.length;
  const index = new Array<number>(nd).fill(0);
  // Walk the C-order source, keeping the multi-index, and place each value at its Fortran offset.
  for (let src = 0; src < data.length; src++) {
    let dst = 0;
    let stride = 1;
    for (let a = 0; a < nd; a++) {
      dst += index[a]! * stride;
      stride *= dims[a]!;
    }
    out[dst] = data[src]!;
    for (let a = nd - 1; a >= 0; a--) {
      index[a]!++;
      if (index[a]! < dims[a]!) break;
      index[a] = 0;
    }
  }
  return out;
}

/**
 * Encodes named float64 arrays (row-major data + shape) as a Level 5 MAT-file. `scipy.io.loadmat(path)[name]`
 * and MATLAB's `load` return them with the same shape (1-D arrays become 1×n).
 */
export function writeMat(arrays: Record<string, NamedArray>, options: MatOptions = {}): Uint8Array {
  const created = options.created ?? new Date(Date.UTC(2000, 0, 1));
  const text = `MATLAB 5.0 MAT-file, Platform: metric-workbench, Created on: ${created.toUTCString()}`.slice(0, 116);
  const header = new Uint8Array(MAT_HEADER_BYTES);
  header.fill(0x20, 0, 116);
  for (let i = 0; i < text.length; i++) header[i] = text.charCodeAt(i) & 0x7f;
  // bytes 116–123: subsystem data offset, all zero (none).
  header[124] = 0x00; // version 0x0100, little-endian
  header[125] = 0x01;
  header[126] = 'I'.charCodeAt(0); // 'MI' written as a little-endian uint16
  header[127] = 'M'.charCodeAt(0);

  const elements = Object.entries(arrays).map(([name, array]) => matrixElement(name, array));
  const total = elements.reduce((sum, e) => sum + e.length, MAT_HEADER_BYTES);
  const out = new Uint8Array(total);
  out.set(header, 0);
  let at = MAT_HEADER_BYTES;
  for (const e of elements) {
    out.set(e, at);
    at += e.length;
  }
  return out;
}
