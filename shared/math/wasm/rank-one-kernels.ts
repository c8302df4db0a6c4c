/**
 * The two O(d²) kernels of ITML's Bregman projections, on a symmetric matrix M (dp, dp) whose size dp is d rounded
 * up to a multiple of 8 (the padding rows and columns are zero and stay zero):
 *
 *   matVecQuad:               out = M·v,                     returns vᵀ·out
 *   rankOneUpdateThenMatVec:  M ← M + β·u·uᵀ, then out = M·v, returns vᵀ·out   (one pass over M)
 *   rankOneUpdate:            M ← M + β·u·uᵀ
 *
 * Two implementations with the same arithmetic in the same order, so they give bitwise-identical results:
 * a WebAssembly one using 128-bit SIMD (two f64 lanes, four accumulators), assembled below from bytes, and a plain
 * TypeScript one used where WebAssembly SIMD is unavailable. Each dot product accumulates the products of
 * columns j ≡ 0 … 7 (mod 8) separately in s₀ … s₇ and sums them as ((s₀ + s₂) + (s₄ + s₆)) + ((s₁ + s₃) + (s₅ + s₇)).
 *
 * All arrays live in one buffer (the WebAssembly memory when available); {@link createPairKernels} hands out
 * Float64Array views of it.
 */
import { BLOCK, BR_IF, END, F64, F64_ADD, F64_LOAD, F64_MUL, F64_STORE, I32, I32_ADD, I32_GE_U, I32_MUL, LOOP, V128, f64Zero, f64x2Add, f64x2Extract, f64x2Mul, f64x2Splat, get, i32, kernelModule, set, tee, uleb, v128Load, v128Store, v128Zero, compileOnce } from './assembler.ts';

export interface PairKernels {
  /** True when the WebAssembly SIMD path is in use. */
  readonly simd: boolean;
  /** (dp, dp) row-major, zero-initialised. */
  readonly M: Float64Array;
  /** (rows, dp) row-major, zero-initialised: one padded vector per row. */
  readonly V: Float64Array;
  /** Two scratch vectors of length dp. */
  readonly a: Float64Array;
  readonly b: Float64Array;
  readonly dp: number;
  /** out = M·V[row]; returns V[row]ᵀ·out. `out` is `a` or `b`. */
  matVecQuad(row: number, out: Float64Array): number;
  /** M ← M + β·u·uᵀ, then out = M·V[row]; returns V[row]ᵀ·out. `u` and `out` are `a` and `b`, distinct. */
  rankOneUpdateThenMatVec(u: Float64Array, beta: number, row: number, out: Float64Array): number;
  /** M ← M + β·u·uᵀ. */
  rankOneUpdate(u: Float64Array, beta: number): void;
}

/** d rounded up to a multiple of 8. */
export function paddedDimension(d: number): number {
  return Math.ceil(d / 8) * 8;
}

/**
 * Allocates M (dp, dp), V (rows, dp) and two scratch vectors for dimension d, and returns the kernels over them.
 * `preferSimd: false` forces the TypeScript path (tests compare the two).
 */
export function createPairKernels(d: number, rows: number, preferSimd = true): PairKernels {
  const dp = paddedDimension(d);
  const floats = dp * dp + rows * dp + 2 * dp;
  const module = preferSimd ? simdModule() : null;
  if (module) {
    const bytes = floats * 8;
    const pages = Math.max(1, Math.ceil(bytes / 65536));
    const memory = new WebAssembly.Memory({ initial: pages });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const exports = instance.exports as unknown as {
      matvec(M: number, v: number, out: number, dp: number): number;
      update_matvec(M: number, u: number, beta: number, v: number, out: number, dp: number): number;
      update(M: number, u: number, beta: number, dp: number): void;
    };
    const buffer = memory.buffer;
    const M = new Float64Array(buffer, 0, dp * dp);
    const V = new Float64Array(buffer, M.byteOffset + M.byteLength, rows * dp);
    const a = new Float64Array(buffer, V.byteOffset + V.byteLength, dp);
    const b = new Float64Array(buffer, a.byteOffset + a.byteLength, dp);
    const rowBytes = dp * 8;
    return {
      simd: true,
      M,
      V,
      a,
      b,
      dp,
      matVecQuad: (row, out) => exports.matvec(0, V.byteOffset + row * rowBytes, out.byteOffset, dp),
      rankOneUpdateThenMatVec: (u, beta, row, out) =>
        exports.update_matvec(0, u.byteOffset, beta, V.byteOffset + row * rowBytes, out.byteOffset, dp),
      rankOneUpdate: (u, beta) => exports.update(0, u.byteOffset, beta, dp),
    };
  }
  const M = new Float64Array(dp * dp);
  const V = new Float64Array(rows * dp);
  const a = new Float64Array(dp);
  const b = new Float64Array(dp);
  return {
    simd: false,
    M,
    V,
    a,
    b,
    dp,
    matVecQuad: (row, out) => matVecQuadScalar(M, V, row * dp, dp, out),
    rankOneUpdateThenMatVec: (u, beta, row, out) => rankOneUpdateThenMatVecScalar(M, u, beta, V, row * dp, dp, out),
    rankOneUpdate: (u, beta) => rankOneUpdateScalar(M, u, beta, dp),
  };
}

