import { describe, expect, it } from 'vitest';
import { writeNpy } from '../../shared/export/npy.ts';
import { readNpy } from './fixtures.ts';

describe('writeNpy (format 1.0)', () => {
  it('writes the magic, version 1.0, a little-endian header length and a 64-byte aligned header', () => {
    const bytes = writeNpy(Float64Array.from([1, 2, 3, 4, 5, 6]), [2, 3]);
    const npy = readNpy(bytes);
    expect(npy.major).toBe(1);
    expect(npy.minor).toBe(0);
    expect((10 + npy.headerLength) % 64).toBe(0);
    expect(npy.header.endsWith('\n')).toBe(true);
    expect(npy.header.trimEnd()).toBe("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }");
    // Only spaces between the dict and the newline.
    expect(/^\{[^}]*\} *\n$/.test(npy.header)).toBe(true);
    expect(bytes.length).toBe(10 + npy.headerLength + 6 * 8);
  });

  it('stores the data in C order as little-endian float64, bit for bit', () => {
    const data = Float64Array.from([Math.PI, -0, 1e-310, -2.5e300, 1 / 3, Number.MIN_VALUE]);
    const npy = readNpy(writeNpy(data, [3, 2]));
    expect(Array.from(npy.data)).toEqual(Array.from(data));
    expect(Object.is(npy.data[1], -0)).toBe(true);
    // First data byte: low byte of π's IEEE 754 bits (0x400921FB54442D18) → 0x18.
    const bytes = writeNpy(Float64Array.from([Math.PI]), [1]);
    expect(bytes[10 + readNpy(bytes).headerLength]).toBe(0x18);
  });

  it('writes 1-D and 0-D shapes as Python tuples', () => {
    expect(readNpy(writeNpy([1, 2, 3, 4], [4])).header).toContain("'shape': (4,), }");
    expect(readNpy(writeNpy([7], [])).header).toContain("'shape': (), }");
    expect(readNpy(writeNpy([], [0, 3])).header).toContain("'shape': (0, 3), }");
  });

  it('keeps the data start 64-byte aligned whatever the shape text length', () => {
    for (const shape of [[1], [10, 10], [123456, 0], [1, 2, 3, 4, 5, 6, 7, 8]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const npy = readNpy(writeNpy(new Float64Array(n), shape));
      expect((10 + npy.headerLength) % 64).toBe(0);
    }
  });

  it('rejects data that does not match the shape', () => {
    expect(() => writeNpy([1, 2, 3], [2, 2])).toThrow('writeNpy: shape (2, 2) needs 4 values, got 3.');
    expect(() => writeNpy([1, 2], [-1, -2])).toThrow('writeNpy: shape entries must be integers ≥ 0, got (-1, -2).');
  });
});
