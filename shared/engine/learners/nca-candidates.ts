/**
 * NCA's candidate pairs (the truncated softmax of nca.ts): for each row i, the rows near enough in the current
 * embedding to carry softmax mass, chosen by {@link NcaTruncation} from the squared distances of row i to every row,
 * and how much mass the previous candidates had lost ("staleness"). MLKR's kernel regression uses the same graph.
 *
 * The distances are the Gram identity's (distances/gram.ts). Up to {@link FULL_MATRIX_ROWS} rows the symmetric
 * matrix is formed once; beyond, rows are taken in blocks of {@link DISTANCE_ROW_BLOCK} on the distance tiles,
 * and each block is one block of {@link ncaCandidateKernel}, which a fit's team of threads shares out: every row's
 * candidates and staleness are written by the block that holds the row, and the caller sums the staleness in row
 * order, so the graph and its staleness have the same bits for any number of threads.
 */
import type { BlockKernel } from '../block-kernel.ts';
import { forEachRowList, runBlocksHere } from '../block-kernel.ts';
import {
  createGramDistanceTiles,
  distanceRowBlock,
  DISTANCE_ROW_BLOCK,
  FULL_MATRIX_ROWS,
  forEachDistanceRow,
  TILE_ROWS,
  type GramDistanceTiles,
} from '../../math/distances/index.ts';
import { pairGraphFromNeighbours, smallestIndices, smallestIndicesSorted, type PairGraph } from '../../math/neighbours/index.ts';

/** The truncation rule (see nca.ts). Fixed constants, documented, not user parameters. */
export interface NcaTruncation {
  /** Candidates of i: every j with d_ij ≤ max(d_i,min + tau, (1 + relativeMargin)·d_i,min). */
  tau: number;
  /**
   * For far-out rows (large d_i,min) a small relative change of L moves distances by more than tau; the relative
   * margin keeps the neighbours that such a change could bring to the front.
   */
  relativeMargin: number;
  minCandidates: number;
  maxCandidates: number;
}

export const NCA_TRUNCATION: NcaTruncation = { tau: 24, relativeMargin: 0.2, minCandidates: 10, maxCandidates: 160 };

/** A candidate refresh: the new pair graph and how stale the previous one had become. */
export interface CandidateRefresh {
  graph: PairGraph;
  /**
   * Σ_i ρ_i of the *previous* graph at this embedding: the softmax mass it was missing when it was replaced
   * (an upper bound on |f − f̃| at the end of the previous phase). 0 without a previous graph.
   */
  staleness: number;
}

/** The candidate cap applies only while the mass it could drop from a row is below this (relative to the nearest). */
const CAP_MASS = 1e-9;

/** Beyond this gap above a row's nearest distance, e^{−gap} < 5·10⁻¹⁸ is treated as 0 in the staleness sum. */
const NEGLIGIBLE_GAP = 40;

/** The arrays of a pair graph a row's staleness reads: the previous graph's pairs by row. */
type PreviousPairs = Pick<PairGraph, 'rowStart' | 'rowPairs' | 'a' | 'b'>;

/** Scratch of one thread for {@link candidatesOfRow}. */
interface RowScratch {
  /** member[j] = i while row i's previous candidates are marked (−1 before any). */
  member: Int32Array | null;
  /** The rows under the cut, of one row at a time. */
  picked: Int32Array;
}

const rowScratch = (n: number, previous: PreviousPairs | null): RowScratch => ({
  member: previous ? new Int32Array(n).fill(-1) : null,
  picked: new Int32Array(n),
});

/**
 * Row i's candidates by `rule` from `row` (row[j] = d_ij, row[i] ignored), and with `previous`, the share ρ_i of
 * row i's softmax mass outside its previous candidates (0 without).
 */
