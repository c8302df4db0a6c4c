/**
 * The O(n) kernels of the symmetric eigen-decompositions (../decompositions/top-eigen.ts, tridiagonal-ql.ts), on
 * row segments of one buffer:
 *
 *   dotAxpy:  returns Σ_k a_k·x_k and y ← y + α·a      a row of the symmetric mat-vec of the tridiagonalisation
 *   rank2:    a ← a − (α·x + β·y)                      a row of its rank-2 update
 *   axpy:     y ← y + α·x                              the backward accumulation of the Householder reflectors
 *   rotateChain: for i = m−1 down to l, (z_i, z_{i+1}) ← (c_i·z_i − s_i·z_{i+1}, s_i·z_i + c_i·z_{i+1})
 *             on rows of a (·, n) matrix: a QL sweep's plane rotations applied to Qᵀ
 *
 * Two implementations with the same arithmetic in the same order, so they give bitwise-identical results: a
 * WebAssembly one on 128-bit SIMD (two f64 lanes), assembled below from bytes, and a plain TypeScript one used where
 * WebAssembly SIMD is unavailable. The one sum (dotAxpy's) adds the segment's even entries in lane 0 and its odd ones
 * in lane 1, each in order, then lane₀ + lane₁, then an odd last entry. Offsets and lengths are in doubles; segments
 * may start anywhere (v128 loads need no alignment) and an odd last entry is done in TypeScript. rotateChain runs
 * down each group of 8 columns with the running row in registers (one load and one store per entry and rotation,
 * instead of two of each rotating whole rows); the TypeScript path rotates whole rows, one rotation after the other:
 * the same operations on every entry, so the same bits. Columns past the last multiple of 8 are done in TypeScript.
 */
import { BLOCK, BR_IF, END, F64, F64_ADD, F64_LOAD, I32, I32_ADD, I32_MUL, I32_GE_U, LOOP, V128, compileOnce, f64x2Add, f64x2Extract, f64x2Mul, f64x2Splat, get, i32, kernelModule, set, simd, tee, uleb, v128Load, v128Store, v128Zero } from './assembler.ts';

export interface EigenKernels {
  /** True when the WebAssembly SIMD path is in use. */
  readonly simd: boolean;
  /** The buffer (`doubles` entries, zero-initialised) every offset refers to. */
  readonly data: Float64Array;
  /** Returns Σ_{k<len} data[a + k]·data[x + k]; data[y + k] ← data[y + k] + α·data[a + k]. */
  dotAxpy(a: number, x: number, y: number, len: number, alpha: number): number;
  /** data[a + k] ← data[a + k] − (α·data[x + k] + β·data[y + k]) for k < len. */
  rank2(a: number, x: number, y: number, len: number, alpha: number, beta: number): void;
  /**
   * The rotations i = m − 1 down to l (l < m), c_i = data[c + i], s_i = data[s + i], each on rows i and i + 1 of the
   * (·, n) row-major matrix at offset z: z_i ← c_i·z_i − s_i·z_{i+1}, z_{i+1} ← s_i·z_i + c_i·z_{i+1}.
   */
  rotateChain(z: number, n: number, l: number, m: number, c: number, s: number): void;
  /** data[y + k] ← data[y + k] + α·data[x + k] for k < len. */
  axpy(y: number, x: number, len: number, alpha: number): void;
}

/**
 * The matrix order from which the decompositions use the WebAssembly path: below it, instantiating the module and its
 * memory (≈ 0.1–0.2 ms) costs more than the SIMD saves. Either path gives the same bits.
 */
export const SIMD_MIN_ORDER = 64;

/**
 * A buffer of `doubles` entries and the kernels over it (in a WebAssembly memory when SIMD is available).
 * `preferSimd: false` forces the TypeScript path (tests compare the two).
 */
