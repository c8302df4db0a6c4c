/**
 * LMNN's row passes (lmnn.ts): the target neighbours of every row ({@link selectTargets}), its candidate impostors
 * (the other-class rows within (1 + η) times its margin, {@link selectImpostors}), and the reach lists
 * ({@link ImpostorReach}) that make re-selecting them exact and cheap.
 *
 * Each pass goes row by row and is a named block kernel (block-kernels.ts) that a fit's team of threads shares out:
 * the targets and the reach lists' reset beyond {@link FULL_MATRIX_ROWS} rows ({@link lmnnTargetKernel},
 * {@link lmnnReachKernel}: O(n²·d) and O(n²·k) in blocks of {@link DISTANCE_ROW_BLOCK} rows on the Gram distance tiles)
 * and every selection ({@link lmnnImpostorKernel}, blocks of {@link IMPOSTOR_ROW_BLOCK} rows). Each block hands back
 * its rows' lists as one Int32Array part (with its rows' counts), the caller joins the parts in block order, and the
 * sums over rows (staleness, exact distances, full scans) are taken in row order: the lists, the staleness and so the
 * fit have the same bits for any number of threads.
 */
import type { BlockKernel } from '../block-kernel.ts';
import { forEachRowList, runBlocksHere } from '../block-kernel.ts';
import {
  createGramDistanceTiles,
  distanceRowBlock,
  distanceRowsBufferLength,
  DISTANCE_ROW_BLOCK,
  FULL_MATRIX_ROWS,
  forEachDistanceRow,
  rowSquaredDistance,
  TILE_ROWS,
  type GramDistanceTiles,
} from '../../math/distances/index.ts';
import { BoundedTopK, smallestIndices } from '../../math/neighbours/index.ts';

/** Relative slack η of the impostor radius (see lmnn.ts). */
export const IMPOSTOR_SLACK = 0.5;

/** Directed impostor candidates: for anchor i, `index[start[i] … start[i+1])` are other-class rows. */
export interface ImpostorLists {
  start: Int32Array;
  index: Int32Array;
}

/** CSR target lists (lmnn.ts `selectTargets`). */
interface TargetLists {
  start: Int32Array;
  index: Int32Array;
}

/**
 * How the row blocks of these passes run over a fit's team of threads (the fit's `BlockProducts`, learner.ts, with
 * these kernels' names): arrays the threads can share, and the runs, whose parts come back in block order. Absent:
 * every block on this thread.
 */
export interface LmnnTeam {
  shared<T extends Float64Array | Int32Array>(array: T): T;
  alloc(length: number): Float64Array;
  allocInt32(length: number): Int32Array;
  runTargets(args: TargetBlocksArgs, blocks: number): Int32Array[];
  runReach(args: ReachBlocksArgs, blocks: number): Int32Array[];
  runImpostors(args: ImpostorBlocksArgs, blocks: number): Int32Array[];
}

/** Row i's same-class rows offered to `top` (cleared first) from its distance row; returns how many it kept. */
function targetsOfRow(i: number, row: Float64Array, n: number, labels: Int32Array, top: BoundedTopK): number {
  top.clear();
  const yi = labels[i];
  for (let j = 0; j < n; j++) if (j !== i && labels[j] === yi) top.offer(row[j]!, j);
  return top.size;
}

/**
 * The arguments of the targets' row blocks (beyond {@link FULL_MATRIX_ROWS} rows): X (n, d), the labels and k. Block
 * b hands back [count of each of its rows …, the lists one after the other].
 */
export interface TargetBlocksArgs {
  X: Float64Array;
  n: number;
  d: number;
  labels: Int32Array;
  k: number;
}

interface TargetBlocksState {
  args: TargetBlocksArgs;
  tiles: GramDistanceTiles;
  block: Float64Array;
  queryNorms: Float64Array;
  top: BoundedTopK;
}