function candidatesOfRow(
  i: number,
  row: Float64Array,
  n: number,
  rule: NcaTruncation,
  previous: PreviousPairs | null,
  scratch: RowScratch,
): { list: Int32Array; rho: number } {
  const minC = Math.min(rule.minCandidates, n - 1);
  const maxC = Math.min(rule.maxCandidates, n - 1);
  let min = Number.POSITIVE_INFINITY;
  for (let j = 0; j < n; j++) if (j !== i && row[j]! < min) min = row[j]!;
  let rho = 0;
  const member = scratch.member;
  if (previous && member) {
    for (let t = previous.rowStart[i]!; t < previous.rowStart[i + 1]!; t++) {
      const p = previous.rowPairs[t]!;
      member[previous.a[p] === i ? previous.b[p]! : previous.a[p]!] = i;
    }
    const far = min + NEGLIGIBLE_GAP;
    let total = 0;
    let outside = 0;
    for (let j = 0; j < n; j++) {
      const v = row[j]!;
      if (j === i || v > far) continue;
      const e = Math.exp(min - v);
      total += e;
      if (member[j] !== i) outside += e;
    }
    rho = outside / total;
  }
  const cut = Math.max(min + rule.tau, min * (1 + rule.relativeMargin));
  const picked = scratch.picked;
  let count = 0;
  for (let j = 0; j < n; j++) {
    if (row[j]! <= cut && j !== i) picked[count++] = j;
  }
  if (count < minC) return { list: smallestIndicesSorted(row, n, minC, i), rho };
  if (count > maxC) {
    // The cap is for speed only: keep it when the rows it drops carry no real mass (they are all at least as far
    // as the farthest kept one); with many ties near the front (duplicates, discrete features) keep them all.
    const kept = smallestIndices(row, n, maxC, i);
    let farthest = 0;
    for (const j of kept) if (row[j]! > farthest) farthest = row[j]!;
    return { list: (count - maxC) * Math.exp(min - farthest) <= CAP_MASS ? kept : picked.slice(0, count), rho };
  }
  return { list: picked.slice(0, count), rho };
}

/**
 * The arguments of one candidate refresh over row blocks: the embedding Z (n, k), the rule, the previous graph's
 * pairs (or null), and where each row's ρ_i goes. Block b hands back its rows' lists as one Int32Array:
 * [count of each of its rows …, the lists one after the other].
 */
export interface CandidateBlocksArgs {
  Z: Float64Array;
  n: number;
  k: number;
  tau: number;
  relativeMargin: number;
  minCandidates: number;
  maxCandidates: number;
  previous: PreviousPairs | null;
  /** (n) ρ_i of the previous graph (0 without one). */
  rho: Float64Array;
}

interface CandidateBlocksState {
  args: CandidateBlocksArgs;
  rule: NcaTruncation;
  tiles: GramDistanceTiles;
  /** (DISTANCE_ROW_BLOCK, n) the distance rows of one block. */
  block: Float64Array;
  queryNorms: Float64Array;
  scratch: RowScratch;
}

/**
 * This thread's tiles and distance block of its last refresh, taken over by its next refresh of the same shape: a
 * refresh of 60,000 rows in 32 dimensions needs 77 MB of them per thread, which a fit would otherwise allocate anew
 * (and leave to the garbage collector) some twenty times. Kept until a refresh of another shape on this thread.
 */
let lastScratch: { n: number; k: number; tiles: GramDistanceTiles; block: Float64Array } | null = null;