/** Row dot products out[i] = A[i]·x for a (rows, cp) matrix, cp = cols rounded up to a multiple of 8. */
export interface RowDotKernel {
  readonly simd: boolean;
  /** (rows, cp) row-major, zero-initialised. */
  readonly A: Float64Array;
  /** (cp), zero-initialised. */
  readonly x: Float64Array;
  /** (rows). */
  readonly out: Float64Array;
  readonly cp: number;
  /** out[i] = A[i]·x for i in [first, first + count), with the same summation order as the ITML kernels. */
  rowDots(first: number, count: number): void;
}

/** Allocates A (rows, cp), x and out for the row-dot kernel. `preferSimd: false` forces the TypeScript path. */
export function createRowDotKernel(rows: number, cols: number, preferSimd = true): RowDotKernel {
  const cp = paddedDimension(cols);
  const module = preferSimd ? simdModule() : null;
  if (module) {
    const floats = rows * cp + cp + rows;
    const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil((floats * 8) / 65536)) });
    const instance = new WebAssembly.Instance(module, { env: { memory } });
    const rowdots = (instance.exports as unknown as { rowdots(A: number, x: number, out: number, rows: number, cols: number): void }).rowdots;
    const buffer = memory.buffer;
    const A = new Float64Array(buffer, 0, rows * cp);
    const x = new Float64Array(buffer, A.byteLength, cp);
    const out = new Float64Array(buffer, x.byteOffset + x.byteLength, rows);
    return {
      simd: true,
      A,
      x,
      out,
      cp,
      rowDots: (first, count) => {
        if (count > 0) rowdots(first * cp * 8, x.byteOffset, out.byteOffset + first * 8, count, cp);
      },
    };
  }
  const A = new Float64Array(rows * cp);
  const x = new Float64Array(cp);
  const out = new Float64Array(rows);
  return {
    simd: false,
    A,
    x,
    out,
    cp,
    rowDots: (first, count) => {
      for (let i = first; i < first + count; i++) out[i] = rowDotScalar(A, i * cp, x, 0, cp);
    },
  };
}

/** A[offset … offset + cp) · x[xOffset … xOffset + cp) with eight accumulators, summed as the SIMD kernels do. */
function rowDotScalar(A: Float64Array, offset: number, x: Float64Array, xOffset: number, cp: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let s4 = 0;
  let s5 = 0;
  let s6 = 0;
  let s7 = 0;
  for (let j = 0; j < cp; j += 8) {
    const m = offset + j;
    const r = xOffset + j;
    s0 += A[m]! * x[r]!;
    s1 += A[m + 1]! * x[r + 1]!;
    s2 += A[m + 2]! * x[r + 2]!;
    s3 += A[m + 3]! * x[r + 3]!;
    s4 += A[m + 4]! * x[r + 4]!;
    s5 += A[m + 5]! * x[r + 5]!;
    s6 += A[m + 6]! * x[r + 6]!;
    s7 += A[m + 7]! * x[r + 7]!;
  }
  return s0 + s2 + (s4 + s6) + (s1 + s3 + (s5 + s7));
}

function matVecQuadScalar(M: Float64Array, V: Float64Array, row: number, dp: number, out: Float64Array): number {
  let p = 0;
  for (let i = 0; i < dp; i++) {
    const s = rowDotScalar(M, i * dp, V, row, dp);
    out[i] = s;
    p += s * V[row + i]!;
  }
  return p;
}

