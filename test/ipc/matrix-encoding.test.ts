import { describe, expect, it } from 'vitest';
import { base64ToBytes } from '../../shared/ipc/base64.ts';
import { decodeMatrix, encodeMatrix, narrowestEncoding } from '../../shared/ipc/matrix-encoding.ts';

describe('matrix encoding on the wire', () => {
  it('picks the narrowest lossless encoding: bytes, float32, float64', () => {
    expect(narrowestEncoding(Float64Array.from([0, 17, 255]))).toBe('u8');
    expect(narrowestEncoding(Float64Array.from([0, 256]))).toBe('f32');
    expect(narrowestEncoding(Float64Array.from([-1, 0.5]))).toBe('f32');
    expect(narrowestEncoding(Float64Array.from([-0, 3]))).toBe('f32');
    expect(narrowestEncoding(Float64Array.from([0.1]))).toBe('f64');
  });

  it('round-trips every encoding bit for bit, with the byte sizes of the encoding', () => {
    for (const values of [[0, 1, 254, 255], [1.5, -2.25, 1e30, -0], [0.1, Math.PI, -1e-300, 5e-324]]) {
      const x = Float64Array.from(values);
      const { encoding, base64 } = encodeMatrix(x);
      const size = { u8: 1, f32: 4, f64: 8 }[encoding];
      expect(base64ToBytes(base64)).toHaveLength(values.length * size);
      const back = decodeMatrix(base64, encoding, values.length);
      expect(Array.from(back).every((v, k) => Object.is(v, x[k]))).toBe(true);
    }
  });

  it('refuses a byte count that does not match', () => {
    const { base64 } = encodeMatrix(Float64Array.from([0.1, 0.2]));
    expect(() => decodeMatrix(base64, 'f64', 3)).toThrow('Expected 3 f64 values (24 bytes), got 16 bytes.');
  });
});
