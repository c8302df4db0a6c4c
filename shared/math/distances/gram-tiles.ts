/**
 * Blocked row-block × row-block tiles of squared distances through the Gram identity
 *
 *   g_ij = ‖q_i‖² + ‖r_j‖² − 2⟨q_i, r_j⟩   (clamped at 0),
 *
 * for query rows Q (t, dims) against a fixed reference R (m, dims) held once in the kernel's memory. The dot products
 * run in WebAssembly SIMD (f64x2 lanes; 4 query rows × 2 reference rows per step, eight accumulators) where it is
 * available, with a TypeScript fallback that does the same arithmetic in the same order, so both give the same bits:
 * every dot product sums the even columns in lane 0 and the odd columns in lane 1, each in column order, and returns
 * lane₀ + lane₁. The squared norms are computed with that same summation, so ⟨x, x⟩ = ‖x‖² bit for bit and a row's
 * Gram distance to an identical row is exactly 0.
 *
 * The Gram identity is fast (2 flops per column instead of 3, and it blocks) but it is not the exact differencing of
 * {@link rowSquaredDistance}: it loses relative accuracy for near neighbours. {@link gramErrorBound} bounds
 * |g − e| for e the differencing result, so the callers in ../neighbours/nearest.ts screen with g and re-rank the few candidates
 * within the bound by e: results are those of exact differencing, bit for bit.
 */
import { END, F64_ADD, F64_STORE, I32, I32_ADD, I32_MUL, V128, f64x2Add, f64x2Extract, f64x2Mul, get, i32, set, uleb, v128Load, v128Zero, compileOnce, doWhile, singleFunctionModule } from '../wasm/assembler.ts';

/** Query rows per tile call (the caller's `out` holds at most this many rows of m distances). */
export const TILE_ROWS = 64;

/** Reference rows per inner tile (even): 64 rows of 784 doubles and the 64-row query tile fit a 1 MiB L2 cache. */
const REFERENCE_BLOCK = 64;

/** A reference matrix (m, dims) loaded once, and the tile that maps query rows to their distances to all of it. */
export interface GramDistanceTiles {
  /** True when the WebAssembly SIMD path is in use. */
  readonly simd: boolean;
  /** Reference rows m. */
  readonly rows: number;
  readonly dims: number;
  /** ‖r_j‖² per reference row (m), summed as the tile sums. */
  readonly norms: Float64Array;
  /** The largest entry of {@link norms} (0 when m = 0). */
  readonly maxNorm: number;
  /** 'f64' for these binary64 tiles, 'f32' for the single-precision screen of screening-tiles.ts. */
  readonly precision: 'f64' | 'f32';
  /**
   * A bound on |distance − rowSquaredDistance| for any query of squared norm `queryNorm` against any reference row of
   * squared norm `referenceNorm` (pass {@link maxNorm} for all rows at once); non-decreasing in both.
   */
  bound(queryNorm: number, referenceNorm: number): number;
  /**
   * g(Q_{first+r}, R_j) for r < count ≤ {@link TILE_ROWS}, j < m, at entry r·m + j of the array returned: `out`, or a
   * view of the tiles' own memory holding them in that layout already (valid until the next call; read, never
   * written). `queryNorms[r]` receives ‖Q_{first+r}‖². Q is (·, dims) row-major. Cost O(count·m·dims).
   */
  distances(Q: Float64Array, first: number, count: number, out: Float64Array, queryNorms: Float64Array): Float64Array;
}

/** u = 2⁻⁵³, the unit roundoff of binary64. */
const UNIT_ROUNDOFF = 2 ** -53;

/**
 * A bound on |g − e| for a query of squared norm `queryNorm` against reference rows of squared norm ≤ `maxNorm`,
 * g the Gram-tile distance and e = {@link rowSquaredDistance}'s differencing, both in binary64 over `dims` columns.
 * Each dot product or norm of length ⌈dims/2⌉ per lane errs by at most γ·Σ|xᵢyᵢ| ≤ γ(‖x‖² + ‖y‖²)/2 with
 * γ ≈ (dims/2 + 1)·u; the three final operations add ≤ 3u·2(‖x‖² + ‖y‖²); the differencing errs by
 * ≤ γ_dims·e ≤ dims·u·2(‖x‖² + ‖y‖²). Together ≤ (3·dims + 16)·u·(‖x‖² + ‖y‖²); we take (4·dims + 32) for slack.
 */
