/**
 * Sums of rows by group: sums[g] = Σ of the rows i with group[i] = g, added in row order (k-means' center update).
 * The rows are loaded once into WebAssembly memory and every call adds them with f64x2 lanes; each entry is the
 * same sequence of binary64 additions as the scalar loop (lanes are independent columns), so both paths give the
 * same bits. Without WebAssembly SIMD the TypeScript loop runs.
 */
import { END, I32, I32_ADD, I32_MUL, compileOnce, f64x2Add, get, i32, set, uleb, v128Load, v128Store, doWhile, singleFunctionModule } from './wasm-assembler.ts';

export interface RowSums {
  readonly simd: boolean;
  /**
   * sums (groups, dims) = Σ rows by `group` (n entries, each in [0, groups)), counts[g] = the rows in g. `sums` and
   * `counts` are overwritten.
   */
  sum(group: Int32Array, groups: number, sums: Float64Array, counts: Int32Array): void;
}

/** Loads Y (n, dims) for repeated {@link RowSums.sum} calls with at most `maxGroups` groups. */
export function createRowSums(Y: Float64Array, n: number, dims: number, maxGroups: number, preferSimd = true): RowSums {
  if (Y.length < n * dims) throw new RangeError(`createRowSums: expected ${n}×${dims} entries, got ${Y.length}.`);
  const check = (group: Int32Array, groups: number, sums: Float64Array, counts: Int32Array): void => {
    if (groups > maxGroups || group.length < n || sums.length < groups * dims || counts.length < groups) {
      throw new RangeError(`RowSums.sum: ${groups} groups (at most ${maxGroups}) of ${dims} columns for ${n} rows.`);
    }
    for (let i = 0; i < n; i++) {
      const g = group[i]!;
      if (!(g >= 0 && g < groups)) throw new RangeError(`RowSums.sum: row ${i} has group ${g}, outside [0, ${groups}).`);
    }
  };
  const module = preferSimd && n > 0 ? rowSumsModule() : null;
  if (!module) {
    return {
      simd: false,
      sum(group, groups, sums, counts) {
        check(group, groups, sums, counts);
        sums.fill(0, 0, groups * dims);
        counts.fill(0, 0, groups);
        for (let i = 0; i < n; i++) {
          const g = group[i]!;
          counts[g]!++;
          const o = g * dims;
          const y = i * dims;
          for (let f = 0; f < dims; f++) sums[o + f] = sums[o + f]! + Y[y + f]!;
        }
      },
    };
  }
  const cp = dims + (dims & 1); // columns padded to even
  const bytes = (n * cp + maxGroups * cp) * 8 + n * 4;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const addRows = (instance.exports as unknown as { addRows(y: number, n: number, rowBytes: number, groups: number, sums: number): void }).addRows;
  const buffer = memory.buffer;
  const Yp = new Float64Array(buffer, 0, n * cp);
  const S = new Float64Array(buffer, Yp.byteLength, maxGroups * cp);
  const G = new Int32Array(buffer, S.byteOffset + S.byteLength, n);
  if (cp === dims) Yp.set(Y.subarray(0, n * dims));
  else for (let i = 0; i < n; i++) Yp.set(Y.subarray(i * dims, (i + 1) * dims), i * cp);
  return {
    simd: true,
    sum(group, groups, sums, counts) {
      check(group, groups, sums, counts);
      G.set(group.subarray(0, n));
      S.fill(0, 0, groups * cp);
      addRows(0, n, cp * 8, G.byteOffset, S.byteOffset);
      counts.fill(0, 0, groups);
      for (let i = 0; i < n; i++) counts[group[i]!]!++;
      if (cp === dims) sums.set(S.subarray(0, groups * dims));
      else for (let g = 0; g < groups; g++) sums.set(S.subarray(g * cp, g * cp + dims), g * dims);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// addRows(y, n, rowBytes, groups, sums): for i < n, row i of Y (at y + i·rowBytes) is added to row groups[i] of the
// sums (at sums + groups[i]·rowBytes), two columns at a time. rowBytes is a multiple of 16.

const I32_LOAD = 0x28;
const rowSumsModule = compileOnce(() => assembleModule());

function assembleModule(): Uint8Array<ArrayBuffer> {
  const [y, n, rowBytes, groups, sums] = [0, 1, 2, 3, 4];
  const [yi, yEnd, gp, dst, c] = [5, 6, 7, 8, 9];
  const inner = [
    ...get(dst), ...get(c), I32_ADD,
    ...get(dst), ...get(c), I32_ADD, ...v128Load(0),
    ...get(yi), ...get(c), I32_ADD, ...v128Load(0),
    ...f64x2Add,
    ...v128Store(0),
  ];
  const perRow = [
    // dst = sums + groups[i]·rowBytes
    ...get(sums), ...get(gp), I32_LOAD, 2, 0, ...get(rowBytes), I32_MUL, I32_ADD, ...set(dst),
    ...i32(0), ...set(c),
    ...doWhile(c, i32(16), get(rowBytes), inner),
    ...get(gp), ...i32(4), I32_ADD, ...set(gp),
  ];
  const code = [
    1, 5, I32,
    ...get(y), ...get(n), ...get(rowBytes), I32_MUL, I32_ADD, ...set(yEnd),
    ...get(groups), ...set(gp),
    ...get(y), ...set(yi),
    ...doWhile(yi, get(rowBytes), get(yEnd), perRow),
    END,
  ];
  return singleFunctionModule('addRows', 5, [...uleb(code.length), ...code]);
}
