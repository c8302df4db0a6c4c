/**
 * The two O(d²) kernels of ITML's Bregman projections, on a symmetric matrix M (dp, dp) whose size dp is d rounded
 * up to a multiple of 4 (the padding rows and columns are zero and stay zero):
 *
 *   matVecQuad:               out = M·v,                     returns vᵀ·out
 *   rankOneUpdateThenMatVec:  M ← M + β·u·uᵀ, then out = M·v, returns vᵀ·out   (one pass over M)
 *   rankOneUpdate:            M ← M + β·u·uᵀ
 *
 * Two implementations with the same arithmetic in the same order, so they give bitwise-identical results:
 * a WebAssembly one using 128-bit SIMD (two f64 lanes, two accumulators), assembled below from bytes, and a plain
 * TypeScript one used where WebAssembly SIMD is unavailable. Each dot product accumulates the products of
 * columns j ≡ 0, 1, 2, 3 (mod 4) separately and sums them as (s₀ + s₂) + (s₁ + s₃).
 *
 * All arrays live in one buffer (the WebAssembly memory when available); {@link createPairKernels} hands out
 * Float64Array views of it.
 */

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

/** d rounded up to a multiple of 4. */
export function paddedDimension(d: number): number {
  return Math.ceil(d / 4) * 4;
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

function matVecQuadScalar(M: Float64Array, V: Float64Array, row: number, dp: number, out: Float64Array): number {
  let p = 0;
  for (let i = 0; i < dp; i++) {
    const mRow = i * dp;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < dp; j += 4) {
      s0 += M[mRow + j]! * V[row + j]!;
      s1 += M[mRow + j + 1]! * V[row + j + 1]!;
      s2 += M[mRow + j + 2]! * V[row + j + 2]!;
      s3 += M[mRow + j + 3]! * V[row + j + 3]!;
    }
    const s = s0 + s2 + (s1 + s3);
    out[i] = s;
    p += s * V[row + i]!;
  }
  return p;
}

