/**
 * Data ↔ screen coordinates for a zoomable, pannable scatter. One scale for both axes (a PCA picture
 * keeps its aspect ratio); screen y grows downwards, data y upwards.
 *
 *   screenX = offsetX + scale · x,   screenY = offsetY − scale · y
 */
export interface Bounds {
  minX: number;
  maxX: number;
  minY: number;
  maxY: number;
}

export function boundsOf(xs: ArrayLike<number>, ys: ArrayLike<number>): Bounds {
  let minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity;
  for (let i = 0; i < xs.length; i++) {
    const x = xs[i]!, y = ys[i]!;
    if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
    if (x < minX) minX = x;
    if (x > maxX) maxX = x;
    if (y < minY) minY = y;
    if (y > maxY) maxY = y;
  }
  if (minX > maxX) return { minX: -1, maxX: 1, minY: -1, maxY: 1 };
  return { minX, maxX, minY, maxY };
}

/** The share of points below the low and above the high percentile of each axis the robust view leaves out. */
export const ROBUST_PERCENTILES = [0.01, 0.99] as const;
/** How far past the percentile range (as a share of that range, each side) a point still counts as in view. */
export const ROBUST_MARGIN = 0.25;

/**
 * The default view of a scatter, robust to outliers: the 1st–99th percentile range of each axis widened by
 * {@link ROBUST_MARGIN} on each side. When every point is inside it the view is simply the data's bounds;
 * otherwise the points outside (`outliers` of them) are drawn clamped at its edge (`xs`, `ys`: the positions
 * drawn and hit-tested; `clamped`: 1 for those points), so a few far points do not squeeze all others into a strip.
 */
export interface RobustView {
  bounds: Bounds;
  xs: Float64Array;
  ys: Float64Array;
  clamped: Uint8Array | null;
  outliers: number;
}

function percentileRange(values: ArrayLike<number>, low: number, high: number): [number, number] | null {
  const finite: number[] = [];
  for (let i = 0; i < values.length; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  if (finite.length === 0) return null;
  const sorted = Float64Array.from(finite).sort();
  // Linear interpolation between order statistics (numpy.percentile's default).
  const at = (q: number): number => {
    const pos = q * (sorted.length - 1);
    const k = Math.floor(pos);
    return sorted[k]! + (pos - k) * ((sorted[Math.min(k + 1, sorted.length - 1)] ?? sorted[k]!) - sorted[k]!);
  };
  return [at(low), at(high)];
}

export function robustView(xs: Float64Array, ys: Float64Array): RobustView {
  const full = boundsOf(xs, ys);
  const rx = percentileRange(xs, ROBUST_PERCENTILES[0], ROBUST_PERCENTILES[1]);
  const ry = percentileRange(ys, ROBUST_PERCENTILES[0], ROBUST_PERCENTILES[1]);
  if (!rx || !ry || rx[1] <= rx[0] || ry[1] <= ry[0]) return { bounds: full, xs, ys, clamped: null, outliers: 0 };
  const box: Bounds = {
    minX: rx[0] - ROBUST_MARGIN * (rx[1] - rx[0]), maxX: rx[1] + ROBUST_MARGIN * (rx[1] - rx[0]),
    minY: ry[0] - ROBUST_MARGIN * (ry[1] - ry[0]), maxY: ry[1] + ROBUST_MARGIN * (ry[1] - ry[0]),
  };
  if (full.minX >= box.minX && full.maxX <= box.maxX && full.minY >= box.minY && full.maxY <= box.maxY) {
    return { bounds: full, xs, ys, clamped: null, outliers: 0 };
  }
  const n = xs.length;
  const shownX = new Float64Array(n), shownY = new Float64Array(n), clamped = new Uint8Array(n);
  let outliers = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i]!, y = ys[i]!;
    shownX[i] = Math.min(Math.max(x, box.minX), box.maxX);
    shownY[i] = Math.min(Math.max(y, box.minY), box.maxY);
    if (shownX[i] !== x || shownY[i] !== y) {
      clamped[i] = 1;
      outliers++;
    }
  }
  return { bounds: box, xs: shownX, ys: shownY, clamped, outliers };
}

export class Viewport {
  scale = 1;
  offsetX = 0;
  offsetY = 0;

  /**
   * Fits the bounds into width × height pixels with `padding` pixels on every side, and at least `top`
   * pixels above (room for controls drawn over the canvas).
   */
  fit(bounds: Bounds, width: number, height: number, padding = 16, top = padding): void {
    const w = Math.max(bounds.maxX - bounds.minX, 1e-9);
    const h = Math.max(bounds.maxY - bounds.minY, 1e-9);
    const inner = height - padding - Math.max(top, padding);
    this.scale = Math.max(Math.min((width - 2 * padding) / w, inner / h), 1e-9);
    const cx = (bounds.minX + bounds.maxX) / 2, cy = (bounds.minY + bounds.maxY) / 2;
    this.offsetX = width / 2 - this.scale * cx;
    this.offsetY = Math.max(top, padding) + inner / 2 + this.scale * cy;
  }

  toScreen(x: number, y: number): [number, number] {
    return [this.offsetX + this.scale * x, this.offsetY - this.scale * y];
  }

  toData(px: number, py: number): [number, number] {
    return [(px - this.offsetX) / this.scale, (this.offsetY - py) / this.scale];
  }

  /** Zooms by `factor` keeping the data point under (px, py) fixed on screen. */
  zoomAt(px: number, py: number, factor: number): void {
    const [x, y] = this.toData(px, py);
    this.scale = Math.min(Math.max(this.scale * factor, 1e-9), 1e12);
    this.offsetX = px - this.scale * x;
    this.offsetY = py + this.scale * y;
  }

  pan(dx: number, dy: number): void {
    this.offsetX += dx;
    this.offsetY += dy;
  }

  /**
   * When a given data point is off the width × height canvas, centres the points (same zoom, or zoomed out just
   * enough that they lie `margin` pixels inside, `top` below the top edge); returns whether the view changed.
   * Points already on the canvas never move the view (a click near the edge must not shift the next target).
   */
  reveal(points: readonly (readonly [number, number])[], width: number, height: number, margin = 40, top = margin): boolean {
    const inside = ([x, y]: readonly [number, number]) => {
      const [px, py] = this.toScreen(x, y);
      return px >= 0 && px <= width && py >= 0 && py <= height;
    };
    if (points.length === 0 || points.every(inside)) return false;
    const xs = points.map((p) => p[0]), ys = points.map((p) => p[1]);
    const minX = Math.min(...xs), maxX = Math.max(...xs), minY = Math.min(...ys), maxY = Math.max(...ys);
    // Zoom out only when the points cannot fit at the current zoom.
    const fit = Math.min((width - 2 * margin) / Math.max(maxX - minX, 1e-12), (height - margin - top) / Math.max(maxY - minY, 1e-12));
    if (fit < this.scale) this.scale = Math.max(fit, 1e-9);
    const cx = (minX + maxX) / 2, cy = (minY + maxY) / 2;
    this.offsetX = width / 2 - this.scale * cx;
    this.offsetY = top + (height - margin - top) / 2 + this.scale * cy;
    return true;
  }
}
