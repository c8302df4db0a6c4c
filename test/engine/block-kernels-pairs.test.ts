/**
 * The pair kernels of block-kernels.ts (the upper row product, the pair distances and the pair scatter's rows), run
 * block by block last to first as a team might: the same bits as the one-thread functions they stand for, and the
 * gradient they feed the same as pairScatterGradient's own.
 */
import { describe, expect, it } from 'vitest';
import { BLOCK_KERNELS, dotRowsUpperBlocks, pairDistancesBlocks, pairIncidence, pairScatterRowsBlocks } from '../../shared/engine/block-kernels.ts';
import type { BlockKernel } from '../../shared/engine/block-kernel.ts';
import { dotRows, pairScatterGradient, pairScatterRows, pairScatterWorkLength, pairSquaredDistances, transposeInto } from '../../shared/math/dense/row-products.ts';
import { createRng } from '../../shared/math/random/seeded-random.ts';

const same = (a: Float64Array, b: Float64Array): boolean => Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Every block of `kernel`, last to first, on two simulated threads with a state each. */
function runBackwards<Args>(kernel: BlockKernel<Args, unknown, void>, args: Args, blocks: number): void {
  const states = [kernel.prepare(args), kernel.prepare(args)];
  for (let b = blocks - 1; b >= 0; b--) kernel.run(states[b % 2]!, b);
}

describe('pair kernels over blocks', () => {
  const rng = createRng(11);
  const n = 301;
  const d = 7;
  const X = Float64Array.from({ length: n * d }, () => rng.normal());
  // Pairs with repeated rows and a row paired with itself, more than one block of pairs.
  const m = 9000;
  const a = Int32Array.from({ length: m }, () => Math.floor(rng.next() * n));
  const b = Int32Array.from({ length: m }, (_, p) => (p % 997 === 0 ? a[p]! : Math.floor(rng.next() * n)));
  const weights = Float64Array.from({ length: m }, (_, p) => (p % 5 === 0 ? 0 : rng.normal()));

  it('computes the upper row product and the pair distances with the bits of one thread', () => {
    const upper = new Float64Array(n * n);
    dotRows(X, n, X, n, d, upper, n, true);
    const blocked = new Float64Array(n * n);
    runBackwards(BLOCK_KERNELS.dotRowsUpper, { A: X, ma: n, B: X, mb: n, len: d, out: blocked, outStride: n }, dotRowsUpperBlocks(n));
    expect(same(blocked, upper)).toBe(true);
    const distances = new Float64Array(m);
    pairSquaredDistances(X, d, { count: m, a, b }, distances);
    const blockedDistances = new Float64Array(m);
    expect(pairDistancesBlocks(m)).toBeGreaterThan(1);
    runBackwards(BLOCK_KERNELS.pairDistances, { Z: X, k: d, count: m, a, b, out: blockedDistances }, pairDistancesBlocks(m));
    expect(same(blockedDistances, distances)).toBe(true);
  });

  it("gathers the pair scatter's rows with the bits of the serial scatter, and the gradient follows", () => {
    const pairs = { count: m, a, b };
    for (const skipBelow of [0, 0.5]) {
      const Bt = new Float64Array(n * d);
      pairScatterRows(X, n, d, pairs, weights, skipBelow, Bt, new Float64Array(n * d));
      const gathered = new Float64Array(n * d);
      const incidence = pairIncidence(n, pairs, (length) => new Int32Array(length));
      runBackwards(BLOCK_KERNELS.pairScatterRows, { V: X, n, width: d, a, b, weights, skipBelow, incidence, Bt: gathered }, pairScatterRowsBlocks(n));
      expect(same(gathered, Bt)).toBe(true);
    }
    // The gradient through the blocked scatter and the blocked upper product equals the one-thread gradient, bit for bit.
    const k = d; // full rank: formula (a), B = (D − S)X and the upper product XᵀB
    const L = Float64Array.from({ length: k * d }, () => rng.normal());
    const Z = new Float64Array(n * k);
    dotRows(X, n, L, k, d, Z, k);
    const Xt = new Float64Array(n * d);
    transposeInto(X, n, d, Xt);
    const work = new Float64Array(2 * n * d + d * d); // room for formula (a): the upper product XᵀB
    const alone = new Float64Array(k * d);
    pairScatterGradient(X, Xt, n, d, L, Z, k, pairs, weights, alone, work);
    const incidence = pairIncidence(n, pairs, (length) => new Int32Array(length));
    const blocked = new Float64Array(k * d);
    let upperRuns = 0;
    pairScatterGradient(
      X,
      Xt,
      n,
      d,
      L,
      Z,
      k,
      pairs,
      weights,
      blocked,
      new Float64Array(Math.max(work.length, pairScatterWorkLength(n, d, k))),
      0,
      (A, ma, B, mb, len, out, outStride, upper) => {
        if (!upper) return dotRows(A, ma, B, mb, len, out, outStride);
        upperRuns++;
        runBackwards(BLOCK_KERNELS.dotRowsUpper, { A, ma, B, mb, len, out, outStride }, dotRowsUpperBlocks(ma));
      },
      (V, rows, width, _pairs, w, skipBelow, Bt) =>
        runBackwards(BLOCK_KERNELS.pairScatterRows, { V, n: rows, width, a, b, weights: w, skipBelow, incidence, Bt }, pairScatterRowsBlocks(rows)),
    );
    expect(upperRuns).toBe(1);
    expect(same(blocked, alone)).toBe(true);
  });
});