export function gramErrorBound(dims: number, queryNorm: number, maxNorm: number): number {
  return (4 * dims + 32) * UNIT_ROUNDOFF * (queryNorm + maxNorm) * 1.01;
}

/** ⟨A_a, B_b⟩ over `dims` columns, even columns and odd columns summed apart, as the tiles do. */
export function laneDot(A: Float64Array, a: number, B: Float64Array, b: number, dims: number): number {
  let even = 0;
  let odd = 0;
  let f = 0;
  for (; f + 1 < dims; f += 2) {
    even += A[a + f]! * B[b + f]!;
    odd += A[a + f + 1]! * B[b + f + 1]!;
  }
  if (f < dims) even += A[a + f]! * B[b + f]!;
  return even + odd;
}

/** The WebAssembly memory of SIMD tiles, so that tiles of a later reference of the same shape can take it over. */
const tileMemories = new WeakMap<GramDistanceTiles, { memory: WebAssembly.Memory; instance: WebAssembly.Instance; doubles: number }>();

/**
 * Loads R (m, dims) and returns its distance tile. `preferSimd: false` forces the TypeScript path (tests compare the
 * two). Memory: (m rounded up to 2)·(dims rounded up to 2) + TILE_ROWS·(dims + m + 2) doubles. With `reuse`, the
 * tiles of an earlier reference of the same shape, these take over its memory (46 MB at 60,000 × 32) instead of
 * allocating their own; `reuse` must not be used again. The distances are the same bits either way.
 */
