/**
 * Single-precision screening tiles ({@link createScreeningTiles}): the Gram identity of gram-tiles.ts with the dot products in binary32
 * WebAssembly SIMD (f32x4 lanes, fused multiply-add where the engine has relaxed SIMD), twice the lanes of the binary64
 * tiles and column-blocked so that the reference block being swept stays in the L1 cache.
 *
 *   s_ij = ‖q_i‖² + ‖r_j‖² − 2·dot32(q̃_i, r̃_j)   (clamped at 0; norms and the combination in binary64),
 *
 * with q̃, r̃ the binary32 roundings of the rows. s is only ever a screen: `bound` bounds
 * |s − e| for e the exact differencing {@link rowSquaredDistance} per pair, and every caller in ../neighbours/nearest.ts re-ranks
 * the candidates the bound cannot separate by e, so the figures are those of exact brute force whatever s rounds to.
 * (Fused and unfused multiply-adds round differently, so s may differ between machines; the results do not.)
 *
 * The bound. Each lane sums ⌈dims/4⌉ products, the four lanes are combined in binary64; with u = 2⁻²⁴ every
 * rounding of an input to binary32 errs by ≤ u relatively (the data are checked to stay far from binary32's
 * overflow, and an absolute term covers underflow), each product-and-add by ≤ u per term, so
 * |dot32 − ⟨q, r⟩| ≤ (dims/4 + 4)·u·Σ|q_f r_f| + A ≤ (dims/4 + 4)·u·(‖q‖² + ‖r‖²)/2 + A, and s errs by twice that
 * plus the binary64 roundings of the norms and of the differencing (gramErrorBound covers those). We take
 * (dims/4 + 8)·u·(‖q‖² + ‖r_j‖²)·1.01 + 2A + gramErrorBound, per reference row j (not the largest norm: z-scored data
 * have a few long rows that would widen every query's bound).
 *
 * Where SIMD is unavailable, or the data are too large for binary32, {@link createScreeningTiles} returns the binary64
 * tiles (whose bound is smaller), so callers need not care which they got.
 */
import { rowSquaredDistancesTo } from './exact.ts';
import { createGramDistanceTiles, gramErrorBound, TILE_ROWS, type GramDistanceTiles } from './gram-tiles.ts';
import { END, F64_ADD, F64_CONST, F64_LOAD, F64_MUL, F64_STORE, I32, I32_ADD, I32_MUL, V128, compileOnce, get, i32, set, simd, uleb, v128Load, v128Zero, f64Zero, doWhile, singleFunctionModule } from '../wasm/assembler.ts';

export { TILE_ROWS };


const U32 = 2 ** -24;
/** Above this squared row norm binary32 squares and their sums could overflow; the binary64 tiles take over. */
const MAX_SQUARED_NORM = 2 ** 80;
const REFERENCE_BLOCK = 64;

/**
 * Loads R (m, dims) for screening. `preferF32: false` gives the binary64 tiles. Memory: the binary64 norms, R in
 * binary32 padded to a multiple of 4 columns, and TILE_ROWS·m four-lane accumulators (16 bytes each).
 */