/** Block b: rows b·{@link DISTANCE_ROW_BLOCK} … of the targets, their distance rows on this thread's tiles of X. */
export const lmnnTargetKernel: BlockKernel<TargetBlocksArgs, TargetBlocksState, Int32Array> = {
  prepare: (args) => ({
    args,
    tiles: createGramDistanceTiles(args.X, args.n, args.d),
    block: new Float64Array(DISTANCE_ROW_BLOCK * args.n),
    queryNorms: new Float64Array(TILE_ROWS),
    top: new BoundedTopK(args.k),
  }),
  run(state, b) {
    const { X, n, labels, k } = state.args;
    const start = b * DISTANCE_ROW_BLOCK;
    const rows = Math.min(DISTANCE_ROW_BLOCK, n - start);
    distanceRowBlock(state.tiles, X, n, start, rows, state.block, state.queryNorms);
    const part = new Int32Array(rows + rows * k);
    let at = rows;
    for (let r = 0; r < rows; r++) {
      const size = targetsOfRow(start + r, state.block.subarray(r * n, (r + 1) * n), n, labels, state.top);
      part[r] = size;
      part.set(state.top.index.subarray(0, size), at);
      at += size;
    }
    return part.slice(0, at);
  },
};

/**
 * Target neighbours: for each row, the `k` nearest rows of the same class (squared Euclidean in X (n, d) by the Gram
 * identity; ties by lower index). A class with c ≤ k rows gives each of its rows its c − 1 classmates. Returned as
 * CSR: targets of i are `index[start[i] … start[i+1])`. Cost O(n²·d) time (see {@link forEachDistanceRow} for
 * memory); beyond {@link FULL_MATRIX_ROWS} rows in row blocks, over the threads of `team` when it is given (the same
 * lists, bit for bit).
 */
export function selectTargets(X: Float64Array, n: number, d: number, labels: Int32Array, k: number, team?: LmnnTeam | null): TargetLists {
  const start = new Int32Array(n + 1);
  const lists: Int32Array[] = [];
  if (n <= FULL_MATRIX_ROWS) {
    const top = new BoundedTopK(k);
    forEachDistanceRow(X, n, d, (i, row) => {
      const size = targetsOfRow(i, row, n, labels, top);
      lists.push(top.index.slice(0, size));
      start[i + 1] = start[i]! + size;
    });
  } else {
    const args: TargetBlocksArgs = { X: team ? team.shared(X) : X, n, d, labels: team ? team.shared(labels) : labels, k };
    const blocks = Math.ceil(n / DISTANCE_ROW_BLOCK);
    const parts = team ? team.runTargets(args, blocks) : runBlocksHere(lmnnTargetKernel, args, blocks);
    forEachRowList(parts, n, DISTANCE_ROW_BLOCK, (row, list) => {
      lists.push(list);
      start[row + 1] = start[row]! + list.length;
    });
  }
  const index = new Int32Array(start[n]!);
  lists.forEach((list, i) => index.set(list, start[i]!));
  return { start, index };
}

/** Margin of every row at Z (n, k): max_{j∈T(i)} d_ij + 1 → `out` (n). O(n·|T|·k). */
function rowMargins(Z: Float64Array, n: number, k: number, targets: TargetLists, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    let reach = 0;
    for (let t = targets.start[i]!; t < targets.start[i + 1]!; t++) reach = Math.max(reach, rowSquaredDistance(Z, i, Z, targets.index[t]!, k));
    out[i] = reach + 1;
  }
  return out;
}

/** Rows whose movement is handled exactly (not bounded) at each re-selection, see {@link ImpostorReach}. */
const MOVERS = 16;
/** Longest reach list per row (memory O(n·MAX_REACH)); a longer one is cut at its MAX_REACH nearest rows. */
const MAX_REACH = 2048;
/** How far, in multiples of the impostor radius (root distances), the reach lists extend at a reset. */
const REACH_FACTOR = 1.6;
/** Rows per block of a selection ({@link lmnnImpostorKernel}): fixed, never by thread count. */
export const IMPOSTOR_ROW_BLOCK = 64;

/** Reach-list entries as they are appended, row after row: (l, r⁰_il) pairs, grown by doubling. */
interface ReachAppender {
  index: Int32Array;
  root: Float64Array;
  count: number;
}

const reachAppender = (capacity: number): ReachAppender => ({ index: new Int32Array(Math.max(16, capacity)), root: new Float64Array(Math.max(16, capacity)), count: 0 });

/**
 * Appends row i's reach list, from its distance row (row[l] = Gram d⁰_il), to `out`: the other-class rows under
 * cap[i]², at most {@link MAX_REACH} of them (cap[i] lowered to the cut when there are more), each with its root
 * distance rounded down (`slack` covers the Gram identity's rounding). `candidates` is scratch (n).
 */
