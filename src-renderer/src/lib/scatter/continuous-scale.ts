/**
 * A continuous colour scale for numeric values (a regression target): viridis (perceptually uniform, colour-blind
 * safe, readable in greyscale), quantized into {@link SCALE_STEPS} steps so the scatter still draws one batched path
 * per colour.
 */

/** Viridis at 9 evenly spaced stops (matplotlib's values). */
const VIRIDIS = ['#440154', '#472d7b', '#3b528b', '#2c728e', '#21918c', '#28ae80', '#5ec962', '#addc30', '#fde725'];

/** Colour steps of the scatter's scale. */
export const SCALE_STEPS = 32;

function hex(c: string): [number, number, number] {
  return [parseInt(c.slice(1, 3), 16), parseInt(c.slice(3, 5), 16), parseInt(c.slice(5, 7), 16)];
}

/** The scale's colour at t ∈ [0, 1] (clamped), linearly between the viridis stops, as `rgb(r, g, b)`. */
export function scaleColor(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (VIRIDIS.length - 1);
  const k = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - k;
  const a = hex(VIRIDIS[k]!);
  const b = hex(VIRIDIS[k + 1]!);
  const [r, g, bl] = a.map((v, i) => Math.round(v + f * (b[i]! - v)));
  return `rgb(${r}, ${g}, ${bl})`;
}

/** The CSS gradient of the whole scale, left (low) to right (high), for the colour bar. */
export function scaleGradient(): string {
  return `linear-gradient(to right, ${VIRIDIS.join(', ')})`;
}

/** Values binned into the scale's steps: bin per value (0 … steps − 1) and the range they span. */
export interface ScaleBins {
  bins: Int32Array;
  min: number;
  max: number;
  /** The colour of bin b (its centre on the scale). */
  colorOf(bin: number): string;
}

/** Bins `values` linearly over [min, max] into `steps` colours (all in the middle step when the values are constant). */
export function scaleBins(values: Float64Array, steps = SCALE_STEPS): ScaleBins {
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  const bins = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    bins[i] = span > 0 ? Math.min(steps - 1, Math.floor(((values[i]! - min) / span) * steps)) : steps >> 1;
  }
  return { bins, min, max, colorOf: (bin) => scaleColor((bin + 0.5) / steps) };
}
