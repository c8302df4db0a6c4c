/**
 * IDX files, the format of MNIST and its family (Fashion-MNIST, EMNIST, KMNIST): raw or gzip-compressed.
 *
 * Layout (all integers big-endian): two zero bytes, a type byte, the number of dimensions n (1 byte), then n
 * unsigned 32-bit sizes d₀ … dₙ₋₁, then d₀·…·dₙ₋₁ elements in row-major order (the last index varies fastest):
 *
 * | type | element | bytes |
 * |---|---|---|
 * | 0x08 | unsigned byte | 1 |
 * | 0x09 | signed byte | 1 |
 * | 0x0B | short (int16) | 2 |
 * | 0x0C | int (int32) | 4 |
 * | 0x0D | float (float32) | 4 |
 * | 0x0E | double (float64) | 8 |
 *
 * A data file is 2-D (rows, features) or 3-D (rows, height, width): each image is flattened row-major into
 * height·width features named `pixel_R_C`, and the layout is kept as the dataset's `imageShape` for thumbnails.
 * A labels file is 1-D (rows). The bytes are decoded as they stream in (gzip inflated on the way by fflate), so an
 * import holds the Float64 matrix and one chunk, never the whole compressed or raw file. The header bounds the
 * rest: the first byte past the data it declares refuses the file, and gzip is inflated from small slices of
 * compressed input, so a gzip bomb is stopped after at most one slice's worth of output past the declared size.
 */
import { Gunzip } from 'fflate';
import { MAX_DATASET_VALUES, MAX_DATASET_VALUES_TEXT } from '../../shared/domain/dataset.ts';
import { ImportError } from '../../shared/errors.ts';
import { plural } from './cells.ts';

/** An IDX element type. */
export interface IdxType {
  /** The type byte (third byte of the file). */
  code: number;
  /** The name used in messages and stored with the import: ubyte, byte, short, int, float, double. */
  name: string;
  /** Bytes per element. */
  size: number;
  read: (view: DataView, offset: number) => number;
}

const TYPES: readonly IdxType[] = [
  { code: 0x08, name: 'ubyte', size: 1, read: (v, o) => v.getUint8(o) },
  { code: 0x09, name: 'byte', size: 1, read: (v, o) => v.getInt8(o) },
  { code: 0x0b, name: 'short', size: 2, read: (v, o) => v.getInt16(o, false) },
  { code: 0x0c, name: 'int', size: 4, read: (v, o) => v.getInt32(o, false) },
  { code: 0x0d, name: 'float', size: 4, read: (v, o) => v.getFloat32(o, false) },
  { code: 0x0e, name: 'double', size: 8, read: (v, o) => v.getFloat64(o, false) },
];

/** The element type for a type byte, or undefined. */
export function idxType(code: number): IdxType | undefined {
  return TYPES.find((t) => t.code === code);
}

/** A parsed IDX header. */
export interface IdxHeader {
  type: IdxType;
  /** The sizes d₀ … dₙ₋₁. */
  dims: number[];
  /** Byte offset of the data: 4 + 4·n. */
  dataOffset: number;
}

/** Whether the bytes start with the gzip magic 1F 8B. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Whether the bytes start like an IDX file: 00 00, a known type byte, 1 to 4 dimensions. */
export function looksLikeIdx(bytes: Uint8Array): boolean {
  return bytes.length >= 4 && bytes[0] === 0 && bytes[1] === 0 && idxType(bytes[2]!) !== undefined && bytes[3]! >= 1 && bytes[3]! <= 4;
}

/** Compressed bytes inflated at a time: deflate expands at most about 1,032 times, so one slice inflates to ≤ 17 MB. */
const INFLATE_SLICE_BYTES = 16 * 1024;
/** The same for sniffing a `.gz` file's first bytes (≤ 1 MB inflated per slice). */
const HEAD_SLICE_BYTES = 1024;

/**
 * The start of gzip-compressed bytes, inflated (up to about `maxBytes`), or null when they do not inflate.
 * Used to sniff the format inside a `.gz` file.
 */
export function gunzipHead(bytes: Uint8Array, maxBytes = 64): Uint8Array | null {
  const out: Uint8Array[] = [];
  let total = 0;
  try {
    const inflater = new Gunzip((data) => {
      if (total < maxBytes) out.push(data);
      total += data.length;
    });
    for (let at = 0; at < bytes.length && total < maxBytes; at += HEAD_SLICE_BYTES) {
      inflater.push(bytes.subarray(at, at + HEAD_SLICE_BYTES), false);
    }
  } catch {
    return null;
  }
  const head = new Uint8Array(Math.min(total, maxBytes));
  let at = 0;
  for (const piece of out) {
    if (at >= head.length) break;
    const part = piece.subarray(0, head.length - at);
    head.set(part, at);
    at += part.length;
  }
  return head;
}

function hex(byte: number): string {
  return `0x${byte.toString(16).toUpperCase().padStart(2, '0')}`;
}