export function createScreeningTiles(R: Float64Array, m: number, dims: number, preferF32 = true): GramDistanceTiles {
  if (!Number.isInteger(m) || m < 0 || !Number.isInteger(dims) || dims < 1 || R.length < m * dims) {
    throw new RangeError(`createScreeningTiles: expected a reference of ${m}×${dims} entries, got ${R.length}.`);
  }
  const module = preferF32 && m > 0 ? screeningModule() : null;
  if (!module) return createGramDistanceTiles(R, m, dims);
  const norms = new Float64Array(m);
  squaredNorms(R, 0, m, dims, norms);
  let maxNorm = 0;
  for (let j = 0; j < m; j++) {
    const s = norms[j]!;
    if (!withinBinary32(s)) return createGramDistanceTiles(R, m, dims);
    if (s > maxNorm) maxNorm = s;
  }
  // Query rows beyond binary32's safe range (rare) are answered by binary64 tiles, built when first needed; their
  // error is within this object's bound too (it includes the binary64 terms).
  let exactTiles: GramDistanceTiles | null = null;
  const cp = (dims + 3) & ~3;
  const mp = m + (m & 1);
  const rowBytes = cp * 4;
  const bytes = (mp * cp + TILE_ROWS * cp) * 4 + (TILE_ROWS * mp + mp + TILE_ROWS) * 8;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const dots = (instance.exports as unknown as { dots(q: number, qQuads: number, r: number, rPairs: number, rowBytes: number, out: number, outStride: number, qNorms: number, rNorms: number): void }).dots;
  const buffer = memory.buffer;
  // R packed by pairs of rows: pair p's column quad c holds r_2p[4c … 4c+3] then r_2p+1[4c … 4c+3].
  const Rp = new Float32Array(buffer, 0, mp * cp);
  // The query tile packed by quads of rows the same way (four rows per column quad).
  const Qp = new Float32Array(buffer, Rp.byteLength, TILE_ROWS * cp);
  // The tile's distances (TILE_ROWS, mp), then ‖r_j‖² (mp) and the query rows' ‖q‖² (TILE_ROWS), in binary64.
  const D = new Float64Array(buffer, Qp.byteOffset + Qp.byteLength, TILE_ROWS * mp);
  const RN = new Float64Array(buffer, D.byteOffset + D.byteLength, mp);
  const QN = new Float64Array(buffer, RN.byteOffset + RN.byteLength, TILE_ROWS);
  packRows(R, 0, m, dims, cp, 2, Rp);
  const absolute = 2 * dims * 2 ** -140 * (1 + Math.sqrt(maxNorm));
  const slope = (dims / 4 + 8) * U32 * 1.01;
  RN.set(norms);
  return {
    simd: true,
    precision: 'f32',
    rows: m,
    dims,
    norms,
    maxNorm,
    bound(queryNorm, referenceNorm) {
      return slope * (queryNorm + referenceNorm) + absolute + gramErrorBound(dims, queryNorm, referenceNorm);
    },
    distances(Q, first, count, out, queryNorms) {
      if (count > TILE_ROWS || count < 0 || Q.length < (first + count) * dims || out.length < count * m) {
        throw new RangeError(`ScreeningTiles.distances: ${count} rows from ${first} (at most ${TILE_ROWS}) into ${out.length} entries for ${m} references.`);
      }
      if (count === 0) return out;
      let safe = true;
      squaredNorms(Q, first, count, dims, queryNorms);
      for (let r = 0; r < count; r++) if (!withinBinary32(queryNorms[r]!)) safe = false;
      if (!safe) {
        exactTiles ??= createGramDistanceTiles(R, m, dims);
        const exactNorms = new Float64Array(TILE_ROWS);
        return exactTiles.distances(Q, first, count, out, exactNorms);
      }
      Qp.fill(0);
      packRows(Q, first, count, dims, cp, 4, Qp);
      QN.fill(0);
      QN.set(queryNorms.subarray(0, count));
      const quads = (count + 3) >> 2;
      for (let j0 = 0; j0 < mp; j0 += REFERENCE_BLOCK) {
        const rb = Math.min(REFERENCE_BLOCK, mp - j0);
        dots(Qp.byteOffset, quads, j0 * rowBytes, rb >> 1, rowBytes, D.byteOffset + j0 * 8, mp * 8, QN.byteOffset, RN.byteOffset + j0 * 8);
      }
      // An even reference count leaves the tile in the caller's layout: hand out the view, no copy.
      if (mp === m) return D.subarray(0, count * m);
      for (let r = 0; r < count; r++) out.set(D.subarray(r * mp, r * mp + m), r * m);
      return out;
    },
  };
}

/**
 * Writes rows [first, first + count) of A (·, dims) into `out` in binary32, grouped `group` rows at a time: group g's
 * column quad c holds the `group` rows' columns 4c … 4c + 3 one after the other (columns past dims stay 0).
 */
