import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { SourceReader, type ByteSource } from '../../src-main/import/source.ts';

/** A source that hands out its bytes in pieces of `size`, to put chunk boundaries anywhere. */
function chunked(bytes: Uint8Array, size: number): ByteSource {
  return {
    fileName: 'chunked.txt',
    path: null,
    size: bytes.length,
    head: async (n) => bytes.subarray(0, n),
    async *chunks() {
      for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
    },
  };
}

describe('SourceReader', () => {
  const text = '\ufeffgrün,1\r\nzwei\rdrei\n\nvier';
  const bytes = new TextEncoder().encode(text);

  it.each([1, 2, 3, 5, 64])('splits lines the same for chunks of %i bytes (\\n, \\r\\n, \\r; BOM dropped; UTF-8 kept)', async (size) => {
    const reader = new SourceReader(chunked(bytes, size));
    const lines: Array<[string, number]> = [];
    for await (const line of reader.lines()) lines.push(line);
    expect(lines).toEqual([
      ['grün,1', 1],
      ['zwei', 2],
      ['drei', 3],
      ['', 4],
      ['vier', 5],
    ]);
    expect(reader.sha256()).toBe(createHash('sha256').update(bytes).digest('hex'));
  });

  it('reports increasing fractions ending at 1', async () => {
    const fractions: number[] = [];
    const reader = new SourceReader(chunked(bytes, 4), (f) => fractions.push(f));
    await reader.bytes();
    expect(fractions.at(-1)).toBe(1);
    expect(fractions.every((f, i) => i === 0 || f > fractions[i - 1]!)).toBe(true);
  });

  it('sha256 before the end is a programming error', () => {
    expect(() => new SourceReader(chunked(bytes, 4)).sha256()).toThrow(
      'SourceReader.sha256() called before the source was read to the end',
    );
  });
});