export function createGramDistanceTiles(R: Float64Array, m: number, dims: number, preferSimd = true, reuse?: GramDistanceTiles): GramDistanceTiles {
  if (!Number.isInteger(m) || m < 0 || !Number.isInteger(dims) || dims < 1 || R.length < m * dims) {
    throw new RangeError(`createGramDistanceTiles: expected a reference of ${m}×${dims} entries, got ${R.length}.`);
  }
  const norms = new Float64Array(m);
  let maxNorm = 0;
  for (let j = 0; j < m; j++) {
    const v = laneDot(R, j * dims, R, j * dims, dims);
    norms[j] = v;
    if (v > maxNorm) maxNorm = v;
  }
  const module = preferSimd ? simdModule() : null;
  const cp = dims + (dims & 1); // columns padded to even
  const mp = m + (m & 1); // reference rows padded to even
  const qp = TILE_ROWS; // query rows per tile (a multiple of 4)
  const finish = (dots: Float64Array, stride: number, count: number, out: Float64Array, queryNorms: Float64Array): void => {
    for (let r = 0; r < count; r++) {
      const nq = queryNorms[r]!;
      const o = r * m;
      const d = r * stride;
      for (let j = 0; j < m; j++) {
        const v = nq + norms[j]! - 2 * dots[d + j]!;
        out[o + j] = v > 0 ? v : 0;
      }
    }
  };
  const loadNorms = (Q: Float64Array, first: number, count: number, queryNorms: Float64Array): void => {
    for (let r = 0; r < count; r++) queryNorms[r] = laneDot(Q, (first + r) * dims, Q, (first + r) * dims, dims);
  };
  const check = (Q: Float64Array, first: number, count: number, out: Float64Array): void => {
    if (count > TILE_ROWS || count < 0 || Q.length < (first + count) * dims || out.length < count * m) {
      throw new RangeError(`GramDistanceTiles.distances: ${count} rows from ${first} (at most ${TILE_ROWS}) into ${out.length} entries for ${m} references.`);
    }
  };
  if (module && m > 0) {
    const doubles = mp * cp + qp * cp + qp * mp;
    const previous = reuse ? tileMemories.get(reuse) : undefined;
    const memory = previous && previous.doubles === doubles ? previous.memory : new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((doubles * 8) / 65536)) });
    const instance = previous?.memory === memory ? previous.instance : new WebAssembly.Instance(module, { env: { memory } });
    const dotTile = (instance.exports as unknown as { dots(q: number, qRows: number, r: number, rRows: number, cp: number, out: number, outStride: number): void }).dots;
    const buffer = memory.buffer;
    const Rp = new Float64Array(buffer, 0, mp * cp);
    const Qp = new Float64Array(buffer, Rp.byteLength, qp * cp);
    const D = new Float64Array(buffer, Qp.byteOffset + Qp.byteLength, qp * mp);
    if (cp === dims) Rp.set(R.subarray(0, m * dims));
    else for (let j = 0; j < m; j++) Rp.set(R.subarray(j * dims, (j + 1) * dims), j * cp);
    const tiles: GramDistanceTiles = {
      simd: true,
      precision: 'f64',
      rows: m,
      dims,
      norms,
      maxNorm,
      bound: (queryNorm, referenceNorm) => gramErrorBound(dims, queryNorm, referenceNorm),
      distances(Q, first, count, out, queryNorms) {
        check(Q, first, count, out);
        if (count === 0) return out;
        Qp.fill(0);
        if (cp === dims) Qp.set(Q.subarray(first * dims, (first + count) * dims));
        else for (let r = 0; r < count; r++) Qp.set(Q.subarray((first + r) * dims, (first + r + 1) * dims), r * cp);
        const rows4 = (count + 3) & ~3;
        // Reference blocks of REFERENCE_BLOCK rows, so that one block and the query tile stay in the L2 cache.
        const rowBytes = cp * 8;
        for (let j0 = 0; j0 < mp; j0 += REFERENCE_BLOCK) {
          const rb = Math.min(REFERENCE_BLOCK, mp - j0);
          dotTile(Qp.byteOffset, rows4, j0 * rowBytes, rb, cp, D.byteOffset + j0 * 8, mp * 8);
        }
        loadNorms(Q, first, count, queryNorms);
        finish(D, mp, count, out, queryNorms);
        return out;
      },
    };
    tileMemories.set(tiles, { memory, instance, doubles });
    return tiles;
  }
  const dots = new Float64Array(TILE_ROWS * Math.max(m, 1));
  return {
    simd: false,
    precision: 'f64',
    rows: m,
    dims,
    norms,
    maxNorm,
    bound: (queryNorm, referenceNorm) => gramErrorBound(dims, queryNorm, referenceNorm),
    distances(Q, first, count, out, queryNorms) {
      check(Q, first, count, out);
      for (let r = 0; r < count; r++) {
        const q = (first + r) * dims;
        const o = r * m;
        for (let j = 0; j < m; j++) dots[o + j] = laneDot(Q, q, R, j * dims, dims);
      }
      loadNorms(Q, first, count, queryNorms);
      finish(dots, m, count, out, queryNorms);
      return out;
    },
  };
}

/**
 * Floating-point operations one tile call of `count` query rows costs (2 per column and pair for the dot products,
 * 4 per pair for the Gram identity), for GFLOP/s figures in the benchmarks.
 */
export function tileFlops(count: number, m: number, dims: number): number {
  return count * m * (2 * dims + 4);
}

// ---------------------------------------------------------------------------------------------------------------
// The WebAssembly module, assembled from bytes (no toolchain needed). One function:
//   dots(q, qRows, r, rRows, cp, out, outStride): out[i·outStride/8 + j] = ⟨Q_i, R_j⟩ for i < qRows (a multiple of 4),
//   j < rRows (a multiple of 2); Q (qRows, cp) at byte address q, R (rRows, cp) at r, cp even; out at byte address
//   out, outStride bytes per out row.
// Memory is imported as env.memory.

const simdModule = compileOnce(() => assembleModule());
/** The compiled `dots` module (or null without WebAssembly SIMD), for the other dot-product tiles (gram-blocks.ts). */
export const dotTilesModule = simdModule;