function packRows(A: Float64Array, first: number, count: number, dims: number, cp: number, group: number, out: Float32Array): void {
  const stride = group * 4; // from one column quad of a row to its next
  const whole = dims & ~3;
  for (let r = 0; r < count; r++) {
    const g = (r / group) | 0;
    let o = g * group * cp + (r - g * group) * 4;
    const src = (first + r) * dims;
    let f = 0;
    for (; f < whole; f += 4, o += stride) {
      out[o] = A[src + f]!;
      out[o + 1] = A[src + f + 1]!;
      out[o + 2] = A[src + f + 2]!;
      out[o + 3] = A[src + f + 3]!;
    }
    for (let l = 0; f < dims; f++, l++) out[o + l] = A[src + f]!;
  }
}

/**
 * out[r] = Σ_f A[first + r][f]², summed in column order (one binary64 sequence per row): the distances to a zero row,
 * since x − 0 = x exactly, computed four rows side by side by {@link rowSquaredDistancesTo}.
 */
function squaredNorms(A: Float64Array, first: number, count: number, dims: number, out: Float64Array): void {
  const rows = new Int32Array(count);
  for (let r = 0; r < count; r++) rows[r] = first + r;
  rowSquaredDistancesTo(A, rows, count, new Float64Array(dims), 0, dims, out);
}

/**
 * True when a row's squared norm is at most 2⁸⁰ (so every entry is finite with |x| ≤ 2⁴⁰, and binary32 squares
 * and their sums stay finite); false for NaN and ∞ too.
 */
function withinBinary32(squaredNorm: number): boolean {
  return squaredNorm <= MAX_SQUARED_NORM;
}

// ---------------------------------------------------------------------------------------------------------------
// The WebAssembly module. One function:
//   dots(q, qRows, r, rRows, kcBytes, rowBytes, acc, accStride): for i < qRows (a multiple of 4), j < rRows (even),
//   the four-lane accumulator at acc + i·accStride + 16·j gains Σ over the kcBytes/16 column quads c of
//   Q_i[c] ⊙ R_j[c] (lane-wise multiply-add), Q rows at q + i·rowBytes, R rows at r + j·rowBytes.
// Memory is imported as env.memory.

const F32X4_ADD = simd(0xe4);
const F32X4_MUL = simd(0xe6);
const F32X4_RELAXED_MADD = simd(0x105);
const F64_SUB = 0xa1;
const F64_MAX = 0xa5;
const F64_PROMOTE_F32 = 0xbb;
/** Lane `i` of the f32x4 in local `v`, promoted to binary64. */
const lane = (v: number, i: number): number[] => [...get(v), ...simd(0x1f), i, F64_PROMOTE_F32];
function f64Const(value: number): number[] {
  const bytes = new Uint8Array(new Float64Array([value]).buffer);
  return [F64_CONST, ...bytes];
}

const screeningModule = compileOnce(() => (relaxedSimd() ? assembleModule(true) : assembleModule(false)));

/** True where the engine validates relaxed SIMD (f32x4.relaxed_madd). */
function relaxedSimd(): boolean {
  try {
    return WebAssembly.validate(assembleModule(true));
  } catch {
    return false;
  }
}


