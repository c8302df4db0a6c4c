/**
 * A fit's row-block products (learner.ts `BlockProducts`) on simulated threads: every run's blocks go last to first,
 * dealt round-robin over `threads` kernel states, another schedule than one thread's over the same partition. A
 * learner given these must return the bits it returns without products.
 */
import type { BlockKernel } from '../../shared/engine/block-kernel.ts';
import { BLOCK_KERNELS, dotRowsBlocks, dotRowsUpperBlocks, type BlockKernelName } from '../../shared/engine/block-kernels.ts';
import type { BlockProducts } from '../../shared/engine/learner.ts';
import { timesRowsBlocks } from '../../shared/math/dense/index.ts';

export function scheduledProducts(threads = 2): BlockProducts & { runs: Partial<Record<BlockKernelName, number>> } {
  const runs: Partial<Record<BlockKernelName, number>> = {};
  const products: BlockProducts & { runs: typeof runs } = {
    runs,
    shared: (array) => array,
    alloc: (length) => new Float64Array(length),
    allocInt32: (length) => new Int32Array(length),
    dotRows(A, ma, B, mb, len, out, outStride, upper) {
      if (upper) products.runBlocks('dotRowsUpper', { A, ma, B, mb, len, out, outStride }, dotRowsUpperBlocks(ma));
      else products.runBlocks('dotRows', { A, ma, B, mb, len, out, outStride }, dotRowsBlocks(ma, mb));
    },
    timesRows(A, ma, X, n, d, out) {
      products.runBlocks('timesRows', { A, ma, X, n, d, out }, timesRowsBlocks(d));
    },
    runBlocks(name, args, blocks) {
      const kernel = BLOCK_KERNELS[name] as BlockKernel<typeof args, unknown, never>;
      runs[name] = (runs[name] ?? 0) + 1;
      const states = Array.from({ length: threads }, () => kernel.prepare(args));
      const parts = new Array<never>(blocks);
      for (let b = blocks - 1; b >= 0; b--) parts[b] = kernel.run(states[b % threads], b);
      return parts;
    },
  };
  return products;
}
