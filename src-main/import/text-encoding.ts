/**
 * How a text data file's bytes become text, without guessing: UTF-8 unless the user names another encoding, and
 * bytes that are not valid in that encoding refuse the file ({@link InvalidTextError}: the row, the byte offset and
 * the encoding the bytes look like) instead of turning into U+FFFD replacement characters.
 *
 * Encodings are WHATWG labels as TextDecoder knows them (Node has full ICU: windows-1252, utf-16le, iso-8859-15,
 * shift_jis …), except `latin1` / `iso-8859-1`, which here mean what they say: each byte is the code point of
 * the same number (WHATWG maps those labels to windows-1252, which differs in 0x80–0x9F).
 */
import { OFFERED_TEXT_ENCODINGS } from '../../shared/domain/enums.ts';
import { ImportError } from '../../shared/errors.ts';
import { quote } from './cells.ts';


const LATIN1_LABELS = new Set(['latin1', 'latin-1', 'iso-8859-1', 'iso8859-1', 'iso_8859-1', 'l1']);

/** A streaming decoder: `stream` true while more bytes follow. Throws TypeError on bytes invalid in its encoding. */
export interface TextDecoding {
  /** The encoding's canonical name (utf-8, latin1, windows-1252 …). */
  readonly encoding: string;
  decode(bytes: Uint8Array, stream: boolean): string;
}

/**
 * The strict decoder for `encoding` (default UTF-8).
 * @throws ImportError naming `fileName` for an encoding TextDecoder does not know.
 */
export function textDecoding(encoding: string | undefined, fileName: string): TextDecoding {
  const label = (encoding ?? 'utf-8').trim().toLowerCase();
  if (LATIN1_LABELS.has(label)) {
    return {
      encoding: 'latin1',
      decode: (bytes) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'),
    };
  }
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(label, { fatal: true });
  } catch {
    throw new ImportError(`${fileName}: unknown text encoding ${quote(encoding ?? '')}; use one of ${OFFERED_TEXT_ENCODINGS.join(', ')} (or another WHATWG encoding name)`);
  }
  return { encoding: decoder.encoding, decode: (bytes, stream) => decoder.decode(bytes, { stream }) };
}

/** Bytes 0x80–0x9F that windows-1252 maps to printable characters (€ ‚ ƒ „ … ’ “ ” – — ™ …); the rest are unassigned. */
function isCp1252Printable(byte: number): boolean {
  return byte >= 0x80 && byte <= 0x9f && byte !== 0x81 && byte !== 0x8d && byte !== 0x8f && byte !== 0x90 && byte !== 0x9d;
}

/** Where the first byte that is not valid UTF-8 is, and what the invalid bytes suggest. */
export interface InvalidUtf8 {
  /** 0-based byte offset of the first invalid sequence. */
  offset: number;
  /** 1-based line of that byte (`\n`, `\r\n` or `\r` endings). */
  line: number;
  /** Byte offset where that line starts. */
  lineStart: number;
  /** The invalid sequence (1 to 4 bytes). */
  bytes: Uint8Array;
  /** The encoding the invalid bytes look like: utf-16le/be after their byte-order mark, windows-1252 when any invalid byte is a printable windows-1252 character in 0x80–0x9F, else latin1. */
  suggested: string;
}

/** How far past the first invalid byte the scan goes on collecting invalid bytes for the suggestion. */
const SUGGESTION_SCAN_BYTES = 4 * 1024 * 1024;

/**
 * Scans bytes (in pieces) as UTF-8 (the WHATWG rules: no overlong forms, no surrogates, nothing above U+10FFFF) and
 * returns the first invalid sequence with its line, or null when every byte is valid.
 */
export async function findInvalidUtf8(pieces: AsyncIterable<Uint8Array>): Promise<InvalidUtf8 | null> {
  let at = 0;
  let line = 1;
  let lineStart = 0;
  let previousCr = false;
  let needed = 0;
  let lower = 0x80;
  let upper = 0xbf;
  let sequenceStart = 0;
  const sequence: number[] = [];
  let first = null as Omit<InvalidUtf8, 'suggested'> | null;
  let printable1252 = false;
  let utf16: string | null = null;
  const invalid = (bytes: number[]): void => {
    for (const b of bytes) if (isCp1252Printable(b)) printable1252 = true;
    if (!first) first = { offset: sequenceStart, line, lineStart, bytes: Uint8Array.from(bytes) };
  };
  scan: for await (const piece of pieces) {
    for (let k = 0; k < piece.length; k++, at++) {
      const b = piece[k]!;
      if (first && at - first.offset > SUGGESTION_SCAN_BYTES) break scan;
      if (needed > 0) {
        if (b >= lower && b <= upper) {
          sequence.push(b);
          lower = 0x80;
          upper = 0xbf;
          if (--needed === 0) sequence.length = 0;
          continue;
        }
        invalid(sequence);
        needed = 0;
        sequence.length = 0;
        lower = 0x80;
        upper = 0xbf;
        // The byte that broke the sequence is looked at afresh below.
      }
      if (b < 0x80) {
        if (b === 0x0a) {
          if (!previousCr) line++;
          lineStart = at + 1;
        } else if (b === 0x0d) {
          line++;
          lineStart = at + 1;
        }
        previousCr = b === 0x0d;
        continue;
      }
      previousCr = false;
      sequenceStart = at;
      if (b >= 0xc2 && b <= 0xdf) needed = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        needed = 2;
        if (b === 0xe0) lower = 0xa0;
        if (b === 0xed) upper = 0x9f;
      } else if (b >= 0xf0 && b <= 0xf4) {
        needed = 3;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f;
      } else {
        if (at === 0 && (b === 0xff || b === 0xfe)) utf16 = b === 0xff ? 'utf-16le' : 'utf-16be';
        invalid([b]);
        continue;
      }
      sequence.push(b);
    }
  }
  if (needed > 0) invalid(sequence);
  if (!first) return null;
  const found = first as Omit<InvalidUtf8, 'suggested'>;
  if (utf16 && found.offset === 0 && found.bytes[0] === (utf16 === 'utf-16le' ? 0xff : 0xfe)) return { ...found, suggested: utf16 };
  return { ...found, suggested: printable1252 ? 'windows-1252' : 'latin1' };
}

function hexBytes(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => `0x${b.toString(16).toUpperCase().padStart(2, '0')}`).join(' ');
}

/**
 * A text file with bytes that are not valid in its encoding (UTF-8 unless one was named). `suggestedEncoding` is the
 * one the bytes look like, for the import dialog to offer.
 */
export class InvalidTextError extends ImportError {
  readonly suggestedEncoding: string;
  readonly offset: number;
  readonly line: number;

  constructor(
    fileName: string,
    found: InvalidUtf8,
    /** How the column is named: a CSV field (`column "label"`) or a character position (`column 7`). */
    column: string,
  ) {
    super(
      `${fileName}: row ${found.line}, ${column}, byte offset ${found.offset}: ${hexBytes(found.bytes)} is not valid UTF-8 ` +
        `(it looks like ${found.suggested}); the file was not imported. Name its encoding to import it: ` +
        `--encoding ${found.suggested} on the command line, or Encoding in the import dialog`,
    );
    this.name = 'InvalidTextError';
    this.suggestedEncoding = found.suggested;
    this.offset = found.offset;
    this.line = found.line;
  }
}
