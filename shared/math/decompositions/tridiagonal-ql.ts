/**
 * The complete eigen-decomposition of a symmetric S (n, n), every eigenvector included, on row-major Float64Arrays:
 * what the inverse-covariance metric needs at hundreds of features, where ml-matrix's `EigenvalueDecomposition`
 * (eigen.ts, the same JAMA algorithms on arrays of rows) spends its time in scalar loops.
 *
 *   1. Householder tridiagonalisation S = Q·T·Qᵀ (top-eigen.ts's `tridiagonalize`), ≈ (4/3)·n³ flops.
 *   2. Qᵀ formed explicitly by backward accumulation of the reflectors (Golub & Van Loan, *Matrix Computations*, 4th
 *      ed., §5.1.6): ≈ (4/3)·n³ flops on contiguous row segments.
 *   3. T's eigenvalues by the implicit QL algorithm with Wilkinson's shift (EISPACK's tql2, as JAMA and ml-matrix run
 *      it); each sweep's plane rotations, which depend on T alone, are applied to the rows of Qᵀ after the sweep:
 *      row j ends as the j-th eigenvector of S. ≈ 6·n per rotation, about n² rotations.
 *
 * A rotation combines two rows entry by entry, so the columns of Qᵀ are independent. On a team of threads
 * ({@link RotationTeam}) the rotations of every sweep are recorded first, then applied over blocks of
 * {@link ROTATION_COLUMNS} columns ({@link qlRotationKernel}), each block applying every rotation in sweep order to its
 * own columns: every entry gets the same operations in the same order as on one thread, so the same bits for any
 * number of threads. (On one thread, applying each sweep at once over whole rows is faster: a block re-reads every
 * recorded rotation, about n² of them.)
 *
 * Every O(n) row operation runs in the WebAssembly SIMD kernels of ../wasm/eigen-kernels.ts, whose TypeScript
 * fallback gives the same bits; nothing depends on timing or threads, so a decomposition reproduces bit for bit.
 */
import { createEigenKernels, SIMD_MIN_ORDER, type EigenKernels } from '../wasm/eigen-kernels.ts';
import type { SymmetricEigen } from './eigen.ts';
import { tridiagonalize } from './top-eigen.ts';

const EPS = 2 ** -52;
/** Columns of Qᵀ per block of {@link qlRotationKernel} (a multiple of 8, the SIMD chain's column group): 784 rows of 64 columns are 392 KiB, in the L2 cache. */
export const ROTATION_COLUMNS = 64;

/**
 * The QL sweeps' rotations applied to the columns of Z (n, n), one block of {@link ROTATION_COLUMNS} columns each:
 * sweep k rotates rows i = m_k − 1 down to l_k (`bounds` (sweeps, 2) = l_k, m_k) with c_i = cosines[start_k + i − l_k],
 * s_i = sines[start_k + i − l_k], start_k the rotations of the sweeps before it.
 */
export interface QlRotationArgs {
  Z: Float64Array;
  n: number;
  bounds: Int32Array;
  cosines: Float64Array;
  sines: Float64Array;
  preferSimd: boolean;
}

/** How {@link symmetricEigenQl} shares its rotations out over a fit's threads (shared/engine's BlockProducts, kernel 'qlRotations'). */
export interface RotationTeam {
  /** `array`, or a copy of it the team's threads can read. */
  shared<T extends Float64Array | Int32Array>(array: T): T;
  /** A zeroed array the team's threads can write. */
  alloc(length: number): Float64Array;
  /** Runs blocks 0 … blocks − 1 of {@link qlRotationKernel} over `args`, on any threads, each exactly once. */
  runBlocks(args: QlRotationArgs, blocks: number): void;
}

/** One thread's kernels: a (n, ROTATION_COLUMNS) block of Z at 0, then one sweep's cosines and sines (n each). */
interface RotationState {
  args: QlRotationArgs;
  kernels: EigenKernels;
  cosines: number;
  sines: number;
}

/** Blocks of {@link qlRotationKernel} for order n. */
export const qlRotationBlocks = (n: number): number => Math.ceil(n / ROTATION_COLUMNS);

/**
 * Block b: columns b·{@link ROTATION_COLUMNS} … of Z, copied in, rotated by every sweep in order (each sweep's cosines
 * and sines copied in before it: far less memory than all of them, about n² each), copied back.
 */
