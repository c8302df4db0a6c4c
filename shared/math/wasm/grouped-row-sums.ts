/**
 * Sums of rows by group: sums[g] = Σ of the rows i with group[i] = g, added in row order (k-means' center update).
 * The rows are loaded once into WebAssembly memory and every call adds them with f64x2 lanes; each entry is the
 * same sequence of binary64 additions as the scalar loop (lanes are independent columns), so both paths give the
 * same bits. Without WebAssembly SIMD the TypeScript loop runs.
 */
import { END, I32, I32_ADD, I32_MUL, compileOnce, f64x2Add, get, i32, set, uleb, v128Load, v128Store, doWhile, singleFunctionModule } from './assembler.ts';

export interface RowSums {
  readonly simd: boolean;
  /**
   * sums (groups, dims) = Σ rows by `group` (n entries, each in [0, groups)), counts[g] = the rows in g. `sums` and
   * `counts` are overwritten.
   */
  sum(group: Int32Array, groups: number, sums: Float64Array, counts: Int32Array): void;
  /**
   * {@link sum} for several groupings at once (at most `maxSets`, see {@link createRowSums}): grouping t into sums[t]
   * and counts[t], each the same bits as its own `sum` call. Each row is read once for all of them (k-means'
   * restarts update their centers in one pass over Y instead of one pass each).
   */
  sumMany(groupings: readonly Int32Array[], groups: number, sums: readonly Float64Array[], counts: readonly Int32Array[]): void;
}

/** Loads Y (n, dims) for repeated {@link RowSums.sum} calls with at most `maxGroups` groups and `maxSets` groupings a call. */
export function createRowSums(Y: Float64Array, n: number, dims: number, maxGroups: number, preferSimd = true, maxSets = 1): RowSums {
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
  const checkMany = (groupings: readonly Int32Array[], groups: number, sums: readonly Float64Array[], counts: readonly Int32Array[]): void => {
    if (groupings.length > maxSets || sums.length !== groupings.length || counts.length !== groupings.length) {
      throw new RangeError(`RowSums.sumMany: ${groupings.length} groupings (at most ${maxSets}) with ${sums.length} sums and ${counts.length} counts.`);
    }
    groupings.forEach((group, t) => check(group, groups, sums[t]!, counts[t]!));
  };
  const module = preferSimd && n > 0 ? rowSumsModule() : null;
  if (!module) {
    const sumOne = (group: Int32Array, groups: number, sums: Float64Array, counts: Int32Array): void => {
      sums.fill(0, 0, groups * dims);
      counts.fill(0, 0, groups);
      for (let i = 0; i < n; i++) {
        const g = group[i]!;
        counts[g]!++;
        const o = g * dims;
        const y = i * dims;
        for (let f = 0; f < dims; f++) sums[o + f] = sums[o + f]! + Y[y + f]!;
      }
    };
    return {
      simd: false,
      sum(group, groups, sums, counts) {
        check(group, groups, sums, counts);
        sumOne(group, groups, sums, counts);
      },
      sumMany(groupings, groups, sums, counts) {
        checkMany(groupings, groups, sums, counts);
        groupings.forEach((group, t) => sumOne(group, groups, sums[t]!, counts[t]!));
      },
    };
  }
  const cp = dims + (dims & 1); // columns padded to even
  const sets = Math.max(1, maxSets);
  const bytes = (n * cp + sets * maxGroups * cp) * 8 + sets * n * 4;
  const memory = new WebAssembly.Memory({ initial: Math.max(1, Math.ceil(bytes / 65536)) });
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const addRows = (
    instance.exports as unknown as {
      addRows(y: number, n: number, rowBytes: number, groups: number, sums: number, sets: number, groupStride: number, sumStride: number): void;
    }
  ).addRows;
  const buffer = memory.buffer;
  const Yp = new Float64Array(buffer, 0, n * cp);
  const S = new Float64Array(buffer, Yp.byteLength, sets * maxGroups * cp);
  const G = new Int32Array(buffer, S.byteOffset + S.byteLength, sets * n);
  if (cp === dims) Yp.set(Y.subarray(0, n * dims));
  else for (let i = 0; i < n; i++) Yp.set(Y.subarray(i * dims, (i + 1) * dims), i * cp);
  const sumSets = (groupings: readonly Int32Array[], groups: number, sums: readonly Float64Array[], counts: readonly Int32Array[]): void => {
    const count = groupings.length;
    if (count === 0) return;
    groupings.forEach((group, t) => G.set(group.subarray(0, n), t * n));
    S.fill(0, 0, count * maxGroups * cp);
    addRows(0, n, cp * 8, G.byteOffset, S.byteOffset, count, n * 4, maxGroups * cp * 8);
    for (let t = 0; t < count; t++) {
      const c = counts[t]!;
      const group = groupings[t]!;
      c.fill(0, 0, groups);
      for (let i = 0; i < n; i++) c[group[i]!]!++;
      const base = t * maxGroups * cp;
      const out = sums[t]!;
      if (cp === dims) out.set(S.subarray(base, base + groups * dims));
      else for (let g = 0; g < groups; g++) out.set(S.subarray(base + g * cp, base + g * cp + dims), g * dims);
    }
  };
  return {
    simd: true,
    sum(group, groups, sums, counts) {
      check(group, groups, sums, counts);
      sumSets([group], groups, [sums], [counts]);
    },
    sumMany(groupings, groups, sums, counts) {
      checkMany(groupings, groups, sums, counts);
      sumSets(groupings, groups, sums, counts);
    },
  };
}