function rankOneUpdateThenMatVecScalar(M: Float64Array, u: Float64Array, beta: number, V: Float64Array, row: number, dp: number, out: Float64Array): number {
  let p = 0;
  const acc = new Float64Array(8);
  for (let i = 0; i < dp; i++) {
    const mRow = i * dp;
    const bi = beta * u[i]!;
    acc.fill(0);
    for (let j = 0; j < dp; j += 8) {
      for (let k = 0; k < 8; k++) {
        const m = M[mRow + j + k]! + bi * u[j + k]!;
        M[mRow + j + k] = m;
        acc[k]! += m * V[row + j + k]!;
      }
    }
    const s = acc[0]! + acc[2]! + (acc[4]! + acc[6]!) + (acc[1]! + acc[3]! + (acc[5]! + acc[7]!));
    out[i] = s;
    p += s * V[row + i]!;
  }
  return p;
}

function rankOneUpdateScalar(M: Float64Array, u: Float64Array, beta: number, dp: number): void {
  for (let i = 0; i < dp; i++) {
    const mRow = i * dp;
    const bi = beta * u[i]!;
    for (let j = 0; j < dp; j++) M[mRow + j] = M[mRow + j]! + bi * u[j]!;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The WebAssembly module, assembled from bytes (no toolchain needed). Functions (byte addresses, f64 data):
//   matvec(M, v, out, dp) → f64
//   update_matvec(M, u, beta, v, out, dp) → f64
//   update(M, u, beta, dp)
// Memory is imported as env.memory.

/** The compiled module, or null where WebAssembly or its SIMD extension is unavailable. */
const simdModule = compileOnce(() => assembleModule());

// Opcodes.
function countedLoop(idx: number, limitLocal: number, step: number, body: number[]): number[] {
  return [
    ...i32(0), ...set(idx),
    BLOCK, 0x40, LOOP, 0x40,
    ...body,
    ...get(idx), ...i32(step), I32_ADD, ...tee(idx), ...get(limitLocal), I32_GE_U, BR_IF, 1,
    0x0c, 0, // br 0 (continue)
    END, END,
  ];
}

/**
 * Inner product of row `rowPtr` with the vector at `vPtr` over dp columns, f64x2 lanes, accumulators a0 … a3 for
 * columns (8k, 8k+1) … (8k+6, 8k+7). When `update` is set, first writes M[row][j] += bi·u[j] back into the row.
 * Leaves ((s₀ + s₂) + (s₄ + s₆)) + ((s₁ + s₃) + (s₅ + s₇)) on the stack.
 */
function rowDot(l: Locals, update: boolean): number[] {
  const addr = (base: number): number[] => [...get(base), ...get(l.jBytes), I32_ADD];
  const part = (offset: number, acc: number): number[] => {
    const value = update
      ? [
          // m = M[row][j..j+1] + bi·u[j..j+1]; store it back; keep it for the product.
          ...addr(l.rowPtr), ...addr(l.rowPtr), ...v128Load(offset), ...get(l.biVec), ...addr(l.uPtr), ...v128Load(offset),
          ...f64x2Mul, ...f64x2Add, ...tee(l.mVec), ...v128Store(offset), ...get(l.mVec),
        ]
      : [...addr(l.rowPtr), ...v128Load(offset)];
    return [...get(acc), ...value, ...addr(l.vPtr), ...v128Load(offset), ...f64x2Mul, ...f64x2Add, ...set(acc)];
  };
  const [a0, a1, a2, a3] = l.acc;
  return [
    ...v128Zero, ...set(a0), ...v128Zero, ...set(a1), ...v128Zero, ...set(a2), ...v128Zero, ...set(a3),
    ...countedLoop(l.jBytes, l.rowBytes, 64, [...part(0, a0), ...part(16, a1), ...part(32, a2), ...part(48, a3)]),
    // (a0 + a1) + (a2 + a3) lane-wise, then lane 0 + lane 1.
    ...get(a0), ...get(a1), ...f64x2Add, ...get(a2), ...get(a3), ...f64x2Add, ...f64x2Add, ...tee(l.mVec),
    ...f64x2Extract(0), ...get(l.mVec), ...f64x2Extract(1), F64_ADD,
  ];
}

interface Locals {
  rowPtr: number;
  iLimit: number;
  vPtr: number;
  uPtr: number;
  outPtr: number;
  rowBytes: number;
  iBytes: number;
  jBytes: number;
  p: number;
  s: number;
  acc: [number, number, number, number];
  biVec: number;
  mVec: number;
  beta: number;
  M: number;
}

/** Body of matvec / update_matvec / update. */
function kernelBody(kind: 'matvec' | 'update_matvec' | 'update' | 'rowdots'): number[] {
  // Parameters: matvec (M, v, out, dp); update_matvec (M, u, beta, v, out, dp); update (M, u, beta, dp);
  // rowdots (A, x, out, rows, cols).
  const params = kind === 'matvec' ? 4 : kind === 'update_matvec' ? 6 : kind === 'update' ? 4 : 5;
  const dpParam = params - 1; // the row length (dp, or cols for rowdots)
  const rowsParam = kind === 'rowdots' ? 3 : dpParam;
  let next = params;
  const local = (): number => next++;
  const l: Locals = {
    M: 0,
    uPtr: kind === 'matvec' || kind === 'rowdots' ? -1 : 1,
    beta: kind === 'matvec' || kind === 'rowdots' ? -1 : 2,
    vPtr: kind === 'matvec' || kind === 'rowdots' ? 1 : kind === 'update_matvec' ? 3 : -1,
    outPtr: kind === 'matvec' || kind === 'rowdots' ? 2 : kind === 'update_matvec' ? 4 : -1,
    rowPtr: local(),
    iLimit: local(),
    rowBytes: local(),
    iBytes: local(),
    jBytes: local(),
    s: local(),
    p: local(),
    acc: [local(), local(), local(), local()],
    biVec: local(),
    mVec: local(),
  };
  const declarations = [
    // rowPtr, iLimit, rowBytes, iBytes, jBytes: i32; s, p: f64; acc ×4, biVec, mVec: v128.
    3, 5, I32, 2, F64, 6, V128,
  ];
  const setup = [
    ...get(dpParam), ...i32(8), I32_MUL, ...set(l.rowBytes),
    ...get(rowsParam), ...i32(8), I32_MUL, ...set(l.iLimit),
    ...f64Zero, ...set(l.p),
    ...get(l.M), ...set(l.rowPtr),
  ];
  const bi = kind === 'matvec' || kind === 'rowdots' ? [] : [...get(l.beta), ...get(l.uPtr), ...get(l.iBytes), I32_ADD, F64_LOAD, 3, 0, F64_MUL, ...f64x2Splat, ...set(l.biVec)];
  let perRow: number[];
  if (kind === 'update') {
    const addr = (base: number): number[] => [...get(base), ...get(l.jBytes), I32_ADD];
    const half = (offset: number): number[] => [
      ...addr(l.rowPtr), ...addr(l.rowPtr), ...v128Load(offset), ...get(l.biVec), ...addr(l.uPtr), ...v128Load(offset),
      ...f64x2Mul, ...f64x2Add, ...v128Store(offset),
    ];
    perRow = [...bi, ...countedLoop(l.jBytes, l.rowBytes, 64, [...half(0), ...half(16), ...half(32), ...half(48)])];
  } else if (kind === 'rowdots') {
    perRow = [...rowDot(l, false), ...set(l.s), ...get(l.outPtr), ...get(l.iBytes), I32_ADD, ...get(l.s), F64_STORE, 3, 0];
  } else {
    perRow = [
      ...bi,
      ...rowDot(l, kind === 'update_matvec'),
      ...set(l.s),
      // out[i] = s
      ...get(l.outPtr), ...get(l.iBytes), I32_ADD, ...get(l.s), F64_STORE, 3, 0,
      // p += s·v[i]
      ...get(l.p), ...get(l.s), ...get(l.vPtr), ...get(l.iBytes), I32_ADD, F64_LOAD, 3, 0, F64_MUL, F64_ADD, ...set(l.p),
    ];
  }
  const rows = countedLoop(l.iBytes, l.iLimit, 8, [
    ...perRow,
    ...get(l.rowPtr), ...get(l.rowBytes), I32_ADD, ...set(l.rowPtr),
  ]);
  const result = kind === 'update' || kind === 'rowdots' ? [] : get(l.p);
  const code = [...declarations, ...setup, ...rows, ...result, END];
  return [...uleb(code.length), ...code];
}

function assembleModule(): Uint8Array<ArrayBuffer> {
  return kernelModule([
    { name: 'matvec', signature: [4, I32, I32, I32, I32, 1, F64], body: kernelBody('matvec') },
    { name: 'update_matvec', signature: [6, I32, I32, F64, I32, I32, I32, 1, F64], body: kernelBody('update_matvec') },
    { name: 'update', signature: [4, I32, I32, F64, I32, 0], body: kernelBody('update') },
    { name: 'rowdots', signature: [5, I32, I32, I32, I32, I32, 0], body: kernelBody('rowdots') },
  ]);
}
