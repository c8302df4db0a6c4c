import { describe, expect, it } from 'vitest';
import { MI_DOUBLE, MI_MATRIX, MX_DOUBLE_CLASS, toColumnMajor, writeMat } from '../../shared/export/mat.ts';
import { readMat } from './fixtures.ts';

describe('writeMat (MAT-file Level 5)', () => {
  const L = { data: [1, 2, 3, 4, 5, 6], shape: [2, 3] }; // [[1,2,3],[4,5,6]]

  it('writes the 128-byte header: text, version 0x0100 and the IM endian indicator', () => {
    const bytes = writeMat({ L }, { created: new Date(Date.UTC(2026, 10, 25, 12)) });
    const mat = readMat(bytes);
    expect(mat.text.startsWith('MATLAB 5.0 MAT-file')).toBe(true);
    expect(mat.text).toContain('Created on: Wed, 25 Nov 2026 12:00:00 GMT');
    expect(mat.text.length).toBe(116);
    expect(Array.from(bytes.subarray(116, 124))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(mat.version).toBe(0x0100);
    expect(mat.endian).toBe('IM');
  });

  it('writes each array as an miMATRIX of class double with dims, name and column-major real part', () => {
    const mat = readMat(writeMat({ L, mean: { data: [7, 8, 9], shape: [3] } }));
    expect(mat.elements.map((e) => e.name)).toEqual(['L', 'mean']);
    const [l, mean] = mat.elements;
    expect(l!.type).toBe(MI_MATRIX);
    expect(l!.flags[0]! & 0xff).toBe(MX_DOUBLE_CLASS);
    expect(l!.flags[0]! & 0xff00).toBe(0); // not complex, global or logical
    expect(l!.dims).toEqual([2, 3]);
    expect(l!.realType).toBe(MI_DOUBLE);
    expect(Array.from(l!.real)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(mean!.dims).toEqual([1, 3]);
    expect(Array.from(mean!.real)).toEqual([7, 8, 9]);
  });

  it('aligns every element and sub-element on 8 bytes', () => {
    const bytes = writeMat({ abc: { data: [1, 2, 3], shape: [3] }, L });
    const mat = readMat(bytes); // the reader throws if sub-element sizes disagree with the tag
    for (const e of mat.elements) expect(e.offset % 8).toBe(0);
    expect(bytes.length % 8).toBe(0);
    // name 'abc' (3 bytes) is padded to 8: the real-part tag follows at a multiple of 8.
    expect(mat.elements[0]!.bytes).toBe(16 + 16 + 16 + 8 + 24);
  });

  it('reorders N-D row-major data into column-major order', () => {
    // C-order (2, 2, 2): value = 100·i + 10·j + k.
    const c = [0, 1, 10, 11, 100, 101, 110, 111];
    expect(Array.from(toColumnMajor(c, [2, 2, 2]))).toEqual([0, 100, 10, 110, 1, 101, 11, 111]);
  });

  it('rejects invalid MATLAB names and mismatched shapes', () => {
    expect(() => writeMat({ _x: L })).toThrow("writeMat: array name '_x' must be a MATLAB identifier (a letter, then letters, digits or _).");
    expect(() => writeMat({ L: { data: [1, 2], shape: [3] } })).toThrow("writeMat 'L': shape (3) needs 3 values, got 2.");
  });
});
