/**
 * The kernels a fit can share out over a team of threads, by name: the fitting thread posts (name, arguments) and
 * every thread of the team looks the code up here (src-main/jobs/block-team.ts). Each kernel's partition and
 * outputs follow the rule of {@link BlockKernel}: the same bits for any number of threads.
 */
import { qlRotationKernel } from '../math/decompositions/index.ts';
import { centeredGramKernel, dotRows, timesRowsBlock, timesRowsScratch } from '../math/dense/index.ts';
import type { BlockKernel } from './block-kernel.ts';
import { ncaCandidateKernel } from './learners/nca-candidates.ts';

/** out[i·outStride + j] = ⟨A_i, B_j⟩ for A (ma, len) and B (mb, len), as `dotRows` (not `upper`). */
interface DotRowsArgs {
  A: Float64Array;
  ma: number;
  B: Float64Array;
  mb: number;
  len: number;
  out: Float64Array;
  outStride: number;
}

/** Rows of A (or of B, when B has more rows) per block of {@link dotRowsKernel}: fixed, never by thread count. */
const ROWS_OF_A = 64;
const ROWS_OF_B = 16;

/** Number of blocks of {@link dotRowsKernel} for these shapes. */
export function dotRowsBlocks(ma: number, mb: number): number {
  return ma >= mb ? Math.ceil(ma / ROWS_OF_A) : Math.ceil(mb / ROWS_OF_B);
}

/** Block b: a slice of A's rows (or of B's) against all of the other, with `dotRows`' own code. */
const dotRowsKernel: BlockKernel<DotRowsArgs, DotRowsArgs> = {
  prepare: (args) => args,
  run({ A, ma, B, mb, len, out, outStride }, b) {
    if (ma >= mb) {
      const first = b * ROWS_OF_A;
      const end = Math.min(ma, first + ROWS_OF_A);
      dotRows(A.subarray(first * len, end * len), end - first, B, mb, len, out.subarray(first * outStride), outStride);
    } else {
      const first = b * ROWS_OF_B;
      const end = Math.min(mb, first + ROWS_OF_B);
      dotRows(A, ma, B.subarray(first * len, end * len), end - first, len, out.subarray(first), outStride);
    }
  },
};

/** out (ma, d) = A (ma, n)·X (n, d) as `timesRows`, a block of X's columns per block (`timesRowsBlocks`). */
interface TimesRowsArgs {
  A: Float64Array;
  ma: number;
  X: Float64Array;
  n: number;
  d: number;
  out: Float64Array;
}

/** Each thread gathers its blocks' columns of X into its own buffer (columns, n). */
const timesRowsKernel: BlockKernel<TimesRowsArgs, { args: TimesRowsArgs; columns: Float64Array }> = {
  prepare: (args) => ({ args, columns: timesRowsScratch(args.n) }),
  run({ args: { A, ma, X, n, d, out }, columns }, block) {
    timesRowsBlock(A, ma, X, n, d, out, block, columns);
  },
};

export const BLOCK_KERNELS = {
  dotRows: dotRowsKernel,
  timesRows: timesRowsKernel,
  ncaCandidates: ncaCandidateKernel,
  centeredGram: centeredGramKernel,
  qlRotations: qlRotationKernel,
} as const;

export type BlockKernelName = keyof typeof BLOCK_KERNELS;
export type BlockKernelArgs<K extends BlockKernelName> = Parameters<(typeof BLOCK_KERNELS)[K]['prepare']>[0];
/** What a block of kernel K hands back to the caller (void: it writes its part of the outputs in place). */
export type BlockKernelPart<K extends BlockKernelName> = ReturnType<(typeof BLOCK_KERNELS)[K]['run']>;
