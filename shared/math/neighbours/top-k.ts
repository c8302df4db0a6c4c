/**
 * Selection of the smallest values with the workbench's one tie rule: (value, index) ascending, so equal values are
 * taken in order of lower index and every result is deterministic.
 *
 * - {@link BoundedTopK}: the k smallest of a stream offered in increasing index order, kept sorted by insertion;
 *   O(length + k·insertions), the right tool for small k (kNN, candidate lists).
 * - {@link selectSmallestSorted}: partial selection (quickselect to the count-th, then sorting only those), O(length +
 *   count·log count) expected, for large counts (the top R of MAP@R).
 * - {@link sortIndicesByValue}: sorts indices by (value, index); {@link smallestValue}: the count-th smallest value
 *   alone (a threshold, no indices), quickselect on a scratch copy.
 * - {@link smallestIndices} / {@link smallestIndicesSorted}: the count smallest of an array, as a new index array,
 *   unordered (quickselect) or sorted (the bounded top-k).
 */

/** The k smallest (value, index) pairs of a stream; offer indices in increasing order. */
export class BoundedTopK {
  readonly capacity: number;
  /** Indices, nearest first; entries [0, size) are valid. */
  readonly index: Int32Array;
  /** Their values, ascending. */
  readonly value: Float64Array;
  size = 0;

  constructor(k: number) {
    if (!Number.isInteger(k) || k < 0) throw new RangeError(`BoundedTopK: k must be an integer ≥ 0, got ${k}.`);
    this.capacity = k;
    this.index = new Int32Array(k);
    this.value = new Float64Array(k);
  }

  /** Empties the list for reuse. */
  clear(): void {
    this.size = 0;
  }

  /** The current k-th smallest value (+∞ while fewer than k were offered). */
  get bound(): number {
    return this.size < this.capacity ? Infinity : this.value[this.capacity - 1]!;
  }

  /**
   * Offers (v, j). Indices must arrive in increasing order: then a later index enters only when strictly smaller than
   * the current k-th, and equal values stay in index order.
   */
  offer(v: number, j: number): void {
    const k = this.capacity;
    if (k === 0 || (this.size === k && !(v < this.value[k - 1]!))) return;
    const value = this.value;
    const index = this.index;
    let pos = this.size < k ? this.size++ : k - 1;
    while (pos > 0 && value[pos - 1]! > v) {
      value[pos] = value[pos - 1]!;
      index[pos] = index[pos - 1]!;
      pos--;
    }
    value[pos] = v;
    index[pos] = j;
  }
}

/** (value, index) order of two indices into `values`. */
function before(values: ArrayLike<number>, p: number, q: number): boolean {
  const vp = values[p]!;
  const vq = values[q]!;
  return vp < vq || (vp === vq && p < q);
}

/**
 * Reorders `idx[0 … m)` (indices into `values`) so that its first `count` entries are the `count` smallest in
 * (value, index) order, in no particular order among themselves. Quickselect with a median-of-three pivot.
 */
export function partitionSmallest(values: ArrayLike<number>, idx: Int32Array, m: number, count: number): void {
  if (count <= 0 || count >= m) return;
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = idx[lo]!;
    const y = idx[mid]!;
    const z = idx[hi]!;
    const pivot = before(values, x, y)
      ? before(values, y, z) ? y : before(values, x, z) ? z : x
      : before(values, x, z) ? x : before(values, y, z) ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (before(values, idx[i]!, pivot)) i++;
      while (before(values, pivot, idx[j]!)) j--;
      if (i <= j) {
        const t = idx[i]!;
        idx[i] = idx[j]!;
        idx[j] = t;
        i++;
        j--;
      }
    }
    if (count <= j) hi = j;
    else if (count >= i) lo = i;
    else break;
  }
}

/**
 * Indices of the `count` smallest entries of `values[0 … length)` (skipping `exclude`), in no particular
 * order: {@link partitionSmallest} on an index buffer, O(length) expected, ties to the lower index.
 */
export function smallestIndices(values: ArrayLike<number>, length: number, count: number, exclude = -1): Int32Array {
  const idx = new Int32Array(length - (exclude >= 0 && exclude < length ? 1 : 0));
  let m = 0;
  for (let j = 0; j < length; j++) if (j !== exclude) idx[m++] = j;
  if (count >= m) return idx;
  partitionSmallest(values, idx, m, count);
  return idx.slice(0, count);
}