function appendReachOfRow(
  i: number,
  row: Float64Array,
  n: number,
  labels: Int32Array,
  cap: Float64Array,
  slack: number,
  candidates: Int32Array,
  out: ReachAppender,
): void {
  const shrink = 1 - 2 ** -20;
  const yi = labels[i];
  const c2 = cap[i]! * cap[i]!;
  let inReach = 0;
  for (let l = 0; l < n; l++) if (row[l]! < c2 && labels[l] !== yi) candidates[inReach++] = l;
  if (inReach > MAX_REACH) {
    // Keep the MAX_REACH nearest; every row left out is at least as far as the nearest of them (`cut`), so
    // lowering the cap to that distance keeps the cover argument valid.
    const values = Float64Array.from(candidates.subarray(0, inReach), (l) => row[l]!);
    const order = smallestIndices(values, inReach, MAX_REACH + 1);
    let far = 0;
    for (let t = 1; t < order.length; t++) if (values[order[t]!]! > values[order[far]!]!) far = t;
    const cut = values[order[far]!]!;
    const kept = Int32Array.from(order.filter((_, t) => t !== far), (t) => candidates[t]!).sort();
    candidates.set(kept);
    inReach = kept.length;
    cap[i] = (cut > slack ? Math.sqrt(cut - slack) : 0) * shrink;
  }
  if (out.count + inReach > out.index.length) {
    const size = Math.max(2 * out.index.length, out.count + inReach);
    const index = new Int32Array(size);
    index.set(out.index.subarray(0, out.count));
    const root = new Float64Array(size);
    root.set(out.root.subarray(0, out.count));
    out.index = index;
    out.root = root;
  }
  for (let t = 0; t < inReach; t++) {
    const l = candidates[t]!;
    const v = row[l]!;
    out.index[out.count] = l;
    out.root[out.count++] = v > slack ? Math.sqrt(v - slack) * shrink : 0;
  }
}

/**
 * The arguments of a reset's row blocks (beyond {@link FULL_MATRIX_ROWS} rows): the reference embedding Z (n, k),
 * the labels, each row's cap (n; a block lowers the caps of its rows whose lists it cuts) and the rounding slack.
 * Block b hands back its rows' lists as one Int32Array: [count of each of its rows …, the indices one after the
 * other, (one pad entry when needed for 8-byte alignment), the root distances as binary64 in the same order].
 */
export interface ReachBlocksArgs {
  Z: Float64Array;
  n: number;
  k: number;
  labels: Int32Array;
  cap: Float64Array;
  slack: number;
}

interface ReachBlocksState {
  args: ReachBlocksArgs;
  tiles: GramDistanceTiles;
  /** (DISTANCE_ROW_BLOCK, n) the distance rows of one block. */
  block: Float64Array;
  queryNorms: Float64Array;
  candidates: Int32Array;
  out: ReachAppender;
}

/**
 * This thread's tiles and distance block of its last reset, taken over by its next reset of the same shape (a fit
 * resets many times; 784 columns of 10,000 rows are 63 MB of tiles per thread). Kept until a reset of another shape.
 */
let lastReachScratch: { n: number; k: number; tiles: GramDistanceTiles; block: Float64Array } | null = null;

/** Where the binary64 roots start in a reset part of `rows` rows and `count` entries (in Int32 entries, even). */
const rootsAt = (rows: number, count: number): number => (rows + count + 1) & ~1;

/** Block b: rows b·{@link DISTANCE_ROW_BLOCK} … of the reset, their distance rows on this thread's tiles. */
export const lmnnReachKernel: BlockKernel<ReachBlocksArgs, ReachBlocksState, Int32Array> = {
  prepare(args) {
    const { Z, n, k } = args;
    const reuse = lastReachScratch && lastReachScratch.n === n && lastReachScratch.k === k ? lastReachScratch : null;
    const tiles = createGramDistanceTiles(Z, n, k, true, reuse?.tiles);
    const block = reuse ? reuse.block : new Float64Array(DISTANCE_ROW_BLOCK * n);
    lastReachScratch = { n, k, tiles, block };
    return { args, tiles, block, queryNorms: new Float64Array(TILE_ROWS), candidates: new Int32Array(n), out: reachAppender(8 * DISTANCE_ROW_BLOCK) };
  },
  run(state, b) {
    const { Z, n, labels, cap, slack } = state.args;
    const start = b * DISTANCE_ROW_BLOCK;
    const rows = Math.min(DISTANCE_ROW_BLOCK, n - start);
    distanceRowBlock(state.tiles, Z, n, start, rows, state.block, state.queryNorms);
    const out = state.out;
    out.count = 0;
    const counts = new Int32Array(rows);
    for (let r = 0; r < rows; r++) {
      const before = out.count;
      appendReachOfRow(start + r, state.block.subarray(r * n, (r + 1) * n), n, labels, cap, slack, state.candidates, out);
      counts[r] = out.count - before;
    }
    const at = rootsAt(rows, out.count);
    const part = new Int32Array(at + 2 * out.count);
    part.set(counts);
    part.set(out.index.subarray(0, out.count), rows);
    new Float64Array(part.buffer, part.byteOffset + 4 * at, out.count).set(out.root.subarray(0, out.count));
    return part;
  },
};

