/**
 * Typed arrays ⇄ SQLite BLOBs, bit-exact. Values are stored in the machine's byte order, which is little-endian
 * on every platform Electron supports (x64, arm64); {@link assertLittleEndian} guards the assumption.
 */

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) throw new Error('Metric Workbench stores numbers little-endian and needs a little-endian CPU.');
}

/** A Buffer view over the array's bytes (no copy); better-sqlite3 stores it as a BLOB. */
export function typedArrayToBlob(values: Float64Array | Int32Array): Buffer {
  assertLittleEndian();
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

/** Copies a BLOB into a new, aligned Float64Array. @throws RangeError if the length is not a multiple of 8. */
export function blobToFloat64(blob: Uint8Array, what = 'BLOB'): Float64Array {
  if (blob.byteLength % 8 !== 0) throw new RangeError(`${what} has ${blob.byteLength} bytes, not a multiple of 8 (Float64).`);
  const bytes = new Uint8Array(blob.byteLength);
  bytes.set(blob);
  return new Float64Array(bytes.buffer);
}

/**
 * Copies a BLOB into a new, aligned Int32Array (over a SharedArrayBuffer with `shared`).
 * @throws RangeError if the length is not a multiple of 4.
 */
export function blobToInt32(blob: Uint8Array, what = 'BLOB', shared = false): Int32Array {
  if (blob.byteLength % 4 !== 0) throw new RangeError(`${what} has ${blob.byteLength} bytes, not a multiple of 4 (Int32).`);
  const bytes = new Uint8Array(shared ? new SharedArrayBuffer(blob.byteLength) : new ArrayBuffer(blob.byteLength));
  bytes.set(blob);
  return new Int32Array(bytes.buffer);
}

/** JSON.parse for a column that the store itself wrote. */
export function parseJsonColumn<T>(text: string | null, what: string): T | null {
  if (text === null) return null;
  try {
    return JSON.parse(text) as T;
  } catch (error) {
    throw new Error(`Corrupt JSON in ${what}: ${(error as Error).message}`, { cause: error });
  }
}