function rankOneUpdateThenMatVecScalar(M: Float64Array, u: Float64Array, beta: number, V: Float64Array, row: number, dp: number, out: Float64Array): number {
  let p = 0;
  for (let i = 0; i < dp; i++) {
    const mRow = i * dp;
    const bi = beta * u[i]!;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let j = 0; j < dp; j += 4) {
      const m0 = M[mRow + j]! + bi * u[j]!;
      const m1 = M[mRow + j + 1]! + bi * u[j + 1]!;
      const m2 = M[mRow + j + 2]! + bi * u[j + 2]!;
      const m3 = M[mRow + j + 3]! + bi * u[j + 3]!;
      M[mRow + j] = m0;
      M[mRow + j + 1] = m1;
      M[mRow + j + 2] = m2;
      M[mRow + j + 3] = m3;
      s0 += m0 * V[row + j]!;
      s1 += m1 * V[row + j + 1]!;
      s2 += m2 * V[row + j + 2]!;
      s3 += m3 * V[row + j + 3]!;
    }
    const s = s0 + s2 + (s1 + s3);
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

let cachedModule: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly or its SIMD extension is unavailable. */
function simdModule(): WebAssembly.Module | null {
  if (cachedModule !== undefined) return cachedModule;
  cachedModule = null;
  try {
    if (typeof WebAssembly === 'object') {
      const bytes = assembleModule();
      if (WebAssembly.validate(bytes)) cachedModule = new WebAssembly.Module(bytes);
    }
  } catch {
    cachedModule = null;
  }
  return cachedModule;
}

// Opcodes.
const I32 = 0x7f;
const F64 = 0x7c;
const V128 = 0x7b;
const BLOCK = 0x02;
const LOOP = 0x03;
const BR_IF = 0x0d;
const END = 0x0b;
const LOCAL_GET = 0x20;
const LOCAL_SET = 0x21;
const LOCAL_TEE = 0x22;
const F64_LOAD = 0x2b;
const F64_STORE = 0x39;
const I32_CONST = 0x41;
const F64_CONST = 0x44;
const I32_ADD = 0x6a;
const I32_MUL = 0x6c;
const I32_GE_U = 0x4f;
const F64_ADD = 0xa0;
const F64_MUL = 0xa2;
const SIMD = 0xfd;

function uleb(value: number): number[] {
  const out: number[] = [];
  let v = value >>> 0;
  do {
    let byte = v & 0x7f;
    v >>>= 7;
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}

const simd = (op: number): number[] => [SIMD, ...uleb(op)];
const v128Load = (offset: number): number[] => [...simd(0x00), 4, ...uleb(offset)];
const v128Store = (offset: number): number[] => [...simd(0x0b), 4, ...uleb(offset)];
const f64x2Splat = simd(0x14);
const f64x2Extract = (lane: number): number[] => [...simd(0x21), lane];
const f64x2Add = simd(0xf0);
const f64x2Mul = simd(0xf2);
const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
const get = (i: number): number[] => [LOCAL_GET, ...uleb(i)];
const set = (i: number): number[] => [LOCAL_SET, ...uleb(i)];
const tee = (i: number): number[] => [LOCAL_TEE, ...uleb(i)];
const i32 = (v: number): number[] => [I32_CONST, ...sleb(v)];
const f64Zero = [F64_CONST, 0, 0, 0, 0, 0, 0, 0, 0];

/** A counted loop `for (idx = 0; idx < limit; idx += step) body` as a block/loop pair (limit > 0 assumed). */
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
 * Inner product of row `rowPtr` with the vector at `vPtr` over dp columns, f64x2 lanes, accumulators acc0 (columns
 * 4k, 4k+1) and acc1 (4k+2, 4k+3). When `update` is set, first writes M[row][j] += bi·u[j] back into the row.
 * Leaves s = (acc0.0 + acc1.0) + (acc0.1 + acc1.1), i.e. (s₀ + s₂) + (s₁ + s₃), on the stack.
 */
function rowDot(l: Locals, update: boolean): number[] {
  const addr = (base: number): number[] => [...get(base), ...get(l.jBytes), I32_ADD];
  const half = (offset: number, acc: number): number[] => {
    const value = update
      ? [
          // m = M[row][j..j+1] + bi·u[j..j+1]; store it back; keep it for the product.
          ...addr(l.rowPtr), ...addr(l.rowPtr), ...v128Load(offset), ...get(l.biVec), ...addr(l.uPtr), ...v128Load(offset),
          ...f64x2Mul, ...f64x2Add, ...tee(l.mVec), ...v128Store(offset), ...get(l.mVec),
        ]
      : [...addr(l.rowPtr), ...v128Load(offset)];
    return [...get(acc), ...value, ...addr(l.vPtr), ...v128Load(offset), ...f64x2Mul, ...f64x2Add, ...set(acc)];
  };
  return [
    ...v128Zero, ...set(l.acc0), ...v128Zero, ...set(l.acc1),
    ...countedLoop(l.jBytes, l.rowBytes, 32, [...half(0, l.acc0), ...half(16, l.acc1)]),
    ...get(l.acc0), ...f64x2Extract(0), ...get(l.acc1), ...f64x2Extract(0), F64_ADD,
    ...get(l.acc0), ...f64x2Extract(1), ...get(l.acc1), ...f64x2Extract(1), F64_ADD, F64_ADD,
  ];
}

interface Locals {
  rowPtr: number;
  vPtr: number;
  uPtr: number;
  outPtr: number;
  rowBytes: number;
  iBytes: number;
  jBytes: number;
  p: number;
  s: number;
  acc0: number;
  acc1: number;
  biVec: number;
  mVec: number;
  beta: number;
  M: number;
}

/** Body of matvec / update_matvec / update. */
function kernelBody(kind: 'matvec' | 'update_matvec' | 'update'): number[] {
  // Parameters: matvec (M, v, out, dp); update_matvec (M, u, beta, v, out, dp); update (M, u, beta, dp).
  const params = kind === 'matvec' ? 4 : kind === 'update_matvec' ? 6 : 4;
  const dpParam = params - 1;
  let next = params;
  const local = (): number => next++;
  const l: Locals = {
    M: 0,
    uPtr: kind === 'matvec' ? -1 : 1,
    beta: kind === 'matvec' ? -1 : 2,
    vPtr: kind === 'matvec' ? 1 : kind === 'update_matvec' ? 3 : -1,
    outPtr: kind === 'matvec' ? 2 : kind === 'update_matvec' ? 4 : -1,
    rowPtr: local(),
    rowBytes: local(),
    iBytes: local(),
    jBytes: local(),
    s: local(),
    p: local(),
    acc0: local(),
    acc1: local(),
    biVec: local(),
    mVec: local(),
  };
  const declarations = [
    // rowPtr, rowBytes, iBytes, jBytes: i32; s, p: f64; acc0, acc1, biVec, mVec: v128.
    3, 4, I32, 2, F64, 4, V128,
  ];
  const setup = [
    ...get(dpParam), ...i32(8), I32_MUL, ...set(l.rowBytes),
    ...f64Zero, ...set(l.p),
    ...get(l.M), ...set(l.rowPtr),
  ];
  const bi = kind === 'matvec' ? [] : [...get(l.beta), ...get(l.uPtr), ...get(l.iBytes), I32_ADD, F64_LOAD, 3, 0, F64_MUL, ...f64x2Splat, ...set(l.biVec)];
  let perRow: number[];
  if (kind === 'update') {
    const addr = (base: number): number[] => [...get(base), ...get(l.jBytes), I32_ADD];
    const half = (offset: number): number[] => [
      ...addr(l.rowPtr), ...addr(l.rowPtr), ...v128Load(offset), ...get(l.biVec), ...addr(l.uPtr), ...v128Load(offset),
      ...f64x2Mul, ...f64x2Add, ...v128Store(offset),
    ];
    perRow = [...bi, ...countedLoop(l.jBytes, l.rowBytes, 32, [...half(0), ...half(16)])];
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
  const rows = countedLoop(l.iBytes, l.rowBytes, 8, [
    ...perRow,
    ...get(l.rowPtr), ...get(l.rowBytes), I32_ADD, ...set(l.rowPtr),
  ]);
  const result = kind === 'update' ? [] : get(l.p);
  const code = [...declarations, ...setup, ...rows, ...result, END];
  return [...uleb(code.length), ...code];
}

function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

function assembleModule(): Uint8Array<ArrayBuffer> {
  const types = [
    3,
    0x60, 4, I32, I32, I32, I32, 1, F64, // matvec
    0x60, 6, I32, I32, F64, I32, I32, I32, 1, F64, // update_matvec
    0x60, 4, I32, I32, F64, I32, 0, // update
  ];
  const imports = [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1];
  const functions = [3, 0, 1, 2];
  const exports = [3, ...name('matvec'), 0, 0, ...name('update_matvec'), 0, 1, ...name('update'), 0, 2];
  const code = [3, ...kernelBody('matvec'), ...kernelBody('update_matvec'), ...kernelBody('update')];
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, types),
    ...section(2, imports),
    ...section(3, functions),
    ...section(7, exports),
    ...section(10, code),
  ]);
}