/**
 * Reads an IDX header from its first bytes.
 * @returns the header, or null when fewer bytes than the header needs were given (`final` false: wait for more).
 * @throws ImportError for a bad magic number, an unknown type byte, no dimensions, or (when `final`) a header cut short.
 */
export function readIdxHeader(fileName: string, bytes: Uint8Array, final: boolean): IdxHeader | null {
  if (bytes.length === 0 && final) throw new ImportError(`${fileName}: the file is empty`);
  if (bytes.length < 4) {
    if (final) throw new ImportError(`${fileName}: the IDX header is truncated (${plural(bytes.length, 'byte')}; the magic number alone takes 4)`);
    return null;
  }
  if (bytes[0] !== 0 || bytes[1] !== 0) {
    throw new ImportError(
      `${fileName}: not an IDX file (bad magic number ${[...bytes.subarray(0, 4)].map(hex).join(' ')}: an IDX file starts with 0x00 0x00, ` +
        'a type byte and the number of dimensions)',
    );
  }
  const type = idxType(bytes[2]!);
  if (!type) {
    throw new ImportError(
      `${fileName}: IDX type byte ${hex(bytes[2]!)} is not one of ${TYPES.map((t) => `${hex(t.code)} (${t.name})`).join(', ')}`,
    );
  }
  const n = bytes[3]!;
  if (n === 0) throw new ImportError(`${fileName}: the IDX header declares 0 dimensions`);
  const dataOffset = 4 + 4 * n;
  if (bytes.length < dataOffset) {
    if (final) {
      throw new ImportError(
        `${fileName}: the IDX header is truncated: ${plural(n, 'dimension')} need ${dataOffset} header bytes, the file has ${bytes.length}`,
      );
    }
    return null;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, dataOffset);
  const dims = Array.from({ length: n }, (_, k) => view.getUint32(4 + 4 * k, false));
  return { type, dims, dataOffset };
}

/** What {@link IdxDecoder.finish} returns: the header and every element as a Float64 (row-major). */
export interface IdxArray {
  header: IdxHeader;
  values: Float64Array;
}

/**
 * Decodes an IDX file pushed in pieces of any size (raw bytes; inflate gzip before). The header is read as soon
 * as it is complete; `checkDims` then vets the dimensions before the Float64 array (one slot per element) is
 * allocated, and every later piece is converted straight into it.
 */
export class IdxDecoder {
  #header: IdxHeader | null = null;
  #headBytes: Uint8Array = new Uint8Array(0);
  #values: Float64Array | null = null;
  #count = 0;
  /** Elements written so far. */
  #written = 0;
  /** Bytes after the last element (a file longer than its dimensions say). */
  #extra = 0;
  /** A partial element carried over between pieces. */
  readonly #carry = new Uint8Array(8);
  #carried = 0;

  constructor(
    readonly fileName: string,
    readonly checkDims: (header: IdxHeader) => void = () => {},
  ) {}