// ---------------------------------------------------------------------------------------------------------------
// addRows(y, n, rowBytes, groups, sums, sets, groupStride, sumStride): for i < n and t < sets, row i of Y (at
// y + i·rowBytes) is added to row groups[t][i] of sums[t] (groups[t] at groups + t·groupStride, sums[t] at
// sums + t·sumStride), two columns at a time. rowBytes is a multiple of 16; n, sets ≥ 1.

const I32_LOAD = 0x28;
const rowSumsModule = compileOnce(() => assembleModule());

function assembleModule(): Uint8Array<ArrayBuffer> {
  const [y, n, rowBytes, groups, sums, sets, groupStride, sumStride] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [yi, yEnd, gp, dst, c, t, gpt, sumBase] = [8, 9, 10, 11, 12, 13, 14, 15];
  const inner = [
    ...get(dst), ...get(c), I32_ADD,
    ...get(dst), ...get(c), I32_ADD, ...v128Load(0),
    ...get(yi), ...get(c), I32_ADD, ...v128Load(0),
    ...f64x2Add,
    ...v128Store(0),
  ];
  const perSet = [
    // dst = sums[t] + groups[t][i]·rowBytes
    ...get(sumBase), ...get(gpt), I32_LOAD, 2, 0, ...get(rowBytes), I32_MUL, I32_ADD, ...set(dst),
    ...i32(0), ...set(c),
    ...doWhile(c, i32(16), get(rowBytes), inner),
    ...get(gpt), ...get(groupStride), I32_ADD, ...set(gpt),
    ...get(sumBase), ...get(sumStride), I32_ADD, ...set(sumBase),
  ];
  const perRow = [
    ...get(gp), ...set(gpt),
    ...get(sums), ...set(sumBase),
    ...i32(0), ...set(t),
    ...doWhile(t, i32(1), get(sets), perSet),
    ...get(gp), ...i32(4), I32_ADD, ...set(gp),
  ];
  const code = [
    1, 8, I32,
    ...get(y), ...get(n), ...get(rowBytes), I32_MUL, I32_ADD, ...set(yEnd),
    ...get(groups), ...set(gp),
    ...get(y), ...set(yi),
    ...doWhile(yi, get(rowBytes), get(yEnd), perRow),
    END,
  ];
  return singleFunctionModule('addRows', 8, [...uleb(code.length), ...code]);
}