export function createEigenKernels(doubles: number, preferSimd = true): EigenKernels {
  const module = preferSimd ? simdModule() : null;
  if (module) {
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((doubles * 8) / 65536)) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as {
      dot_axpy(a: number, x: number, y: number, bytes: number, alpha: number): number;
      rank2(a: number, x: number, y: number, bytes: number, alpha: number, beta: number): void;
      rotate_chain(z: number, rowBytes: number, l: number, m: number, c: number, s: number, colBytes: number): void;
      axpy(y: number, x: number, bytes: number, alpha: number): void;
    };
    const data = new Float64Array(memory.buffer, 0, doubles);
    return {
      simd: true,
      data,
      dotAxpy(a, x, y, len, alpha) {
        const pairs = len & ~1;
        const sum = pairs > 0 ? exports.dot_axpy(a * 8, x * 8, y * 8, pairs * 8, alpha) : 0;
        return pairs < len ? sum + dotAxpyTail(data, a + pairs, x + pairs, y + pairs, alpha) : sum;
      },
      rank2(a, x, y, len, alpha, beta) {
        const pairs = len & ~1;
        if (pairs > 0) exports.rank2(a * 8, x * 8, y * 8, pairs * 8, alpha, beta);
        if (pairs < len) rank2Scalar(data, a + pairs, x + pairs, y + pairs, 1, alpha, beta);
      },
      rotateChain(z, n, l, m, c, s) {
        const octets = n & ~7;
        if (octets > 0) exports.rotate_chain(z * 8, n * 8, l, m, c * 8, s * 8, octets * 8);
        if (octets < n) rotateChainScalar(data, z + octets, n, n - octets, l, m, c, s);
      },
      axpy(y, x, len, alpha) {
        const pairs = len & ~1;
        if (pairs > 0) exports.axpy(y * 8, x * 8, pairs * 8, alpha);
        if (pairs < len) axpyScalar(data, y + pairs, x + pairs, 1, alpha);
      },
    };
  }
  const data = new Float64Array(doubles);
  return {
    simd: false,
    data,
    dotAxpy: (a, x, y, len, alpha) => dotAxpyScalar(data, a, x, y, len, alpha),
    rank2: (a, x, y, len, alpha, beta) => rank2Scalar(data, a, x, y, len, alpha, beta),
    rotateChain: (z, n, l, m, c, s) => rotateChainScalar(data, z, n, n, l, m, c, s),
    axpy: (y, x, len, alpha) => axpyScalar(data, y, x, len, alpha),
  };
}

function dotAxpyScalar(data: Float64Array, a: number, x: number, y: number, len: number, alpha: number): number {
  const pairs = len & ~1;
  let even = 0;
  let odd = 0;
  for (let k = 0; k < pairs; k += 2) {
    const a0 = data[a + k]!;
    const a1 = data[a + k + 1]!;
    even += a0 * data[x + k]!;
    odd += a1 * data[x + k + 1]!;
    data[y + k] = data[y + k]! + alpha * a0;
    data[y + k + 1] = data[y + k + 1]! + alpha * a1;
  }
  const sum = pairs > 0 ? even + odd : 0;
  return pairs < len ? sum + dotAxpyTail(data, a + pairs, x + pairs, y + pairs, alpha) : sum;
}

/** dotAxpy on one entry: returns its product, updates y. */
function dotAxpyTail(data: Float64Array, a: number, x: number, y: number, alpha: number): number {
  const a0 = data[a]!;
  data[y] = data[y]! + alpha * a0;
  return a0 * data[x]!;
}

function rank2Scalar(data: Float64Array, a: number, x: number, y: number, len: number, alpha: number, beta: number): void {
  for (let k = 0; k < len; k++) data[a + k] = data[a + k]! - (alpha * data[x + k]! + beta * data[y + k]!);
}