  push(piece: Uint8Array): void {
    if (!this.#header) {
      const joined = new Uint8Array(this.#headBytes.length + piece.length);
      joined.set(this.#headBytes);
      joined.set(piece, this.#headBytes.length);
      const header = readIdxHeader(this.fileName, joined, false);
      if (!header) {
        this.#headBytes = joined;
        return;
      }
      this.#start(header);
      piece = joined.subarray(header.dataOffset);
      this.#headBytes = new Uint8Array(0);
    }
    this.#decode(piece);
  }

  #start(header: IdxHeader): void {
    this.checkDims(header);
    const count = header.dims.reduce((a, b) => a * b, 1);
    if (!Number.isSafeInteger(count) || count > MAX_DATASET_VALUES) {
      throw new ImportError(
        `${this.fileName}: the IDX dimensions ${header.dims.join('×')} hold ${count.toLocaleString('en-US')} values; a dataset holds at most ${MAX_DATASET_VALUES_TEXT}`,
      );
    }
    this.#header = header;
    this.#count = count;
    this.#values = new Float64Array(count);
  }

  #decode(piece: Uint8Array): void {
    const { size, read } = this.#header!.type;
    const values = this.#values!;
    let at = 0;
    if (this.#carried > 0) {
      const need = size - this.#carried;
      const take = Math.min(need, piece.length);
      this.#carry.set(piece.subarray(0, take), this.#carried);
      this.#carried += take;
      at = take;
      if (this.#carried < size) return;
      this.#carried = 0;
      if (this.#written < this.#count) values[this.#written++] = read(new DataView(this.#carry.buffer, 0, size), 0);
      else {
        this.#extra += size;
        throw this.#tooLong();
      }
    }
    const whole = Math.floor((piece.length - at) / size);
    const fits = Math.min(whole, this.#count - this.#written);
    if (fits > 0) {
      const view = new DataView(piece.buffer, piece.byteOffset + at, fits * size);
      let w = this.#written;
      if (size === 1 && this.#header!.type.code === 0x08) {
        for (let k = 0; k < fits; k++) values[w++] = piece[at + k]!;
      } else {
        for (let k = 0; k < fits; k++) values[w++] = read(view, k * size);
      }
      this.#written = w;
    }
    at += fits * size;
    if (this.#written === this.#count) {
      this.#extra += piece.length - at;
      if (this.#extra > 0) throw this.#tooLong();
      return;
    }
    const rest = piece.length - at;
    this.#carry.set(piece.subarray(at), 0);
    this.#carried = rest;
  }

  /** The refusal of bytes past the declared data, raised at the first of them: the rest is never read or inflated. */
  #tooLong(): ImportError {
    const { dims, type } = this.#header!;
    const needed = this.#count * type.size;
    return new ImportError(
      `${this.fileName}: the file holds more than its header declares: dimensions ${dims.join('×')} ${type.name} need ${needed} data bytes, ` +
        `found at least ${needed + this.#extra} (reading stopped there); is the header right?`,
    );
  }

  /**
   * The decoded array.
   * @throws ImportError for a file cut short (header or data) or with bytes beyond what its dimensions hold.
   */
  finish(): IdxArray {
    if (!this.#header) {
      readIdxHeader(this.fileName, this.#headBytes, true); // throws: empty or truncated header
      throw new ImportError(`${this.fileName}: the IDX header is truncated`);
    }
    const { dims, type } = this.#header;
    const needed = this.#count * type.size;
    const shape = `${dims.join('×')} ${type.name}`;
    if (this.#written < this.#count) {
      const have = this.#written * type.size + this.#carried;
      throw new ImportError(
        `${this.fileName}: the data is truncated: dimensions ${shape} need ${needed} data bytes, the file has ${have}`,
      );
    }
    return { header: this.#header, values: this.#values! };
  }
}

/**
 * Decodes a whole IDX file from pieces (raw, or gzip when the first piece starts with 1F 8B).
 * @throws ImportError naming the file for a corrupt gzip stream and for everything {@link IdxDecoder} refuses.
 */
export async function decodeIdx(
  fileName: string,
  pieces: AsyncIterable<Uint8Array>,
  checkDims?: (header: IdxHeader) => void,
): Promise<IdxArray & { gzip: boolean }> {
  const decoder = new IdxDecoder(fileName, checkDims);
  let inflater: Gunzip | null = null;
  let first = true;
  let gzip = false;
  const inflate = (piece: Uint8Array, final: boolean) => {
    try {
      inflater!.push(piece, final);
    } catch (error) {
      if (error instanceof ImportError) throw error;
      throw new ImportError(`${fileName}: the gzip data is corrupt (${(error as Error).message})`, { cause: error });
    }
  };
  for await (const piece of pieces) {
    if (first) {
      first = false;
      gzip = isGzip(piece);
      if (gzip) inflater = new Gunzip((data) => decoder.push(data));
    }
    if (inflater) {
      for (let at = 0; at < piece.length; at += INFLATE_SLICE_BYTES) inflate(piece.subarray(at, at + INFLATE_SLICE_BYTES), false);
    } else decoder.push(piece);
  }
  if (inflater) {
    try {
      inflate(new Uint8Array(0), true);
    } catch (error) {
      // fflate says "unexpected EOF" for a stream cut short; say that in words.
      if (error instanceof ImportError && /unexpected EOF/i.test(error.message)) {
        throw new ImportError(`${fileName}: the gzip data is truncated (the compressed stream ends early)`, { cause: error });
      }
      throw error;
    }
  }
  return { ...decoder.finish(), gzip };
}

/**
 * Checks that an IDX data file is 2-D (rows, features) or 3-D (rows, height, width).
 * @throws ImportError otherwise, saying that a 1-D file holds labels.
 */
export function checkDataDims(fileName: string, header: IdxHeader): void {
  const n = header.dims.length;
  if (n === 2 || n === 3) return;
  const hint = n === 1 ? ' (a 1-D IDX file holds labels: give it with --labels-file beside the images file)' : '';
  throw new ImportError(
    `${fileName}: the IDX array has ${plural(n, 'dimension')} (${header.dims.join('×')}); ` +
      `expected 2 (rows, features), or 3 (rows, height, width) for images${hint}`,
  );
}

/**
 * Checks that an IDX labels file is 1-D (rows), or 2-D with one column.
 * @throws ImportError otherwise.
 */
export function checkLabelDims(fileName: string, header: IdxHeader): void {
  const { dims } = header;
  if (dims.length === 1 || (dims.length === 2 && dims[1] === 1)) return;
  throw new ImportError(`${fileName}: labels must be a 1-D IDX array (or one column), got dimensions ${dims.join('×')}`);
}

/** An IDX data array as rows × features, with the image layout of a 3-D file. */
export function idxMatrix(array: IdxArray): { nRows: number; nCols: number; values: Float64Array; imageShape: [number, number] | null } {
  const { dims } = array.header;
  const nRows = dims[0]!;
  const nCols = dims.slice(1).reduce((a, b) => a * b, 1);
  const imageShape: [number, number] | null = dims.length === 3 ? [dims[1]!, dims[2]!] : null;
  return { nRows, nCols, values: array.values, imageShape };
}