/**
 * Indices of the `count` smallest entries of `values[0 … length)` (skipping `exclude`), sorted by (value, index):
 * one {@link BoundedTopK} pass, O(length + count²) worst case, O(length) typically; the tool for small counts.
 */
export function smallestIndicesSorted(values: ArrayLike<number>, length: number, count: number, exclude = -1): Int32Array {
  const top = new BoundedTopK(count);
  for (let j = 0; j < length; j++) if (j !== exclude) top.offer(values[j]!, j);
  return top.size === count ? top.index : top.index.slice(0, top.size);
}

/**
 * The `count` smallest of `values` over the indices `idx[0 … m)`, sorted by (value, index): partitions `idx` in
 * place, then sorts its first `count` entries. Returns min(count, m), the number of valid leading entries of `idx`.
 */
export function selectSmallestSorted(values: ArrayLike<number>, idx: Int32Array, m: number, count: number): number {
  const c = Math.max(0, Math.min(count, m));
  partitionSmallest(values, idx, m, c);
  sortIndicesByValue(values, idx, c);
  return c;
}

/**
 * Sorts idx[0 … count) by (values[idx], idx) ascending, in place: quicksort (median-of-three pivot) with insertion
 * sort for short ranges, no comparator calls. Values must not be NaN.
 */
export function sortIndicesByValue(values: ArrayLike<number>, idx: Int32Array, count: number): void {
  let lo = 0;
  let hi = count - 1;
  // An explicit stack of pending ranges; the smaller side is pushed, so it never holds more than log2(count) pairs.
  const stack: number[] = [];
  for (;;) {
    while (hi - lo > 16) {
      const mid = (lo + hi) >>> 1;
      const x = idx[lo]!;
      const y = idx[mid]!;
      const z = idx[hi]!;
      const pivot = before(values, x, y)
        ? before(values, y, z) ? y : before(values, x, z) ? z : x
        : before(values, x, z) ? x : before(values, y, z) ? z : y;
      const pv = values[pivot]!;
      let i = lo;
      let j = hi;
      while (i <= j) {
        for (;;) {
          const a = idx[i]!;
          const va = values[a]!;
          if (va < pv || (va === pv && a < pivot)) i++;
          else break;
        }
        for (;;) {
          const b = idx[j]!;
          const vb = values[b]!;
          if (pv < vb || (pv === vb && pivot < b)) j--;
          else break;
        }
        if (i <= j) {
          const t = idx[i]!;
          idx[i] = idx[j]!;
          idx[j] = t;
          i++;
          j--;
        }
      }
      if (j - lo < hi - i) {
        stack.push(i, hi);
        hi = j;
      } else {
        stack.push(lo, j);
        lo = i;
      }
    }
    for (let a = lo + 1; a <= hi; a++) {
      const key = idx[a]!;
      const v = values[key]!;
      let b = a - 1;
      while (b >= lo) {
        const o = idx[b]!;
        const vo = values[o]!;
        if (vo < v || (vo === v && o < key)) break;
        idx[b + 1] = o;
        b--;
      }
      idx[b + 1] = key;
    }
    if (stack.length === 0) return;
    hi = stack.pop()!;
    lo = stack.pop()!;
  }
}

/**
 * The count-th smallest (1-based) of scratch[0 … m), count in [1, m]; reorders `scratch`. NaN entries must have been
 * replaced (e.g. by +∞) by the caller. Quickselect on the values alone: no index ties to break, since only the value
 * is wanted.
 */
export function smallestValue(scratch: Float64Array, m: number, count: number): number {
  if (!(count >= 1 && count <= m)) throw new RangeError(`smallestValue: count ${count} outside 1…${m}.`);
  const target = count - 1;
  let lo = 0;
  let hi = m - 1;
  while (lo < hi) {
    const x = scratch[lo]!;
    const y = scratch[(lo + hi) >>> 1]!;
    const z = scratch[hi]!;
    const pivot = x < y ? (y < z ? y : x < z ? z : x) : x < z ? x : y < z ? z : y;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (scratch[i]! < pivot) i++;
      while (pivot < scratch[j]!) j--;
      if (i <= j) {
        const t = scratch[i]!;
        scratch[i] = scratch[j]!;
        scratch[j] = t;
        i++;
        j--;
      }
    }
    if (target <= j) hi = j;
    else if (target >= i) lo = i;
    else return scratch[target]!;
  }
  return scratch[target]!;
}
