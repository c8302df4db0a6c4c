import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ImportError } from '../../shared/errors.ts';
import { importBytes, importFile, previewFile } from '../../src-main/import/index.ts';
import { findInvalidUtf8, InvalidTextError } from '../../src-main/import/text-encoding.ts';

let dir: string;
const at = (name: string) => join(dir, name);

/** A CSV whose labels été / ètè / hiver are written in latin1 (one byte per accented letter). */
function latinCsv(): Buffer {
  const rows = ['x,y,label'];
  for (let r = 0; r < 9; r++) rows.push(`${r},${r % 4},${['\xe9t\xe9', '\xe8t\xe8', 'hiver'][r % 3]}`);
  return Buffer.from(`${rows.join('\n')}\n`, 'latin1');
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'text-encoding-'));
  writeFileSync(at('latin.csv'), latinCsv());
  writeFileSync(at('quotes.csv'), Buffer.concat([Buffer.from('x,y,label\n1,2,'), Buffer.from([0x93]), Buffer.from('a'), Buffer.from([0x94]), Buffer.from('\n3,4,b\n')]));
  writeFileSync(at('late.tsv'), Buffer.concat([Buffer.from('a\tb\tlabel\r\n1\t2\tx\r\n3\t4\ty\r\n5\t'), Buffer.from([0xff]), Buffer.from('\tx\r\n')]));
  writeFileSync(at('latin.arff'), Buffer.from('@relation r\n@attribute a numeric\n@attribute class {\xe9t\xe9,hiver}\n@data\n1,\xe9t\xe9\n2,hiver\n', 'latin1'));
  writeFileSync(at('utf16.csv'), Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('x,label\n1,\u00e9t\u00e9\n2,b\n', 'utf16le')]));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('text decoding never guesses', () => {
  it('refuses bytes that are not UTF-8, naming file, row, column and byte offset and the encoding they look like', async () => {
    const refused = importFile(at('latin.csv'));
    await expect(refused).rejects.toThrow(InvalidTextError);
    await expect(refused).rejects.toThrow(
      'latin.csv: row 2, column "label", byte offset 14: 0xE9 is not valid UTF-8 (it looks like latin1); the file was not imported. ' +
        'Name its encoding to import it: --encoding latin1 on the command line, or Encoding in the import dialog',
    );
    await expect(previewFile(at('latin.csv'))).rejects.toMatchObject({ suggestedEncoding: 'latin1', line: 2, offset: 14 });
  });

  it('imports the three classes when latin1 is named, and records the encoding', async () => {
    const { matrix, options } = await importFile(at('latin.csv'), { encoding: 'latin1' });
    expect(matrix.classNames).toEqual(['hiver', 'ètè', 'été']);
    expect(Array.from(matrix.labels!)).toEqual([2, 1, 0, 2, 1, 0, 2, 1, 0]);
    expect(options).toMatchObject({ format: 'csv', label: 'label', encoding: 'latin1' });
    // The same bytes uploaded from memory.
    expect((await importBytes(latinCsv(), 'latin.csv', { encoding: 'iso-8859-1' })).matrix.classNames).toEqual(['hiver', 'ètè', 'été']);
  });

  it('suggests windows-1252 for its printable 0x80–0x9F characters (curly quotes), and reads them when named', async () => {
    await expect(importFile(at('quotes.csv'))).rejects.toThrow('quotes.csv: row 2, column "label", byte offset 14: 0x93 is not valid UTF-8 (it looks like windows-1252)');
    expect((await importFile(at('quotes.csv'), { encoding: 'windows-1252' })).matrix.classNames).toEqual(['b', '\u201ca\u201d']);
  });

  it('finds an invalid byte past the first rows (TSV, CRLF lines, the column by its header name)', async () => {
    await expect(importFile(at('late.tsv'))).rejects.toThrow('late.tsv: row 4, column "b", byte offset 27: 0xFF is not valid UTF-8 (it looks like latin1)');
  });

  it('applies to ARFF (the column as a character position) and reads it with the named encoding', async () => {
    await expect(importFile(at('latin.arff'))).rejects.toThrow('latin.arff: row 3, column 19, byte offset 51: 0xE9 is not valid UTF-8');
    expect((await importFile(at('latin.arff'), { encoding: 'latin1' })).matrix.classNames).toEqual(['hiver', 'été']);
  });

  it('reads UTF-16 when named, suggests it after its byte-order mark, and refuses an unknown encoding name', async () => {
    await expect(importFile(at('utf16.csv'))).rejects.toThrow('(it looks like utf-16le)');
    expect((await importFile(at('utf16.csv'), { encoding: 'utf-16le' })).matrix.classNames).toEqual(['b', 'été']);
    await expect(importFile(at('latin.csv'), { encoding: 'klingon' })).rejects.toThrow(ImportError);
    await expect(importFile(at('latin.csv'), { encoding: 'klingon' })).rejects.toThrow('latin.csv: unknown text encoding "klingon"; use one of utf-8, latin1, windows-1252');
  });
});

describe('findInvalidUtf8', () => {
  async function* pieces(bytes: number[], size: number) {
    for (let k = 0; k < bytes.length; k += size) yield Uint8Array.from(bytes.slice(k, k + size));
  }
  const find = async (bytes: number[], size = 1) => findInvalidUtf8(pieces(bytes, size));

  it('accepts valid UTF-8 of every length, split anywhere', async () => {
    const valid = [...Buffer.from('a\u00e9\u20ac\u{1f600}\n')];
    for (const size of [1, 2, 3, 64]) expect(await find(valid, size)).toBeNull();
  });

  it('refuses overlong forms, surrogates, code points above U+10FFFF, stray continuation bytes and a cut-off sequence', async () => {
    expect(await find([0x41, 0xc0, 0x80])).toMatchObject({ offset: 1, bytes: Uint8Array.of(0xc0) });
    expect(await find([0xe0, 0x80, 0x80])).toMatchObject({ offset: 0, bytes: Uint8Array.of(0xe0) });
    expect(await find([0x41, 0xed, 0xa0, 0x80])).toMatchObject({ offset: 1, bytes: Uint8Array.of(0xed) });
    expect(await find([0xf4, 0x90, 0x80, 0x80])).toMatchObject({ offset: 0, bytes: Uint8Array.of(0xf4) });
    expect(await find([0x41, 0x80])).toMatchObject({ offset: 1 });
    expect(await find([0x41, 0xe2, 0x82])).toMatchObject({ offset: 1, bytes: Uint8Array.of(0xe2, 0x82) });
  });

  it('counts lines ending in \\n, \\r\\n or \\r', async () => {
    expect(await find([...Buffer.from('a\r\nb\rc\nd'), 0xe9], 2)).toMatchObject({ offset: 8, line: 4, lineStart: 7 });
  });
});