/**
 * The arguments of a selection's row blocks: the embedding Z (n, k), labels, targets, μ, the reach lists and the
 * movement bound of {@link ImpostorReach}, the previous lists (or null), and where each row's staleness goes (n).
 * Block b hands back [count of each of its rows …, exact distances of each row …, 1 for each row scanned in full
 * (else 0) …, the lists one after the other].
 */
export interface ImpostorBlocksArgs {
  Z: Float64Array;
  n: number;
  k: number;
  labels: Int32Array;
  targetStart: Int32Array;
  targetIndex: Int32Array;
  mu: number;
  listStart: Int32Array;
  listIndex: Int32Array;
  listRoot: Float64Array;
  cap: Float64Array;
  movement: Float64Array;
  maxMovement: number;
  movers: Int32Array;
  isMover: Int32Array;
  previous: ImpostorLists | null;
  /** (n) the hinge loss of row i's active triplets whose impostor the previous lists missed (0 without them). */
  staleness: Float64Array;
}

interface ImpostorBlocksState {
  args: ImpostorBlocksArgs;
  /** mark[l] = i while row i's previous impostors are marked (−1 before any); null without previous lists. */
  mark: Int32Array | null;
  /** Row i's target distances. */
  targetDist: Float64Array;
  /** One block's lists, grown by doubling. */
  index: Int32Array;
}

/** Block b: rows b·{@link IMPOSTOR_ROW_BLOCK} … of a selection (see {@link selectImpostors}). */
export const lmnnImpostorKernel: BlockKernel<ImpostorBlocksArgs, ImpostorBlocksState, Int32Array> = {
  prepare(args) {
    let most = 0;
    for (let i = 0; i < args.n; i++) most = Math.max(most, args.targetStart[i + 1]! - args.targetStart[i]!);
    return {
      args,
      mark: args.previous ? new Int32Array(args.n).fill(-1) : null,
      targetDist: new Float64Array(most),
      index: new Int32Array(16 * IMPOSTOR_ROW_BLOCK),
    };
  },
  run(state, b) {
    const { Z, n, k, labels, targetStart, targetIndex, mu, listStart, listIndex, listRoot, cap, movement, maxMovement, movers, isMover, previous } =
      state.args;
    const { mark, targetDist } = state;
    const first = b * IMPOSTOR_ROW_BLOCK;
    const rows = Math.min(IMPOSTOR_ROW_BLOCK, n - first);
    const header = new Int32Array(3 * rows); // counts, exact distances, full scans
    let index = state.index;
    let count = 0;
    for (let r = 0; r < rows; r++) {
      const i = first + r;
      const t0 = targetStart[i]!;
      const nT = targetStart[i + 1]! - t0;
      let farthest = 0;
      for (let t = 0; t < nT; t++) {
        const v = rowSquaredDistance(Z, i, Z, targetIndex[t0 + t]!, k);
        targetDist[t] = v;
        if (v > farthest) farthest = v;
      }
      const margin = farthest + 1;
      const radius = (1 + IMPOSTOR_SLACK) * margin;
      const limit = Math.sqrt(radius) + movement[i]!;
      if (mark && previous) {
        for (let t = previous.start[i]!; t < previous.start[i + 1]!; t++) mark[previous.index[t]!] = i;
      }
      // Scan the reach list when it provably covers the radius, every other-class row otherwise.
      const useList = limit + maxMovement < cap[i]!;
      if (!useList) header[2 * rows + r] = 1;
      const from = useList ? listStart[i]! : 0;
      const to = useList ? listStart[i + 1]! + movers.length : n;
      const yi = labels[i];
      const a = i * k;
      const rowStart = count;
      let exact = 0;
      let stale = 0;
      for (let t = from; t < to; t++) {
        let l: number;
        if (!useList) {
          l = t;
          if (labels[l] === yi) continue;
        } else if (t < listStart[i + 1]!) {
          l = listIndex[t]!;
          // Movers are computed exactly below, whether or not they are on the list.
          if (isMover[l] === 1 || listRoot[t]! - movement[l]! > limit) continue;
        } else {
          l = movers[t - listStart[i + 1]!]!;
          if (labels[l] === yi) continue;
        }
        exact++;
        const c = l * k;
        let v = 0;
        for (let q = 0; q < k; q++) {
          const u = Z[a + q]! - Z[c + q]!;
          v += u * u;
        }
        if (mark && v < margin && mark[l] !== i) {
          for (let q = 0; q < nT; q++) {
            const h = 1 + targetDist[q]! - v;
            if (h > 0) stale += mu * h;
          }
        }
        if (v < radius) {
          if (count === index.length) {
            const grown = new Int32Array(index.length * 2);
            grown.set(index);
            index = grown;
          }
          index[count++] = l;
        }
      }
      header[r] = count - rowStart;
      header[rows + r] = exact;
      state.args.staleness[i] = stale;
    }
    state.index = index;
    const part = new Int32Array(3 * rows + count);
    part.set(header);
    part.set(index.subarray(0, count), 3 * rows);
    return part;
  },
};

