/**
 * NumPy `.npy` writer, format version 1.0 (numpy/lib/format.py, NEP 1):
 *
 *   bytes 0–5   magic "\x93NUMPY"
 *   bytes 6–7   format version 1, 0
 *   bytes 8–9   HEADER_LEN, uint16 little-endian
 *   bytes 10…   ASCII dict "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 4), }", padded with
 *               spaces and terminated by "\n" so that 10 + HEADER_LEN is a multiple of 64
 *   then        the array data: little-endian float64 in C (row-major) order
 */

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93 N U M P Y
/** numpy aligns the data start of version 1.0 files to this many bytes. */
export const NPY_ALIGNMENT = 64;

/** Python tuple literal of a shape: `()`, `(4,)`, `(3, 4)`. */
function shapeTuple(shape: readonly number[]): string {
  if (shape.length === 0) return '()';
  if (shape.length === 1) return `(${shape[0]},)`;
  return `(${shape.join(', ')})`;
}

export function checkShape(name: string, length: number, shape: readonly number[]): void {
  for (const s of shape) {
    if (!Number.isInteger(s) || s < 0) throw new RangeError(`${name}: shape entries must be integers ≥ 0, got (${shape.join(', ')}).`);
  }
  const expected = shape.reduce((a, b) => a * b, 1);
  if (expected !== length) {
    throw new RangeError(`${name}: shape (${shape.join(', ')}) needs ${expected} values, got ${length}.`);
  }
}

/** Writes `value` as little-endian float64 into `out` at `offset`, whatever the host's byte order. */
export function writeFloat64LE(out: Uint8Array, offset: number, values: ArrayLike<number>): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (let i = 0; i < values.length; i++) view.setFloat64(offset + 8 * i, values[i]!, true);
}

/**
 * Encodes a float64 array of the given shape (C order: `data` is row-major) as a `.npy` file.
 * `np.load` returns an array of dtype float64 with exactly this shape.
 * @throws RangeError when `data.length` does not equal the product of `shape`.
 */
export function writeNpy(data: ArrayLike<number>, shape: readonly number[]): Uint8Array {
  checkShape('writeNpy', data.length, shape);
  const dict = `{'descr': '<f8', 'fortran_order': False, 'shape': ${shapeTuple(shape)}, }`;
  // 10 bytes of preamble + dict + padding + "\n" must be a multiple of 64.
  const unpadded = 10 + dict.length + 1;
  const padding = (NPY_ALIGNMENT - (unpadded % NPY_ALIGNMENT)) % NPY_ALIGNMENT;
  const header = dict + ' '.repeat(padding) + '\n';
  const headerLength = header.length;
  if (headerLength > 0xffff) throw new RangeError(`writeNpy: header of ${headerLength} bytes does not fit format 1.0.`);

  const out = new Uint8Array(10 + headerLength + 8 * data.length);
  out.set(MAGIC, 0);
  out[6] = 1;
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >>> 8;
  for (let i = 0; i < headerLength; i++) out[10 + i] = header.charCodeAt(i);
  writeFloat64LE(out, 10 + headerLength, data);
  return out;
}