export const qlRotationKernel = {
  prepare(args: QlRotationArgs): RotationState {
    const { n, preferSimd } = args;
    const cosines = n * ROTATION_COLUMNS;
    const sines = cosines + n;
    return { args, kernels: createEigenKernels(sines + n, preferSimd && n >= SIMD_MIN_ORDER), cosines, sines };
  },
  run(state: RotationState, block: number): void {
    const { Z, n, bounds, cosines: c, sines: s } = state.args;
    const { kernels, cosines, sines } = state;
    const data = kernels.data;
    const c0 = block * ROTATION_COLUMNS;
    const w = Math.min(ROTATION_COLUMNS, n - c0);
    for (let i = 0; i < n; i++) data.set(Z.subarray(i * n + c0, i * n + c0 + w), i * w);
    let start = 0;
    for (let k = 0; k < bounds.length; k += 2) {
      const l = bounds[k]!;
      const m = bounds[k + 1]!;
      // Rotation i of the sweep at entry i of the kernels' cosines and sines, as rotateChain reads them.
      data.set(c.subarray(start, start + m - l), cosines + l);
      data.set(s.subarray(start, start + m - l), sines + l);
      kernels.rotateChain(0, w, l, m, cosines, sines);
      start += m - l;
    }
    for (let i = 0; i < n; i++) Z.set(data.subarray(i * w, (i + 1) * w), i * n + c0);
  },
};

/**
 * Eigenvalues (ascending) and orthonormal eigenvectors of the symmetric S (n, n) (symmetrised as (S + Sᵀ)/2), in
 * eigen.ts's layout: column j of `vectors` (entries `vectors[i * n + j]`) is the unit eigenvector of `values[j]`.
 * S is not modified. Cost ≈ (8/3)·n³ flops + 6·n per QL rotation (about n² of them), the rotations shared out over
 * `team`'s threads when given (the same bits). `preferSimd: false` forces the TypeScript kernels (tests compare the
 * two); below order {@link SIMD_MIN_ORDER} they are used anyway.
 * @throws RangeError when `S.length !== n·n`.
 */
export function symmetricEigenQl(S: Float64Array, n: number, preferSimd = true, team?: RotationTeam): SymmetricEigen {
  if (!Number.isInteger(n) || n < 0 || S.length !== n * n) {
    throw new RangeError(`symmetricEigenQl: expected an ${n}×${n} matrix (${n * n} entries), got ${S.length} entries.`);
  }
  if (n === 0) return { values: new Float64Array(0), vectors: new Float64Array(0) };
  // A (n, n), the reflectors (n, n) and a scratch row; A's place then holds Qᵀ and the eigenvectors.
  const kernels = createEigenKernels(2 * n * n + 3 * n, preferSimd && n >= SIMD_MIN_ORDER); // + a sweep's cosines and sines (n each)
  const A = kernels.data; // the lower triangle of the working copy, symmetrised
  for (let i = 0; i < n; i++) for (let j = 0; j <= i; j++) A[i * n + j] = 0.5 * (S[i * n + j]! + S[j * n + i]!);
  const { diagonal, offDiagonal, reflectors, betas } = tridiagonalize(kernels, n);
  accumulateReflectors(reflectors, betas, n, kernels); // Qᵀ: row j = column j of Q
  const e = new Float64Array(n); // e[i] couples i and i + 1; e[n − 1] = 0
  e.set(offDiagonal);
  // Z (n, n) = Qᵀ, then rotated: row j becomes the eigenvector of diagonal[j].
  let Z = kernels.data;
  if (team && qlRotationBlocks(n) > 1) {
    // The rotations are recorded where the team's threads read them (about n² of each: no second copy).
    const { bounds, cosines, sines } = tql2(diagonal, e, n, null, (length) => team.alloc(length));
    Z = team.alloc(n * n);
    Z.set(kernels.data.subarray(0, n * n));
    team.runBlocks({ Z, n, bounds: team.shared(bounds), cosines, sines, preferSimd }, qlRotationBlocks(n));
  } else {
    tql2(diagonal, e, n, kernels, null);
  }
  // Ascending order, ties by index (a stable sort: deterministic).
  const order = Array.from({ length: n }, (_, j) => j).sort((a, b) => diagonal[a]! - diagonal[b]! || a - b);
  const values = new Float64Array(n);
  const vectors = new Float64Array(n * n); // (n, n)
  for (let j = 0; j < n; j++) {
    const src = order[j]!;
    values[j] = diagonal[src]!;
    const row = src * n;
    for (let i = 0; i < n; i++) vectors[i * n + j] = Z[row + i]!;
  }
  return { values, vectors };
}

/**
 * Qᵀ for Q = H_0·H_1 ⋯ H_{n−3}, H_c = I − β_c·v_c·v_cᵀ (v_c in row c of `reflectors`, entries c+1 … n−1), into the
 * kernels' first n² entries (row-major), with entries 2·n² … 2·n² + n − 1 as scratch. Backward accumulation,
 * Q = H_0·(H_1·(⋯(H_{n−3}·I))): H_c only touches rows and columns c+1 … n−1, where the product so far differs from I,
 * so each step updates that trailing block, Y ← Y − β·v·(vᵀY), in two passes of contiguous row segments.
 */