/**
 * Reach lists: what makes exact impostor re-selection cheap. At a {@link reset} at embedding Z⁰ we keep, for every
 * row i, the other-class rows l whose root distance r⁰_il = ‖z⁰_i − z⁰_l‖ is below the cap
 * c_i = {@link REACH_FACTOR}·√((1 + η)·margin_i), with r⁰_il (rounded down). For a later Z with movements
 * m_l = ‖z_l − z⁰_l‖ the triangle inequality gives ‖z_i − z_l‖ ≥ r⁰_il − m_i − m_l, so as long as
 * √radius_i + m_i + max m < c_i no row outside the list can be within the radius (it had r⁰ ≥ c_i): the re-selection
 * scans the list only, and computes exact distances only for entries the bound cannot rule out. The few rows that
 * moved most (the "movers") are compared exactly with every row instead, so that max m is taken over the others
 * and one far-travelling row does not void every bound. A row whose cap no longer covers its radius is scanned in
 * full (and many such rows call for a reset). Memory O(Σ list lengths). With a `team`, the arrays live where its
 * threads can read them, and a reset beyond {@link FULL_MATRIX_ROWS} rows runs over its threads.
 */
export class ImpostorReach {
  start: Int32Array;
  index: Int32Array;
  root: Float64Array;
  readonly cap: Float64Array;
  readonly movement: Float64Array;
  /** Largest movement among the rows that are not {@link movers}. */
  maxMovement = 0;
  /** The rows that moved most: a re-selection computes their distances exactly instead of bounding them. */
  movers: Int32Array;
  /** isMover[l] = 1 for the {@link movers}, else 0 (n). */
  readonly isMover: Int32Array;
  private readonly Z0: Float64Array;
  private readonly margins: Float64Array;
  private readonly labels: Int32Array;
  private buffer: Float64Array | undefined;

  constructor(
    readonly n: number,
    readonly k: number,
    labels: Int32Array,
    private readonly team: LmnnTeam | null = null,
  ) {
    const alloc = (length: number): Float64Array => (team ? team.alloc(length) : new Float64Array(length));
    const allocInt32 = (length: number): Int32Array => (team ? team.allocInt32(length) : new Int32Array(length));
    this.labels = team ? team.shared(labels) : labels;
    this.start = allocInt32(n + 1);
    this.index = allocInt32(0);
    this.root = alloc(0);
    this.cap = alloc(n);
    this.movement = alloc(n);
    this.movers = allocInt32(0);
    this.isMover = allocInt32(n);
    this.Z0 = new Float64Array(n * k);
    this.margins = new Float64Array(n);
  }

