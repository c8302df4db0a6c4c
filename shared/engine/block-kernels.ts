/**
 * The kernels a fit can share out over a team of threads, by name: the fitting thread posts (name, arguments) and
 * every thread of the team looks the code up here (src-main/jobs/block-team.ts). Each kernel's partition and
 * outputs follow the rule of {@link BlockKernel}: the same bits for any number of threads.
 */
import { qlRotationKernel } from '../math/decompositions/index.ts';
import { centeredGramKernel, dotRows, pairSquaredDistances, timesRowsBlock, timesRowsScratch } from '../math/dense/index.ts';
import type { BlockKernel } from './block-kernel.ts';
import { itmlDistanceKernel } from './learners/itml-distances.ts';
import { lmnnImpostorKernel, lmnnReachKernel, lmnnTargetKernel } from './learners/lmnn-neighbours.ts';
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

/** Number of blocks of {@link dotRowsUpperKernel} for A of `ma` rows. */
export function dotRowsUpperBlocks(ma: number): number {
  return Math.ceil(ma / ROWS_OF_A);
}

/**
 * `dotRows` with `upper` (A and B of ma rows, entries j ≥ i), over blocks of A's rows: block b computes its rows
 * against B's rows from its first row on. Every entry is the same plain dot product in column order whatever the
 * tiling, so the same bits as one `dotRows(…, true)`.
 */
const dotRowsUpperKernel: BlockKernel<DotRowsArgs, DotRowsArgs> = {
  prepare: (args) => args,
  run({ A, ma, B, len, out, outStride }, b) {
    const first = b * ROWS_OF_A;
    const end = Math.min(ma, first + ROWS_OF_A);
    dotRows(A.subarray(first * len, end * len), end - first, B.subarray(first * len), ma - first, len, out.subarray(first * outStride + first), outStride, true);
  },
};

/** out[p] = ‖Z_{a_p} − Z_{b_p}‖² for pairs p of one block, as dense/row-products.ts `pairSquaredDistances`. */
interface PairDistancesArgs {
  Z: Float64Array;
  k: number;
  count: number;
  a: Int32Array;
  b: Int32Array;
  out: Float64Array;
}

/** Pairs per block of {@link pairDistancesKernel}: fixed, never by thread count. */
const PAIRS_PER_BLOCK = 4096;

/** Number of blocks of {@link pairDistancesKernel} for `count` pairs. */
export function pairDistancesBlocks(count: number): number {
  return Math.ceil(count / PAIRS_PER_BLOCK);
}

/** Block b: pairs b·{@link PAIRS_PER_BLOCK} …, each distance written by its block with `pairSquaredDistances`' code. */
const pairDistancesKernel: BlockKernel<PairDistancesArgs, PairDistancesArgs> = {
  prepare: (args) => args,
  run({ Z, k, count, a, b, out }, block) {
    const first = block * PAIRS_PER_BLOCK;
    const end = Math.min(count, first + PAIRS_PER_BLOCK);
    pairSquaredDistances(Z, k, { count: end - first, a: a.subarray(first, end), b: b.subarray(first, end) }, out.subarray(first, end));
  },
};

/**
 * Each row's pairs, for gathering a pair scatter by rows: row r's entries `entries[start[r] … start[r+1])` are 2p for
 * a pair p with a_p = r and 2p + 1 for one with b_p = r, in increasing p (a before b for a pair from r to r itself):
 * the order in which dense/row-products.ts `pairScatterRows` adds the terms of row r.
 */
export interface PairIncidence {
  start: Int32Array;
  entries: Int32Array;
}