/** rotateChain on `len` columns from offset z of rows `stride` apart: whole row segments, one rotation at a time. */
function rotateChainScalar(data: Float64Array, z: number, stride: number, len: number, l: number, m: number, cOff: number, sOff: number): void {
  for (let i = m - 1; i >= l; i--) {
    const c = data[cOff + i]!;
    const s = data[sOff + i]!;
    const a = z + i * stride;
    const b = a + stride;
    for (let k = 0; k < len; k++) {
      const za = data[a + k]!;
      const zb = data[b + k]!;
      data[a + k] = c * za - s * zb;
      data[b + k] = s * za + c * zb;
    }
  }
}

function axpyScalar(data: Float64Array, y: number, x: number, len: number, alpha: number): void {
  for (let k = 0; k < len; k++) data[y + k] = data[y + k]! + alpha * data[x + k]!;
}

/** The compiled module, or null where WebAssembly or its SIMD extension is unavailable. */
const simdModule = compileOnce(() => assembleModule());

const f64x2Sub = simd(0xf1);
const I32_SUB = 0x6b;
const I32_GT_U = 0x4b;

/** `k = 0; do { body; k += 16 } while (k < bytes)` over byte offsets; `bytes` > 0 and a multiple of 16. */
function pairLoop(k: number, bytes: number, body: number[]): number[] {
  return [
    ...i32(0), ...set(k),
    BLOCK, 0x40, LOOP, 0x40,
    ...body,
    ...get(k), ...i32(16), I32_ADD, ...tee(k), ...get(bytes), I32_GE_U, BR_IF, 1,
    0x0c, 0, // br 0 (continue)
    END, END,
  ];
}

/** dot_axpy(a, x, y, bytes, alpha) → f64: params 0 … 4; locals k (i32), av, acc, va (v128). */
function dotAxpyBody(): number[] {
  const [a, x, y, bytes, alpha, k, av, acc, va] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const at = (base: number): number[] => [...get(base), ...get(k), I32_ADD];
  const code = [
    2, 1, I32, 3, V128,
    ...get(alpha), ...f64x2Splat, ...set(av),
    ...v128Zero, ...set(acc),
    ...pairLoop(k, bytes, [
      ...at(a), ...v128Load(0), ...set(va),
      // acc ← acc + a·x
      ...get(acc), ...get(va), ...at(x), ...v128Load(0), ...f64x2Mul, ...f64x2Add, ...set(acc),
      // y ← y + α·a
      ...at(y), ...at(y), ...v128Load(0), ...get(av), ...get(va), ...f64x2Mul, ...f64x2Add, ...v128Store(0),
    ]),
    ...get(acc), ...f64x2Extract(0), ...get(acc), ...f64x2Extract(1), F64_ADD,
    END,
  ];
  return [...uleb(code.length), ...code];
}

/** rank2(a, x, y, bytes, alpha, beta): params 0 … 5; locals k (i32), av, bv (v128). */
function rank2Body(): number[] {
  const [a, x, y, bytes, alpha, beta, k, av, bv] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const at = (base: number): number[] => [...get(base), ...get(k), I32_ADD];
  const code = [
    2, 1, I32, 2, V128,
    ...get(alpha), ...f64x2Splat, ...set(av),
    ...get(beta), ...f64x2Splat, ...set(bv),
    ...pairLoop(k, bytes, [
      // a ← a − (α·x + β·y)
      ...at(a), ...at(a), ...v128Load(0),
      ...get(av), ...at(x), ...v128Load(0), ...f64x2Mul, ...get(bv), ...at(y), ...v128Load(0), ...f64x2Mul, ...f64x2Add,
      ...f64x2Sub, ...v128Store(0),
    ]),
    END,
  ];
  return [...uleb(code.length), ...code];
}

/**
 * rotate_chain(z, rowBytes, l, m, c, s, colBytes): params 0 … 6; locals k, p, i (i32), cv, sv, value, c0 … c3 (v128).
 * For each group of 8 columns (four f64x2 carries) at byte offset k < colBytes: the carries start as row m,
 * then for i = m − 1 down to l: row i + 1 ← s_i·z_i + c_i·carry, carry ← c_i·z_i − s_i·carry; row l ← carry.
 */