function dotsBody(fused: boolean): number[] {
  // Parameters: 0 q (packed quads), 1 qQuads, 2 r (packed pairs), 3 rPairs, 4 rowBytes, 5 out, 6 outStride,
  // 7 qNorms, 8 rNorms.
  const [q, qQuads, r, rPairs, rowBytes, acc, accStride, qNorms, rNorms] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  let next = 9;
  const local = (): number => next++;
  const qEnd = local();
  const rEnd = local();
  const qi = local();
  const rj = local();
  const qq = local();
  const rr = local();
  const pairEnd = local();
  const aRow = local();
  const qn = local();
  const rn = local();
  const o = [local(), local(), local(), local()];
  const i32Count = next - 9;
  const sums = Array.from({ length: 8 }, local); // sums[t + 4u]: query t, reference u
  const a = Array.from({ length: 4 }, local);
  const b = Array.from({ length: 2 }, local);
  const v128Count = next - 9 - i32Count;
  const declarations = [2, ...uleb(i32Count), I32, ...uleb(v128Count), V128];
  const madd = (t: number, u: number): number[] =>
    fused
      ? [...get(a[t]!), ...get(b[u]!), ...get(sums[t + 4 * u]!), ...F32X4_RELAXED_MADD, ...set(sums[t + 4 * u]!)]
      : [...get(sums[t + 4 * u]!), ...get(a[t]!), ...get(b[u]!), ...F32X4_MUL, ...F32X4_ADD, ...set(sums[t + 4 * u]!)];
  const inner = [
    ...[0, 1, 2, 3].flatMap((t) => [...get(qq), ...v128Load(16 * t), ...set(a[t]!)]),
    ...[0, 1].flatMap((u) => [...get(rr), ...v128Load(16 * u), ...set(b[u]!)]),
    ...[0, 1].flatMap((u) => [0, 1, 2, 3].flatMap((t) => madd(t, u))),
    ...get(qq), ...i32(64), I32_ADD, ...set(qq),
  ];
  const perPair = [
    ...sums.flatMap((x) => [...v128Zero, ...set(x)]),
    ...get(qi), ...set(qq),
    ...get(rj), ...get(rowBytes), ...i32(2), I32_MUL, I32_ADD, ...set(pairEnd),
    ...get(rj), ...set(rr),
    ...doWhile(rr, i32(32), get(pairEnd), inner),
    // out = max(‖q‖² + ‖r‖² − 2·((s₀ + s₁) + (s₂ + s₃)), 0) in binary64, the four lanes promoted first.
    ...[0, 1].flatMap((u) =>
      [0, 1, 2, 3].flatMap((t) => [
        ...get(o[t]!),
        ...get(qn), F64_LOAD, 3, ...uleb(8 * t),
        ...get(rn), F64_LOAD, 3, ...uleb(8 * u),
        F64_ADD,
        ...lane(sums[t + 4 * u]!, 0), ...lane(sums[t + 4 * u]!, 1), F64_ADD,
        ...lane(sums[t + 4 * u]!, 2), ...lane(sums[t + 4 * u]!, 3), F64_ADD,
        F64_ADD,
        ...f64Const(2), F64_MUL,
        F64_SUB,
        ...f64Zero, F64_MAX,
        F64_STORE, 3, ...uleb(8 * u),
      ]),
    ),
    ...o.flatMap((p) => [...get(p), ...i32(16), I32_ADD, ...set(p)]),
    ...get(rn), ...i32(16), I32_ADD, ...set(rn),
  ];
  const perQueryBlock = [
    ...get(aRow), ...set(o[0]!),
    ...get(o[0]!), ...get(accStride), I32_ADD, ...set(o[1]!),
    ...get(o[1]!), ...get(accStride), I32_ADD, ...set(o[2]!),
    ...get(o[2]!), ...get(accStride), I32_ADD, ...set(o[3]!),
    ...get(r), ...set(rj),
    ...get(rNorms), ...set(rn),
    ...doWhile(rj, [...get(rowBytes), ...i32(2), I32_MUL], get(rEnd), perPair),
    ...get(aRow), ...get(accStride), ...i32(4), I32_MUL, I32_ADD, ...set(aRow),
    ...get(qn), ...i32(32), I32_ADD, ...set(qn),
  ];
  const code = [
    ...declarations,
    ...get(q), ...get(qQuads), ...get(rowBytes), ...i32(4), I32_MUL, I32_MUL, I32_ADD, ...set(qEnd),
    ...get(r), ...get(rPairs), ...get(rowBytes), ...i32(2), I32_MUL, I32_MUL, I32_ADD, ...set(rEnd),
    ...get(acc), ...set(aRow),
    ...get(qNorms), ...set(qn),
    ...get(q), ...set(qi),
    ...doWhile(qi, [...get(rowBytes), ...i32(4), I32_MUL], get(qEnd), perQueryBlock),
    END,
  ];
  return [...uleb(code.length), ...code];
}

function assembleModule(fused: boolean): Uint8Array<ArrayBuffer> {
  return singleFunctionModule('dots', 9, dotsBody(fused));
}
