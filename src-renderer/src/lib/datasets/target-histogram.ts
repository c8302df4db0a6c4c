/** A histogram of a regression target, for the Datasets view. */
export interface Histogram {
  /** bins + 1 ascending edges; bin b holds values in [edges[b], edges[b + 1]) (the last bin includes its right edge). */
  edges: number[];
  counts: number[];
}

/**
 * Equal-width histogram of `values` with Sturges' rule for the bin count, ⌈log₂ n⌉ + 1 (numpy's `bins='sturges'`), at
 * least 1. Constant values give one bin of width 1 centred on the value.
 */
export function histogram(values: Float64Array): Histogram {
  const n = values.length;
  if (n === 0) return { edges: [0, 1], counts: [0] };
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (max === min) return { edges: [min - 0.5, max + 0.5], counts: [n] };
  const bins = Math.max(1, Math.ceil(Math.log2(n)) + 1);
  const width = (max - min) / bins;
  const edges = Array.from({ length: bins + 1 }, (_, b) => (b === bins ? max : min + b * width));
  const counts = new Array<number>(bins).fill(0);
  for (const v of values) counts[Math.min(bins - 1, Math.floor((v - min) / width))]!++;
  return { edges, counts };
}
