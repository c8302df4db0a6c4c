import { createHash, type Hash } from 'node:crypto';
import { constants, type Stats } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { ImportError } from '../../shared/errors.ts';
import { findInvalidUtf8, InvalidTextError, textDecoding, type TextDecoding } from './text-encoding.ts';

const CHUNK_BYTES = 1 << 20;

/**
 * Files are opened non-blocking: a path that turns into a FIFO after its check then fails to read instead of
 * blocking a thread-pool thread forever (which would also keep the process from exiting).
 */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** Where an import reads its bytes from: a file on disk (streamed) or bytes already in memory (an upload). */
export interface ByteSource {
  /** Base name, used in messages and stored with the dataset. */
  readonly fileName: string;
  /** The path on disk, or null for in-memory bytes. */
  readonly path: string | null;
  readonly size: number;
  /** The first `maxBytes` bytes (fewer for a smaller file). */
  head(maxBytes: number): Promise<Uint8Array>;
  /** The whole content, in pieces of about 1 MiB. */
  chunks(): AsyncIterable<Uint8Array>;
}

function nonRegularKind(info: Stats): string {
  if (info.isFIFO()) return 'a named pipe (FIFO)';
  if (info.isCharacterDevice()) return 'a character device';
  if (info.isBlockDevice()) return 'a block device';
  if (info.isSocket()) return 'a socket';
  return 'a special file';
}

/**
 * A file on disk as a byte source.
 * @throws ImportError for anything but a regular file (a FIFO, a device, a socket), before it is opened.
 */
