import { describe, expect, it } from 'vitest';
import { centerRows, columnMeans, gram } from '../../../shared/math/dense/matrix.ts';
import { CHUNK_ROWS, RUN_CHUNKS, centeredGram, centeredGramKernel, type CenteredGramArgs, type GramTeam } from '../../../shared/math/dense/gram-blocks.ts';
import { laneDot } from '../../../shared/math/distances/gram-tiles.ts';
import { randomMatrix } from '../../engine/fixtures.ts';

/**
 * A team of `threads` simulated threads: each has its own kernel state, and every run's blocks run last to first,
 * dealt round-robin — another schedule than one thread's, over the same partition.
 */
function scheduledTeam(threads: number): GramTeam & { blocksRun: number; runs: number } {
  const team = {
    blocksRun: 0,
    runs: 0,
    shared: <T extends Float64Array | Int32Array>(array: T): T => array,
    alloc: (length: number) => new Float64Array(length),
    runBlocks(args: CenteredGramArgs, blocks: number): void {
      const states = Array.from({ length: threads }, () => centeredGramKernel.prepare(args));
      for (let b = blocks - 1; b >= 0; b--) centeredGramKernel.run(states[b % threads]!, b);
      team.blocksRun += blocks;
      team.runs++;
    },
  };
  return team;
}

const same = (a: Float64Array, b: Float64Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

describe('centeredGram: (X − 1μᵀ)ᵀ(X − 1μᵀ) in row blocks', () => {
  it.each([
    [1, 1],
    [7, 3],
    [33, 70],
    [2 * CHUNK_ROWS + 5, 13],
    [CHUNK_ROWS + 1, 130],
  ])('n = %i, d = %i: equals dense.ts gram of the centered rows (to rounding), the SIMD and TypeScript paths bit for bit', (n, d) => {
    const X = randomMatrix(n, d, n + d);
    const mean = columnMeans(X, n, d);
    const reference = gram(centerRows(X, n, d, mean), n, d);
    const simd = centeredGram(X, n, d, mean);
    const plain = centeredGram(X, n, d, mean, false);
    let scale = 0;
    for (const v of reference) scale = Math.max(scale, Math.abs(v));
    for (let t = 0; t < d * d; t++) expect(Math.abs(simd[t]! - reference[t]!)).toBeLessThanOrEqual(1e-13 * scale);
    expect(Array.from(simd)).toEqual(Array.from(plain));
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) expect(simd[a * d + b]).toBe(simd[b * d + a]);
  });

  it('with group means, each row centered by its group mean: the same bits as the gram of a centered copy', () => {
    const [n, d] = [CHUNK_ROWS + 9, 11];
    const X = randomMatrix(n, d, 4);
    const of = Int32Array.from({ length: n }, (_, i) => (i * 7) % 3);
    const means = randomMatrix(3, d, 5);
    const centered = new Float64Array(n * d);
    for (let i = 0; i < n; i++) for (let f = 0; f < d; f++) centered[i * d + f] = X[i * d + f]! - means[of[i]! * d + f]!;
    for (const preferSimd of [true, false]) {
      expect(Array.from(centeredGram(X, n, d, { of, means }, preferSimd))).toEqual(Array.from(centeredGram(centered, n, d, null, preferSimd)));
    }
    expect(() => centeredGram(X, n, d, { of: of.subarray(1), means })).toThrow(
      new RangeError(`centeredGram: the group means need ${n} group indices and rows of ${d} entries.`),
    );
  });

  it('without a mean it is XᵀX; empty data give zeros; a wrong length is refused', () => {
    const X = Float64Array.of(1, 2, 3, 4, 5, 6); // (3, 2)
    expect(Array.from(centeredGram(X, 3, 2, null))).toEqual([35, 44, 44, 56]);
    expect(Array.from(centeredGram(new Float64Array(0), 0, 2, null))).toEqual([0, 0, 0, 0]);
    expect(() => centeredGram(X, 4, 2, null)).toThrow(new RangeError('centeredGram: expected 4×2 entries, got 6.'));
  });

  it.each([
    [3 * CHUNK_ROWS + 17, 9],
    [RUN_CHUNKS * CHUNK_ROWS + 2 * CHUNK_ROWS - 3, 70],
  ])('n = %i, d = %i: each entry is its chunks\' lane sums added in chunk order, on one thread and on teams of 1, 2 and 3', (n, d) => {
    const X = randomMatrix(n, d, n);
    const mean = columnMeans(X, n, d);
    const chunks = Math.ceil(n / CHUNK_ROWS);
    // The naive order the file comment states: per chunk, laneDot over its centered rows (the chunk's columns of the
    // transposed rows), added into G chunk after chunk.
    const expected = new Float64Array(d * d);
    const column = (f: number, r0: number, rows: number): Float64Array => Float64Array.from({ length: rows }, (_, t) => X[(r0 + t) * d + f]! - mean[f]!);
    for (let c = 0; c < chunks; c++) {
      const r0 = c * CHUNK_ROWS;
      const rows = Math.min(CHUNK_ROWS, n - r0);
      const columns = Array.from({ length: d }, (_, f) => column(f, r0, rows));
      for (let a = 0; a < d; a++) for (let b = a; b < d; b++) expected[a * d + b]! += laneDot(columns[a]!, 0, columns[b]!, 0, rows);
    }
    for (let a = 0; a < d; a++) for (let b = 0; b < a; b++) expected[a * d + b] = expected[b * d + a]!;
    for (const preferSimd of [true, false]) {
      expect(same(centeredGram(X, n, d, mean, preferSimd), expected)).toBe(true);
      for (const threads of [1, 2, 3]) {
        const team = scheduledTeam(threads);
        expect(same(centeredGram(X, n, d, mean, preferSimd, team), expected)).toBe(true);
        expect(team.blocksRun).toBe(chunks);
        expect(team.runs).toBe(Math.ceil(chunks / RUN_CHUNKS));
      }
    }
  });

  it('with group means on a team of 2 and 3 threads: the bits of one thread', () => {
    const [n, d] = [2 * CHUNK_ROWS + 300, 20];
    const X = randomMatrix(n, d, 8);
    const of = Int32Array.from({ length: n }, (_, i) => (i * 5) % 4);
    const means = randomMatrix(4, d, 9);
    const alone = centeredGram(X, n, d, { of, means });
    for (const threads of [2, 3]) expect(same(centeredGram(X, n, d, { of, means }, true, scheduledTeam(threads)), alone)).toBe(true);
  });
});
