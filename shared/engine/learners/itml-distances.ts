/**
 * ITML's O(r²·d) pass over the rows its pairs touch, as a block kernel (block-kernels.ts runs it by name on a fit's
 * team). Apart from itml.ts so that the kernel registry does not import a learner, which imports the registry's types.
 */
import { createRowDotKernel, type RowDotKernel } from '../../math/wasm/index.ts';
import type { BlockKernel } from '../block-kernel.ts';

/**
 * The distances of ITML's distance percentiles (itml.ts `pairwiseDistancePercentiles`) in row blocks: the rows `rows` of X (n, d), their squared norms
 * `norms` (r), and `distances` (r(r − 1)/2), where row a's distances to the later rows b > a go, in b order, from
 * a·(r − 1) − a(a − 1)/2 on. Each block writes its rows' entries only.
 */
export interface ItmlDistanceBlocksArgs {
  X: Float64Array;
  d: number;
  rows: Int32Array;
  norms: Float64Array;
  distances: Float64Array;
}

/** Rows per block of {@link itmlDistanceKernel}: fixed, never by thread count. */
const DISTANCE_ROWS = 64;

/** Number of blocks of {@link itmlDistanceKernel} for r rows. */
export function itmlDistanceBlocks(r: number): number {
  return Math.ceil(r / DISTANCE_ROWS);
}

/**
 * Block b: rows b·{@link DISTANCE_ROWS} … against every later row, on this thread's SIMD row-dot kernel holding the r
 * rows (each dot product summed as that kernel sums it wherever it starts): the same bits on any thread.
 */
export const itmlDistanceKernel: BlockKernel<ItmlDistanceBlocksArgs, { args: ItmlDistanceBlocksArgs; kernel: RowDotKernel }> = {
  prepare(args) {
    const { X, d, rows } = args;
    const kernel = createRowDotKernel(rows.length, d);
    for (let a = 0; a < rows.length; a++) kernel.A.set(X.subarray(rows[a]! * d, rows[a]! * d + d), a * kernel.cp);
    return { args, kernel };
  },
  run({ args, kernel }, block) {
    const { norms, distances } = args;
    const { A, x, out, cp } = kernel;
    const r = norms.length;
    const first = block * DISTANCE_ROWS;
    const end = Math.min(r, first + DISTANCE_ROWS);
    for (let a = first; a < end; a++) {
      x.set(A.subarray(a * cp, a * cp + cp));
      kernel.rowDots(a + 1, r - a - 1);
      const na = norms[a]!;
      let k = a * (r - 1) - (a * (a - 1)) / 2;
      for (let b = a + 1; b < r; b++) {
        const squared = na + norms[b]! - 2 * out[b]!;
        distances[k++] = squared > 0 ? Math.sqrt(squared) : 0;
      }
    }
  },
};
