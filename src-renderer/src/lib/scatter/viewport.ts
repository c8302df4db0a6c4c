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
}