/** Block b: rows b·{@link DISTANCE_ROW_BLOCK} … of the refresh, their distance rows on this thread's tiles. */
export const ncaCandidateKernel: BlockKernel<CandidateBlocksArgs, CandidateBlocksState, Int32Array> = {
  prepare(args) {
    const { Z, n, k, tau, relativeMargin, minCandidates, maxCandidates } = args;
    const reuse = lastScratch && lastScratch.n === n && lastScratch.k === k ? lastScratch : null;
    const tiles = createGramDistanceTiles(Z, n, k, true, reuse?.tiles);
    const block = reuse ? reuse.block : new Float64Array(DISTANCE_ROW_BLOCK * n);
    lastScratch = { n, k, tiles, block };
    return { args, rule: { tau, relativeMargin, minCandidates, maxCandidates }, tiles, block, queryNorms: new Float64Array(TILE_ROWS), scratch: rowScratch(n, args.previous) };
  },
  run(state, b) {
    const { Z, n, previous, rho } = state.args;
    const start = b * DISTANCE_ROW_BLOCK;
    const rows = Math.min(DISTANCE_ROW_BLOCK, n - start);
    distanceRowBlock(state.tiles, Z, n, start, rows, state.block, state.queryNorms);
    const lists: Int32Array[] = [];
    let total = rows;
    for (let r = 0; r < rows; r++) {
      const { list, rho: rowRho } = candidatesOfRow(start + r, state.block.subarray(r * n, (r + 1) * n), n, state.rule, previous, state.scratch);
      rho[start + r] = rowRho;
      lists.push(list);
      total += list.length;
    }
    const part = new Int32Array(total);
    let at = rows;
    for (let r = 0; r < rows; r++) {
      part[r] = lists[r]!.length;
      part.set(lists[r]!, at);
      at += lists[r]!.length;
    }
    return part;
  },
};

/**
 * How a refresh's row blocks run over a fit's team of threads (the fit's `BlockProducts`, learner.ts, with this
 * kernel's name): arrays the threads can share, and the run, whose parts come back in block order.
 */
export interface CandidateTeam {
  shared<T extends Float64Array | Int32Array>(array: T): T;
  alloc(length: number): Float64Array;
  runBlocks(args: CandidateBlocksArgs, blocks: number): Int32Array[];
}

/**
 * Candidate pair graph for the truncated softmax in the embedding Z (n, k), by the rule of {@link NcaTruncation}.
 * Cost O(n²·k/2) for the distances plus O(n²) for the selection; memory O(n²) up to {@link FULL_MATRIX_ROWS} rows
 * (pass `buffer`, n² entries, to reuse one), O(64·n) per thread beyond. With `previous`, also measures that graph's
 * staleness. With `team`, the row blocks beyond {@link FULL_MATRIX_ROWS} rows are shared out over the fit's
 * threads (the same graph and staleness, bit for bit).
 */
export function ncaCandidateGraph(
  Z: Float64Array,
  n: number,
  k: number,
  rule: NcaTruncation = NCA_TRUNCATION,
  buffer?: Float64Array,
  previous?: PairGraph,
  team?: CandidateTeam | null,
): CandidateRefresh {
  const neighbours: Int32Array[] = new Array<Int32Array>(n);
  let staleness = 0;
  if (n <= FULL_MATRIX_ROWS) {
    const scratch = rowScratch(n, previous ?? null);
    forEachDistanceRow(
      Z,
      n,
      k,
      (i, row) => {
        const { list, rho } = candidatesOfRow(i, row, n, rule, previous ?? null, scratch);
        neighbours[i] = list;
        staleness += rho;
      },
      buffer,
    );
    return { graph: pairGraphFromNeighbours(n, neighbours), staleness };
  }
  const share = <T extends Float64Array | Int32Array>(a: T): T => (team ? team.shared(a) : a);
  const args: CandidateBlocksArgs = {
    Z: share(Z),
    n,
    k,
    ...rule,
    previous: previous ? { rowStart: share(previous.rowStart), rowPairs: share(previous.rowPairs), a: share(previous.a), b: share(previous.b) } : null,
    rho: team ? team.alloc(n) : new Float64Array(n),
  };
  const blocks = Math.ceil(n / DISTANCE_ROW_BLOCK);
  const parts = team ? team.runBlocks(args, blocks) : runBlocksHere(ncaCandidateKernel, args, blocks);
  forEachRowList(parts, n, DISTANCE_ROW_BLOCK, (row, list) => (neighbours[row] = list));
  for (let i = 0; i < n; i++) staleness += args.rho[i]!;
  return { graph: pairGraphFromNeighbours(n, neighbours), staleness };
}