function accumulateReflectors(reflectors: Float64Array, betas: Float64Array, n: number, kernels: EigenKernels): void {
  const Q = kernels.data; // (n, n) at offset 0, w (n) at offset 2·n²
  const w = 2 * n * n;
  Q.fill(0, 0, n * n);
  for (let i = 0; i < n; i++) Q[i * n + i] = 1;
  for (let c = n - 3; c >= 0; c--) {
    const beta = betas[c]!;
    if (beta === 0) continue;
    const v = reflectors.subarray(c * n, (c + 1) * n);
    const lo = c + 1;
    const len = n - lo;
    Q.fill(0, w + lo, w + n);
    for (let i = lo; i < n; i++) if (v[i] !== 0) kernels.axpy(w + lo, i * n + lo, len, v[i]!); // w = vᵀY
    for (let i = lo; i < n; i++) {
      const f = beta * v[i]!;
      if (f !== 0) kernels.axpy(i * n + lo, w + lo, len, -f); // row i −= β·v_i·w
    }
  }
  // Transpose in place: row j becomes column j of Q.
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const t = Q[i * n + j]!;
      Q[i * n + j] = Q[j * n + i]!;
      Q[j * n + i] = t;
    }
  }
}

/**
 * Implicit QL on the tridiagonal (d, e) (EISPACK tql2, as in JAMA): d becomes the eigenvalues (unsorted). Each sweep's
 * plane rotations, applied to the rows of a matrix Z, combine them so that row j ends as Z's rows combined by column j
 * of T's eigenvector matrix: with `kernels`, they are applied to Z (n, n, the kernels' first n² entries) after each
 * sweep (through the kernels' buffer); without, they are recorded in arrays from `alloc` and returned (see
 * {@link QlRotationArgs}: views of their first entries).
 */
function tql2(
  d: Float64Array,
  e: Float64Array,
  n: number,
  kernels: EigenKernels | null,
  alloc: ((length: number) => Float64Array) | null,
): { bounds: Int32Array; cosines: Float64Array; sines: Float64Array } {
  const Z = kernels ? kernels.data : null; // (n, n) at offset 0; a sweep's cosines and sines at C and S
  const C = 2 * n * n + n;
  const S = C + n;
  const bounds: number[] = [];
  // About 0.9·n² rotations at order 784: room for n² (untouched pages cost nothing), doubled when more come.
  const fresh = alloc ?? ((length: number) => new Float64Array(length));
  let cosines = fresh(kernels ? 0 : Math.max(4 * n, n * n));
  let sines = fresh(kernels ? 0 : Math.max(4 * n, n * n));
  let rotations = 0;
  let f = 0;
  let tst1 = 0;
  for (let l = 0; l < n; l++) {
    tst1 = Math.max(tst1, Math.abs(d[l]!) + Math.abs(e[l]!));
    let m = l;
    while (m < n - 1 && Math.abs(e[m]!) > EPS * tst1) m++;
    if (m > l) {
      do {
        // Shift from the leading 2 × 2 block.
        let g = d[l]!;
        let p = (d[l + 1]! - g) / (2 * e[l]!);
        let r = Math.hypot(p, 1);
        if (p < 0) r = -r;
        d[l] = e[l]! / (p + r);
        d[l + 1] = e[l]! * (p + r);
        const dl1 = d[l + 1]!;
        let h = g - d[l]!;
        for (let i = l + 2; i < n; i++) d[i]! -= h;
        f += h;
        // The QL sweep from m − 1 up to l; rotation i (on rows i and i + 1 of Z) recorded (at rotations + i − l, or in
        // the kernels' buffer), all applied after it.
        if (!Z && rotations + m - l > cosines.length) {
          const grown = Math.max(2 * cosines.length, rotations + m - l);
          cosines = grow(cosines, fresh(grown));
          sines = grow(sines, fresh(grown));
        }
        const at = rotations - l;
        p = d[m]!;
        let c = 1;
        let c2 = c;
        let c3 = c;
        const el1 = e[l + 1]!;
        let s = 0;
        let s2 = 0;
        for (let i = m - 1; i >= l; i--) {
          c3 = c2;
          c2 = c;
          s2 = s;
          g = c * e[i]!;
          h = c * p;
          r = Math.hypot(p, e[i]!);
          e[i + 1] = s * r;
          s = e[i]! / r;
          c = p / r;
          p = c * d[i]! - s * g;
          d[i + 1] = h + s * (c * g + s * d[i]!);
          if (Z) {
            Z[C + i] = c;
            Z[S + i] = s;
          } else {
            cosines[at + i] = c;
            sines[at + i] = s;
          }
        }
        if (kernels) {
          kernels.rotateChain(0, n, l, m, C, S);
        } else {
          bounds.push(l, m);
          rotations += m - l;
        }
        p = (-s * s2 * c3 * el1 * e[l]!) / dl1;
        e[l] = s * p;
        d[l] = c * p;
      } while (Math.abs(e[l]!) > EPS * tst1);
    }
    d[l] = d[l]! + f;
    e[l] = 0;
  }
  return { bounds: Int32Array.from(bounds), cosines: cosines.subarray(0, rotations), sines: sines.subarray(0, rotations) };
}

/** `longer` with `array`'s entries first. */
function grow(array: Float64Array, longer: Float64Array): Float64Array {
  longer.set(array);
  return longer;
}