  /**
   * Takes Z (n, k) as the reference and rebuilds the lists: O(n²·k/2) (see {@link forEachDistanceRow}); beyond
   * {@link FULL_MATRIX_ROWS} rows in row blocks, over the team's threads when Z is in its memory (`alloc`).
   */
  reset(Z: Float64Array, targets: TargetLists): void {
    const { n, k, labels, cap, team } = this;
    rowMargins(Z, n, k, targets, this.margins);
    for (let i = 0; i < n; i++) cap[i] = REACH_FACTOR * Math.sqrt((1 + IMPOSTOR_SLACK) * this.margins[i]!);
    let largest = 0;
    for (let i = 0; i < n * k; i++) largest = Math.max(largest, Math.abs(Z[i]!));
    // Gram-trick rounding is about (k + 2)·ε·(‖z_i‖² + ‖z_j‖²): subtract a safe multiple before the root.
    const slack = 1e-12 * (k + 2) * 2 * k * largest * largest;
    const allocInt32 = (length: number): Int32Array => (team ? team.allocInt32(length) : new Int32Array(length));
    const alloc = (length: number): Float64Array => (team ? team.alloc(length) : new Float64Array(length));
    if (n <= FULL_MATRIX_ROWS) {
      const out = reachAppender(8 * n);
      this.buffer ??= new Float64Array(distanceRowsBufferLength(n));
      const candidates = new Int32Array(n);
      forEachDistanceRow(
        Z,
        n,
        k,
        (i, row) => {
          appendReachOfRow(i, row, n, labels, cap, slack, candidates, out);
          this.start[i + 1] = out.count;
        },
        this.buffer,
      );
      this.index = allocInt32(out.count);
      this.index.set(out.index.subarray(0, out.count));
      this.root = alloc(out.count);
      this.root.set(out.root.subarray(0, out.count));
    } else {
      const args: ReachBlocksArgs = { Z, n, k, labels, cap, slack };
      const blocks = Math.ceil(n / DISTANCE_ROW_BLOCK);
      const parts = team ? team.runReach(args, blocks) : runBlocksHere(lmnnReachKernel, args, blocks);
      parts.forEach((part, b) => {
        const first = b * DISTANCE_ROW_BLOCK;
        const rows = Math.min(DISTANCE_ROW_BLOCK, n - first);
        for (let r = 0; r < rows; r++) this.start[first + r + 1] = this.start[first + r]! + part[r]!;
      });
      // The lists go straight from the parts into their final arrays (up to n·MAX_REACH entries: no third copy).
      this.index = allocInt32(this.start[n]!);
      this.root = alloc(this.start[n]!);
      parts.forEach((part, b) => {
        const first = b * DISTANCE_ROW_BLOCK;
        const rows = Math.min(DISTANCE_ROW_BLOCK, n - first);
        const at = this.start[first]!;
        const count = this.start[first + rows]! - at;
        this.index.set(part.subarray(rows, rows + count), at);
        this.root.set(new Float64Array(part.buffer, part.byteOffset + 4 * rootsAt(rows, count), count), at);
      });
    }
    this.Z0.set(Z.subarray(0, n * k));
    this.movement.fill(0);
    this.maxMovement = 0;
    this.movers = allocInt32(0);
    this.isMover.fill(0);
  }

  /**
   * m_i = ‖z_i − z⁰_i‖ (rounded up) for Z (n, k); also picks the {@link MOVERS} rows that moved most (checked
   * exactly by every re-selection) and the largest movement among the others, {@link maxMovement}. O(n·k).
   */
  updateMovement(Z: Float64Array): number {
    const { n, k, Z0, movement, team } = this;
    for (let i = 0; i < n; i++) movement[i] = Math.sqrt(rowSquaredDistance(Z, i, Z0, i, k)) * (1 + 2 ** -40);
    const count = Math.min(MOVERS, n);
    const top = count > 0 ? smallestIndices(Float64Array.from(movement, (m) => -m), n, count) : new Int32Array(0);
    this.isMover.fill(0);
    for (const i of top) this.isMover[i] = 1;
    this.movers = team ? team.allocInt32(top.length) : new Int32Array(top.length);
    this.movers.set(top);
    let max = 0;
    for (let i = 0; i < n; i++) if (this.isMover[i] === 0 && movement[i]! > max) max = movement[i]!;
    this.maxMovement = max;
    return max;
  }