export async function fileSource(path: string): Promise<ByteSource> {
  const info = await stat(path);
  if (info.isDirectory()) throw new TypeError(`${path} is a directory, not a file`);
  // Opening a FIFO with no writer blocks forever, and a device or socket has no end: only regular files are read.
  if (!info.isFile()) throw new ImportError(`${path}: not a regular file (it is ${nonRegularKind(info)}); import a file saved on disk`);
  return {
    fileName: basename(path),
    path,
    size: info.size,
    async head(maxBytes) {
      const handle = await open(path, READ_FLAGS);
      try {
        const buffer = new Uint8Array(Math.min(maxBytes, info.size));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async *chunks() {
      const handle = await open(path, READ_FLAGS);
      for await (const chunk of handle.createReadStream({ highWaterMark: CHUNK_BYTES })) {
        yield chunk as Buffer;
      }
    },
  };
}

export function bytesSource(bytes: Uint8Array, fileName: string): ByteSource {
  return {
    fileName: basename(fileName.replace(/\\/g, '/')),
    path: null,
    size: bytes.length,
    async head(maxBytes) {
      return bytes.subarray(0, maxBytes);
    },
    async *chunks() {
      for (let start = 0; start < bytes.length; start += CHUNK_BYTES) {
        yield bytes.subarray(start, start + CHUNK_BYTES);
      }
    },
  };
}

/** How a text import decodes its bytes. */
export interface TextOptions {
  /** The file's encoding (a TextDecoder label, or latin1); default UTF-8. Bytes invalid in it refuse the file. */
  encoding?: string;
  /**
   * Names the column of an invalid byte for the message, from the text of its line before it: a CSV field
   * (`column "label"`); by default its character position (`column 7`).
   */
  columnOf?: (linePrefix: string) => string | Promise<string>;
}

/** How many bytes of the line before an invalid byte are decoded to name its column. */
const LINE_PREFIX_BYTES = 1024 * 1024;

/** The bytes of `source` from `start` to `end`, read again from the beginning (only for error messages). */
async function byteRange(source: ByteSource, start: number, end: number): Promise<Uint8Array> {
  const out = new Uint8Array(end - start);
  let at = 0;
  for await (const chunk of source.chunks()) {
    const from = Math.max(start - at, 0);
    const to = Math.min(end - at, chunk.length);
    if (to > from) out.set(chunk.subarray(from, to), at + from - start);
    at += chunk.length;
    if (at >= end) break;
  }
  return out;
}

/**
 * The error for bytes that `decoding` refused: for UTF-8 an {@link InvalidTextError} with the row, column, byte
 * offset and the encoding the bytes look like (the source is scanned again to find them).
 */
async function invalidText(source: ByteSource, decoding: TextDecoding, options: TextOptions): Promise<ImportError> {
  const found = decoding.encoding === 'utf-8' ? await findInvalidUtf8(source.chunks()) : null;
  if (!found) {
    return new ImportError(`${source.fileName}: the file is not valid ${decoding.encoding} text; name the encoding it was written in`);
  }
  const prefixBytes = await byteRange(source, Math.max(found.lineStart, found.offset - LINE_PREFIX_BYTES), found.offset);
  const prefix = new TextDecoder('utf-8').decode(prefixBytes);
  const column = (await options.columnOf?.(prefix)) ?? `column ${[...prefix].length + 1}`;
  return new InvalidTextError(source.fileName, found, column);
}

/** Decodes the start of a file in `decoding`, dropping a leading byte-order mark. @throws TypeError on invalid bytes. */
function decodeHead(decoding: TextDecoding, bytes: Uint8Array, complete: boolean): string {
  const text = decoding.decode(bytes, !complete);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

const MAX_HEAD_BYTES = 64 * 1024 * 1024;

function hasLines(text: string, wanted: number): boolean {
  let at = -1;
  for (let n = 0; n < wanted; n++) {
    at = text.indexOf('\n', at + 1);
    if (at < 0) return false;
  }
  return true;
}

/**
 * The first `maxBytes` of a source as text (BOM dropped), and whether that is the whole file. Reads further
 * (×4 at a time, up to 64 MiB) when that many bytes hold fewer than `minLines` complete lines (very wide rows).
 */
export async function headText(
  source: ByteSource,
  maxBytes: number,
  minLines = 25,
  options: TextOptions = {},
): Promise<{ text: string; whole: boolean }> {
  for (let size = maxBytes; ; size *= 4) {
    const bytes = await source.head(size);
    const whole = bytes.length >= source.size;
    const decoding = textDecoding(options.encoding, source.fileName);
    let text: string;
    try {
      text = decodeHead(decoding, bytes, whole);
    } catch (error) {
      if (error instanceof TypeError) throw await invalidText(source, decoding, options);
      throw error;
    }
    if (whole || size >= MAX_HEAD_BYTES || hasLines(text, minLines)) return { text, whole };
  }
}

/**
 * Reads a source once, front to back, hashing the bytes (sha256) and reporting the fraction read.
 * Use exactly one of {@link text}, {@link lines} or {@link bytes}, then {@link sha256}.
 */
export class SourceReader {
  readonly #hash: Hash = createHash('sha256');
  #read = 0;
  #digest: string | null = null;

  constructor(
    readonly source: ByteSource,
    readonly onProgress?: (fraction: number) => void,
    readonly textOptions: TextOptions = {},
  ) {}

  async *#raw(): AsyncGenerator<Uint8Array> {
    const total = this.source.size;
    let lastReported = -1;
    for await (const chunk of this.source.chunks()) {
      this.#hash.update(chunk);
      this.#read += chunk.length;
      if (this.onProgress && total > 0) {
        const fraction = Math.min(1, this.#read / total);
        if (fraction - lastReported >= 0.005 || fraction === 1) {
          lastReported = fraction;
          this.onProgress(fraction);
        }
      }
      yield chunk;
    }
    this.#digest = this.#hash.digest('hex');
  }

  /**
   * The text in pieces (UTF-8 or the encoding named in the text options; the byte-order mark dropped; never an
   * empty piece).
   * @throws InvalidTextError (UTF-8) or ImportError at the first bytes that are not valid in the encoding.
   */
  async *text(): AsyncGenerator<string> {
    const decoding = textDecoding(this.textOptions.encoding, this.source.fileName);
    const decode = async (chunk: Uint8Array, stream: boolean): Promise<string> => {
      try {
        return decoding.decode(chunk, stream);
      } catch (error) {
        if (error instanceof TypeError) throw await invalidText(this.source, decoding, this.textOptions);
        throw error;
      }
    };
    let first = true;
    for await (const chunk of this.#raw()) {
      let piece = await decode(chunk, true);
      if (first && piece.length > 0) {
        if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
        first = false;
      }
      if (piece.length > 0) yield piece;
    }
    const tail = await decode(new Uint8Array(0), false);
    if (tail.length > 0) yield tail;
  }

  /** The text line by line (`\n`, `\r\n` or `\r` endings removed), with 1-based line numbers. */
  async *lines(): AsyncGenerator<[string, number]> {
    let carry = '';
    let lineNo = 0;
    let pendingCr = false;
    for await (const piece of this.text()) {
      let text = carry + piece;
      carry = '';
      if (pendingCr && text.startsWith('\n')) text = text.slice(1);
      pendingCr = false;
      let start = 0;
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (c !== 10 && c !== 13) continue;
        yield [text.slice(start, i), ++lineNo];
        if (c === 13) {
          if (i + 1 < text.length) {
            if (text.charCodeAt(i + 1) === 10) i++;
          } else {
            pendingCr = true;
          }
        }
        start = i + 1;
      }
      carry = text.slice(start);
    }
    if (carry.length > 0) yield [carry, ++lineNo];
  }

  /** The raw bytes in pieces of about 1 MiB, as read (hashed and reported like the others). */
  async *chunks(): AsyncGenerator<Uint8Array> {
    yield* this.#raw();
  }

  /** The whole content in one array. */
  async bytes(): Promise<Uint8Array> {
    const parts: Uint8Array[] = [];
    for await (const chunk of this.#raw()) parts.push(chunk);
    if (parts.length === 1) return parts[0]!;
    const all = new Uint8Array(this.#read);
    let at = 0;
    for (const p of parts) {
      all.set(p, at);
      at += p.length;
    }
    return all;
  }

  /** sha256 (hex) of the bytes; only after the source has been read to the end. */
  sha256(): string {
    if (this.#digest === null) throw new Error('SourceReader.sha256() called before the source was read to the end');
    return this.#digest;
  }
}