/** The {@link PairIncidence} of `pairs` over n rows, in arrays from `allocInt32`. O(n + m). */
export function pairIncidence(n: number, pairs: { count: number; a: Int32Array; b: Int32Array }, allocInt32: (length: number) => Int32Array): PairIncidence {
  const start = allocInt32(n + 1);
  for (let p = 0; p < pairs.count; p++) {
    start[pairs.a[p]! + 1]!++;
    start[pairs.b[p]! + 1]!++;
  }
  for (let r = 0; r < n; r++) start[r + 1]! += start[r]!;
  const next = start.slice(0, n);
  const entries = allocInt32(2 * pairs.count);
  for (let p = 0; p < pairs.count; p++) {
    entries[next[pairs.a[p]!]!++] = 2 * p;
    entries[next[pairs.b[p]!]!++] = 2 * p + 1;
  }
  return { start, entries };
}

/** Bᵀ (width, n) of the pair scatter B = (D − S)·V, as `pairScatterRows`, gathered by rows through `incidence`. */
interface PairScatterRowsArgs {
  V: Float64Array;
  n: number;
  width: number;
  a: Int32Array;
  b: Int32Array;
  weights: Float64Array;
  skipBelow: number;
  incidence: PairIncidence;
  Bt: Float64Array;
}

/** Rows per block of {@link pairScatterRowsKernel}: fixed, never by thread count. */
const SCATTER_ROWS = 64;

/** Number of blocks of {@link pairScatterRowsKernel} for n rows. */
export function pairScatterRowsBlocks(n: number): number {
  return Math.ceil(n / SCATTER_ROWS);
}

/**
 * Block b: rows b·{@link SCATTER_ROWS} … of B, each summing its pairs' terms in pair order with `pairScatterRows`'
 * arithmetic (w·(v_a − v_b) added at a, subtracted at b, from 0), then written into its columns of Bᵀ: the same bits.
 */
const pairScatterRowsKernel: BlockKernel<PairScatterRowsArgs, { args: PairScatterRowsArgs; rows: Float64Array }> = {
  prepare: (args) => ({ args, rows: new Float64Array(SCATTER_ROWS * args.width) }),
  run({ args, rows }, block) {
    const { V, n, width, a, b, weights, skipBelow, incidence, Bt } = args;
    const first = block * SCATTER_ROWS;
    const end = Math.min(n, first + SCATTER_ROWS);
    rows.fill(0);
    for (let r = first; r < end; r++) {
      const o = (r - first) * width;
      for (let t = incidence.start[r]!; t < incidence.start[r + 1]!; t++) {
        const e = incidence.entries[t]!;
        const p = e >> 1;
        const w = weights[p]!;
        if (!(Math.abs(w) > skipBelow)) continue;
        const ra = a[p]! * width;
        const rb = b[p]! * width;
        if ((e & 1) === 0) {
          for (let f = 0; f < width; f++) rows[o + f]! += w * (V[ra + f]! - V[rb + f]!);
        } else {
          for (let f = 0; f < width; f++) rows[o + f]! -= w * (V[ra + f]! - V[rb + f]!);
        }
      }
    }
    for (let f = 0; f < width; f++) {
      const column = f * n;
      for (let r = first; r < end; r++) Bt[column + r] = rows[(r - first) * width + f]!;
    }
  },
};

export const BLOCK_KERNELS = {
  dotRows: dotRowsKernel,
  timesRows: timesRowsKernel,
  ncaCandidates: ncaCandidateKernel,
  centeredGram: centeredGramKernel,
  qlRotations: qlRotationKernel,
  lmnnTargets: lmnnTargetKernel,
  lmnnReach: lmnnReachKernel,
  lmnnImpostors: lmnnImpostorKernel,
  dotRowsUpper: dotRowsUpperKernel,
  pairDistances: pairDistancesKernel,
  pairScatterRows: pairScatterRowsKernel,
  itmlDistances: itmlDistanceKernel,
} as const;

export type BlockKernelName = keyof typeof BLOCK_KERNELS;
export type BlockKernelArgs<K extends BlockKernelName> = Parameters<(typeof BLOCK_KERNELS)[K]['prepare']>[0];
/** What a block of kernel K hands back to the caller (void: it writes its part of the outputs in place). */
export type BlockKernelPart<K extends BlockKernelName> = ReturnType<(typeof BLOCK_KERNELS)[K]['run']>;
