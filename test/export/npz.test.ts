import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { writeNpz } from '../../shared/export/npz.ts';
import { readNpy } from './fixtures.ts';

describe('writeNpz', () => {
  const arrays = { L: { data: [1, 2, 3, 4, 5, 6], shape: [2, 3] }, mean: { data: [0.5, 0.25, 0.125], shape: [3] } };

  it('is a zip archive (PK\\x03\\x04) with one <name>.npy member per array', () => {
    const bytes = writeNpz(arrays);
    expect(Array.from(bytes.subarray(0, 4))).toEqual([0x50, 0x4b, 0x03, 0x04]);
    // Compression method at offset 8 of the first local file header: 0 = stored.
    expect(bytes[8]! | (bytes[9]! << 8)).toBe(0);
    const files = unzipSync(bytes);
    expect(Object.keys(files).sort()).toEqual(['L.npy', 'mean.npy']);
    expect(Array.from(readNpy(files['L.npy']!).data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(readNpy(files['mean.npy']!).header).toContain("'shape': (3,)");
  });

  it('deflates the members when asked, with the same content', () => {
    const bytes = writeNpz(arrays, { compress: true });
    expect(bytes[8]! | (bytes[9]! << 8)).toBe(8);
    expect(Array.from(readNpy(unzipSync(bytes)['mean.npy']!).data)).toEqual([0.5, 0.25, 0.125]);
  });

  it('gives identical bytes for identical input', () => {
    expect(Buffer.from(writeNpz(arrays)).equals(Buffer.from(writeNpz(arrays)))).toBe(true);
  });

  it('rejects names numpy cannot expose as keys', () => {
    expect(() => writeNpz({ 'a b': { data: [1], shape: [1] } })).toThrow("writeNpz: array name 'a b' must be a Python identifier.");
  });
});
