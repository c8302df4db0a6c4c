import { createHash, type Hash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';

const CHUNK_BYTES = 1 << 20;

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

export async function fileSource(path: string): Promise<ByteSource> {
  const info = await stat(path);
  if (info.isDirectory()) throw new TypeError(`${path} is a directory, not a file`);
  return {
    fileName: basename(path),
    path,
    size: info.size,
    async head(maxBytes) {
      const handle = await open(path, 'r');
      try {
        const buffer = new Uint8Array(Math.min(maxBytes, info.size));
        const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
        return buffer.subarray(0, bytesRead);
      } finally {
        await handle.close();
      }
    },
    async *chunks() {
      for await (const chunk of createReadStream(path, { highWaterMark: CHUNK_BYTES })) {
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

/** Decodes UTF-8 bytes, dropping a leading byte-order mark. */
export function decodeHead(bytes: Uint8Array, complete: boolean): string {
  const text = new TextDecoder('utf-8').decode(bytes, { stream: !complete });
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
): Promise<{ text: string; whole: boolean }> {
  for (let size = maxBytes; ; size *= 4) {
    const bytes = await source.head(size);
    const whole = bytes.length >= source.size;
    const text = decodeHead(bytes, whole);
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

  /** The text in pieces (UTF-8; the byte-order mark dropped; never an empty piece). */
  async *text(): AsyncGenerator<string> {
    const decoder = new TextDecoder('utf-8');
    let first = true;
    for await (const chunk of this.#raw()) {
      let piece = decoder.decode(chunk, { stream: true });
      if (first && piece.length > 0) {
        if (piece.charCodeAt(0) === 0xfeff) piece = piece.slice(1);
        first = false;
      }
      if (piece.length > 0) yield piece;
    }
    const tail = decoder.decode();
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