function rotateChainBody(): number[] {
  const [z, rowBytes, l, m, c, s, colBytes, k, p, i, cv, sv, value, c0, c1, c2, c3] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];
  const step = (lane: number, carry: number, value: number): number[] => [
    ...get(p), ...v128Load(lane), ...set(value),
    // row i + 1 ← s·z_i + c·carry
    ...get(p), ...get(rowBytes), I32_ADD, ...get(sv), ...get(value), ...f64x2Mul, ...get(cv), ...get(carry), ...f64x2Mul, ...f64x2Add, ...v128Store(lane),
    // carry ← c·z_i − s·carry
    ...get(cv), ...get(value), ...f64x2Mul, ...get(sv), ...get(carry), ...f64x2Mul, ...f64x2Sub, ...set(carry),
  ];
  const code = [
    2, 3, I32, 7, V128,
    ...i32(0), ...set(k),
    BLOCK, 0x40, LOOP, 0x40,
    // p = z + m·rowBytes + k; carries = row m
    ...get(z), ...get(m), ...get(rowBytes), I32_MUL, I32_ADD, ...get(k), I32_ADD, ...tee(p), ...v128Load(0), ...set(c0),
    ...get(p), ...v128Load(16), ...set(c1),
    ...get(p), ...v128Load(32), ...set(c2),
    ...get(p), ...v128Load(48), ...set(c3),
    ...get(m), ...set(i),
    LOOP, 0x40,
    ...get(i), ...i32(1), I32_SUB, ...set(i),
    ...get(p), ...get(rowBytes), I32_SUB, ...set(p),
    ...get(c), ...get(i), ...i32(8), I32_MUL, I32_ADD, F64_LOAD, 3, 0, ...f64x2Splat, ...set(cv),
    ...get(s), ...get(i), ...i32(8), I32_MUL, I32_ADD, F64_LOAD, 3, 0, ...f64x2Splat, ...set(sv),
    ...step(0, c0, value),
    ...step(16, c1, value),
    ...step(32, c2, value),
    ...step(48, c3, value),
    ...get(i), ...get(l), I32_GT_U, BR_IF, 0,
    END,
    ...get(p), ...get(c0), ...v128Store(0),
    ...get(p), ...get(c1), ...v128Store(16),
    ...get(p), ...get(c2), ...v128Store(32),
    ...get(p), ...get(c3), ...v128Store(48),
    ...get(k), ...i32(64), I32_ADD, ...tee(k), ...get(colBytes), I32_GE_U, BR_IF, 1,
    0x0c, 0, // br 0 (continue)
    END, END,
    END,
  ];
  return [...uleb(code.length), ...code];
}

/** axpy(y, x, bytes, alpha): params 0 … 3; locals k (i32), av (v128). */
function axpyBody(): number[] {
  const [y, x, bytes, alpha, k, av] = [0, 1, 2, 3, 4, 5];
  const at = (base: number): number[] => [...get(base), ...get(k), I32_ADD];
  const code = [
    2, 1, I32, 1, V128,
    ...get(alpha), ...f64x2Splat, ...set(av),
    ...pairLoop(k, bytes, [
      // y ← y + α·x
      ...at(y), ...at(y), ...v128Load(0), ...get(av), ...at(x), ...v128Load(0), ...f64x2Mul, ...f64x2Add, ...v128Store(0),
    ]),
    END,
  ];
  return [...uleb(code.length), ...code];
}

function assembleModule(): Uint8Array<ArrayBuffer> {
  return kernelModule([
    { name: 'dot_axpy', signature: [5, I32, I32, I32, I32, F64, 1, F64], body: dotAxpyBody() },
    { name: 'rank2', signature: [6, I32, I32, I32, I32, F64, F64, 0], body: rank2Body() },
    { name: 'rotate_chain', signature: [7, I32, I32, I32, I32, I32, I32, I32, 0], body: rotateChainBody() },
    { name: 'axpy', signature: [4, I32, I32, I32, F64, 0], body: axpyBody() },
  ]);
}
