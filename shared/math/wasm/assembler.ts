/**
 * The few pieces of the WebAssembly binary format our hand-assembled SIMD kernels need (the rank-one kernels of
 * rank-one-kernels.ts, the grouped row sums of grouped-row-sums.ts, the binary64 Gram tiles of
 * ../distances/gram-tiles.ts and the binary32 screening tiles of ../distances/screening-tiles.ts): opcodes, LEB128
 * integers, locals, f64x2 lanes and sections. Byte values from the WebAssembly core specification (binary format) and its SIMD proposal.
 */

// Value types and control / memory / numeric opcodes.
export const I32 = 0x7f;
export const F64 = 0x7c;
export const V128 = 0x7b;
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const BR_IF = 0x0d;
export const END = 0x0b;
export const LOCAL_GET = 0x20;
export const LOCAL_SET = 0x21;
export const LOCAL_TEE = 0x22;
export const F64_LOAD = 0x2b;
export const F64_STORE = 0x39;
export const I32_CONST = 0x41;
export const F64_CONST = 0x44;
export const I32_LT_U = 0x49;
export const I32_GE_U = 0x4f;
export const I32_ADD = 0x6a;
export const I32_MUL = 0x6c;
export const F64_ADD = 0xa0;
export const F64_MUL = 0xa2;
export const SIMD = 0xfd;

/** Unsigned LEB128 of a 32-bit value. */
export function uleb(value: number): number[] {
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

/** Signed LEB128 of a 32-bit value. */
export function sleb(value: number): number[] {
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

/** A SIMD-prefixed instruction. */
export const simd = (op: number): number[] => [SIMD, ...uleb(op)];
/** v128.load / v128.store with 16-byte alignment at a constant offset. */
export const v128Load = (offset: number): number[] => [...simd(0x00), 4, ...uleb(offset)];
export const v128Store = (offset: number): number[] => [...simd(0x0b), 4, ...uleb(offset)];
export const f64x2Splat = simd(0x14);
export const f64x2Extract = (lane: number): number[] => [...simd(0x21), lane];
export const f64x2Add = simd(0xf0);
export const f64x2Mul = simd(0xf2);
export const v128Zero = [...simd(0x0c), ...new Array<number>(16).fill(0)];
export const get = (i: number): number[] => [LOCAL_GET, ...uleb(i)];
export const set = (i: number): number[] => [LOCAL_SET, ...uleb(i)];
export const tee = (i: number): number[] => [LOCAL_TEE, ...uleb(i)];
export const i32 = (v: number): number[] => [I32_CONST, ...sleb(v)];
export const f64Zero = [F64_CONST, 0, 0, 0, 0, 0, 0, 0, 0];

/** A module section: id, byte length, content. */
export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A name (length-prefixed ASCII). */
export function name(text: string): number[] {
  return [...uleb(text.length), ...Array.from(text, (c) => c.charCodeAt(0))];
}

/**
 * `do { body; ptr += step } while (ptr < limit)` (unsigned): a loop that runs its body at least once. `step` and
 * `limit` are instruction sequences that push one i32 each.
 */
export function doWhile(ptr: number, step: number[], limit: number[], body: number[]): number[] {
  return [LOOP, 0x40, ...body, ...get(ptr), ...step, I32_ADD, ...set(ptr), ...get(ptr), ...limit, I32_LT_U, BR_IF, 0, END];
}

/** One exported function of a {@link kernelModule}: its signature after 0x60 (params, types, results, types). */
export interface KernelFunction {
  name: string;
  signature: number[];
  /** The function's code entry (size, locals, instructions). */
  body: number[];
}

/**
 * A module of `kernels` over one imported memory (env.memory), each exported under its name, function i of type i.
 */
export function kernelModule(kernels: readonly KernelFunction[]): Uint8Array<ArrayBuffer> {
  const count = uleb(kernels.length);
  return Uint8Array.from([
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, [...count, ...kernels.flatMap((k) => [0x60, ...k.signature])]),
    ...section(2, [1, ...name('env'), ...name('memory'), 0x02, 0x00, 1]),
    ...section(3, [...count, ...kernels.map((_, i) => i)]),
    ...section(7, [...count, ...kernels.flatMap((k, i) => [...name(k.name), 0, i])]),
    ...section(10, [...count, ...kernels.flatMap((k) => k.body)]),
  ]);
}

/**
 * A module with one exported function `exportName` over the imported memory (env.memory), taking `params` i32
 * parameters and returning nothing; `body` is the function's code entry (size, locals, instructions).
 */
export function singleFunctionModule(exportName: string, params: number, body: number[]): Uint8Array<ArrayBuffer> {
  return kernelModule([{ name: exportName, signature: [params, ...new Array<number>(params).fill(I32), 0], body }]);
}

/**
 * Compiles the module `assemble` builds, once, on first use: the module, or null where WebAssembly or its SIMD
 * extension is unavailable (the caller then uses its TypeScript fallback).
 */
export function compileOnce(assemble: () => Uint8Array<ArrayBuffer>): () => WebAssembly.Module | null {
  let cached: WebAssembly.Module | null | undefined;
  return () => {
    if (cached !== undefined) return cached;
    cached = null;
    try {
      if (typeof WebAssembly === 'object') {
        const bytes = assemble();
        if (WebAssembly.validate(bytes)) cached = new WebAssembly.Module(bytes);
      }
    } catch {
      cached = null;
    }
    return cached;
  };
}