function dotsBody(): number[] {
  // Parameters: 0 q, 1 qRows, 2 r, 3 rRows, 4 cp, 5 out, 6 outStride (bytes).
  const [q, qRows, r, rRows, cp, out, outStride] = [0, 1, 2, 3, 4, 5, 6];
  let next = 7;
  const local = (): number => next++;
  const rowBytes = local();
  const qEnd = local();
  const rEnd = local();
  const qi = local();
  const q1 = local();
  const q2 = local();
  const q3 = local();
  const rj = local();
  const r1 = local();
  const c = local();
  const oRow = local(); // out row of query qi
  const o0 = local();
  const o1 = local();
  const o2 = local();
  const o3 = local();
  const i32Count = next - 7;
  const acc = Array.from({ length: 8 }, local); // acc[t + 4u]: query t, reference u
  const a = Array.from({ length: 4 }, local);
  const b = Array.from({ length: 2 }, local);
  const v128Count = next - 7 - i32Count;
  const declarations = [2, ...uleb(i32Count), I32, ...uleb(v128Count), V128];
  const addr = (base: number): number[] => [...get(base), ...get(c), I32_ADD];
  const inner = [
    ...addr(qi), ...v128Load(0), ...set(a[0]!),
    ...addr(q1), ...v128Load(0), ...set(a[1]!),
    ...addr(q2), ...v128Load(0), ...set(a[2]!),
    ...addr(q3), ...v128Load(0), ...set(a[3]!),
    ...addr(rj), ...v128Load(0), ...set(b[0]!),
    ...addr(r1), ...v128Load(0), ...set(b[1]!),
    ...[0, 1].flatMap((u) =>
      [0, 1, 2, 3].flatMap((t) => [...get(acc[t + 4 * u]!), ...get(a[t]!), ...get(b[u]!), ...f64x2Mul, ...f64x2Add, ...set(acc[t + 4 * u]!)]),
    ),
  ];
  const store = (oLocal: number, offset: number, accLocal: number): number[] => [
    ...get(oLocal), ...get(accLocal), ...f64x2Extract(0), ...get(accLocal), ...f64x2Extract(1), F64_ADD, F64_STORE, 3, ...uleb(offset),
  ];
  const perPair = [
    ...acc.flatMap((x) => [...v128Zero, ...set(x)]),
    ...get(rj), ...get(rowBytes), I32_ADD, ...set(r1),
    ...i32(0), ...set(c),
    ...doWhile(c, i32(16), get(rowBytes), inner),
    ...[0, 1, 2, 3].flatMap((t) => [...store([o0, o1, o2, o3][t]!, 0, acc[t]!), ...store([o0, o1, o2, o3][t]!, 8, acc[t + 4]!)]),
    // advance the four out pointers by two entries
    ...[o0, o1, o2, o3].flatMap((o) => [...get(o), ...i32(16), I32_ADD, ...set(o)]),
  ];
  const perQueryBlock = [
    ...get(qi), ...get(rowBytes), I32_ADD, ...set(q1),
    ...get(q1), ...get(rowBytes), I32_ADD, ...set(q2),
    ...get(q2), ...get(rowBytes), I32_ADD, ...set(q3),
    ...get(oRow), ...set(o0),
    ...get(o0), ...get(outStride), I32_ADD, ...set(o1),
    ...get(o1), ...get(outStride), I32_ADD, ...set(o2),
    ...get(o2), ...get(outStride), I32_ADD, ...set(o3),
    ...get(r), ...set(rj),
    ...doWhile(rj, [...get(rowBytes), ...i32(2), I32_MUL], get(rEnd), perPair),
    ...get(oRow), ...get(outStride), ...i32(4), I32_MUL, I32_ADD, ...set(oRow),
  ];
  const code = [
    ...declarations,
    ...get(cp), ...i32(8), I32_MUL, ...set(rowBytes),
    ...get(q), ...get(qRows), ...get(rowBytes), I32_MUL, I32_ADD, ...set(qEnd),
    ...get(r), ...get(rRows), ...get(rowBytes), I32_MUL, I32_ADD, ...set(rEnd),
    ...get(out), ...set(oRow),
    ...get(q), ...set(qi),
    ...doWhile(qi, [...get(rowBytes), ...i32(4), I32_MUL], get(qEnd), perQueryBlock),
    END,
  ];
  return [...uleb(code.length), ...code];
}

function assembleModule(): Uint8Array<ArrayBuffer> {
  return singleFunctionModule('dots', 7, dotsBody());
}