  /**
   * The exact distances a re-selection at Z would compute (rows not covered by their list count n each, movers
   * n each, list entries the bound cannot rule out 1 each). Call {@link updateMovement} first. O(n·|T|·k + Σ list).
   */
  exactWork(Z: Float64Array, targets: TargetLists): number {
    const { n, k, cap, movement, margins, start, root, index, isMover } = this;
    rowMargins(Z, n, k, targets, margins);
    let work = this.movers.length * n;
    for (let i = 0; i < n; i++) {
      const limit = Math.sqrt((1 + IMPOSTOR_SLACK) * margins[i]!) + movement[i]!;
      if (limit + this.maxMovement >= cap[i]!) {
        work += n;
        continue;
      }
      for (let t = start[i]!; t < start[i + 1]!; t++) {
        const l = index[t]!;
        if (isMover[l] === 0 && root[t]! - movement[l]! <= limit) work++;
      }
    }
    return work;
  }
}

/**
 * Candidate impostors of every row in the embedding Z (n, k): the other-class rows l with
 * d_il < (1 + η)·(max_{j∈T(i)} d_ij + 1). Exact: a row is scanned through its {@link ImpostorReach} list when the
 * list provably covers the radius, in full otherwise; within a list, entries the movement bound rules out are not
 * computed. Without `reach` a fresh one is made at Z. The rows run in blocks of {@link IMPOSTOR_ROW_BLOCK}, over the
 * threads of `team` when Z is in its memory (`alloc`: Z changes between calls, so it is never copied) and `reach` was
 * made with it; the same lists and figures, bit for bit, either way.
 * Also returns the staleness of `previous`: the hinge loss μ·Σ [1 + d_ij − d_il]₊ of the triplets active at Z whose
 * impostor l the previous lists did not hold (0 means the previous lists give the same loss and gradient at Z),
 * summed per row and then over the rows in order.
 */
export function selectImpostors(
  Z: Float64Array,
  n: number,
  k: number,
  labels: Int32Array,
  targets: TargetLists,
  mu: number,
  reach?: ImpostorReach,
  previous?: ImpostorLists,
  team?: LmnnTeam | null,
): { impostors: ImpostorLists; staleness: number; exact: number; fullRows: number } {
  if (!reach) {
    reach = new ImpostorReach(n, k, labels, team);
    reach.reset(Z, targets);
  }
  reach.updateMovement(Z);
  const share = <T extends Float64Array | Int32Array>(a: T): T => (team ? team.shared(a) : a);
  const args: ImpostorBlocksArgs = {
    Z,
    n,
    k,
    labels: share(labels),
    targetStart: share(targets.start),
    targetIndex: share(targets.index),
    mu,
    listStart: reach.start,
    listIndex: reach.index,
    listRoot: reach.root,
    cap: reach.cap,
    movement: reach.movement,
    maxMovement: reach.maxMovement,
    movers: reach.movers,
    isMover: reach.isMover,
    previous: previous ? { start: share(previous.start), index: share(previous.index) } : null,
    staleness: team ? team.alloc(n) : new Float64Array(n),
  };
  const blocks = Math.ceil(n / IMPOSTOR_ROW_BLOCK);
  const parts = team ? team.runImpostors(args, blocks) : runBlocksHere(lmnnImpostorKernel, args, blocks);
  const start = team ? team.allocInt32(n + 1) : new Int32Array(n + 1);
  let exact = 0;
  let fullRows = 0;
  parts.forEach((part, b) => {
    const first = b * IMPOSTOR_ROW_BLOCK;
    const rows = Math.min(IMPOSTOR_ROW_BLOCK, n - first);
    for (let r = 0; r < rows; r++) {
      start[first + r + 1] = start[first + r]! + part[r]!;
      exact += part[rows + r]!;
      fullRows += part[2 * rows + r]!;
    }
  });
  const index = team ? team.allocInt32(start[n]!) : new Int32Array(start[n]!);
  parts.forEach((part, b) => {
    const first = b * IMPOSTOR_ROW_BLOCK;
    const rows = Math.min(IMPOSTOR_ROW_BLOCK, n - first);
    index.set(part.subarray(3 * rows), start[first]!);
  });
  let staleness = 0;
  for (let i = 0; i < n; i++) staleness += args.staleness[i]!;
  return { impostors: { start, index }, staleness, exact, fullRows };
}
