/**
 * A uniform grid over 2-D points for hit-testing: which point lies nearest to the cursor, within a
 * radius? Building costs O(n); a query visits only the cells that the query disc overlaps, so with
 * evenly spread points it costs O(1 + points in those cells) instead of the O(n) linear scan.
 *
 * Cells are chosen so that on average about {@link TARGET_PER_CELL} points share one cell. Points are
 * stored cell by cell in one Int32Array (a counting sort), so the index is two typed arrays and
 * allocates nothing per query.
 */
const TARGET_PER_CELL = 4;

export class GridIndex {
  readonly size: number;
  readonly #xs: Float64Array;
  readonly #ys: Float64Array;
  readonly #minX: number;
  readonly #minY: number;
  readonly #cellSize: number;
  readonly #cols: number;
  readonly #rows: number;
  /** (cols·rows + 1): start offset of each cell in {@link #items}. */
  readonly #cellStart: Int32Array;
  /** (n): point indices, grouped by cell. */
  readonly #items: Int32Array;

  /**
   * @param xs x coordinate per point (n)
   * @param ys y coordinate per point (n)
   * @throws RangeError if the two arrays differ in length
   */
  constructor(xs: ArrayLike<number>, ys: ArrayLike<number>) {
    if (xs.length !== ys.length) {
      throw new RangeError(`GridIndex: xs has ${xs.length} points but ys has ${ys.length}`);
    }
    const n = xs.length;
    this.size = n;
    this.#xs = Float64Array.from(xs);
    this.#ys = Float64Array.from(ys);
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      const x = this.#xs[i]!, y = this.#ys[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if (x < minX) minX = x;
      if (x > maxX) maxX = x;
      if (y < minY) minY = y;
      if (y > maxY) maxY = y;
    }
    if (minX > maxX) { minX = 0; maxX = 1; minY = 0; maxY = 1; }
    const width = Math.max(maxX - minX, 1e-12);
    const height = Math.max(maxY - minY, 1e-12);
    const cellCount = Math.max(1, Math.ceil(n / TARGET_PER_CELL));
    const cellSize = Math.max(Math.sqrt((width * height) / cellCount), Math.max(width, height) / 1024, 1e-12);
    this.#minX = minX;
    this.#minY = minY;
    this.#cellSize = cellSize;
    this.#cols = Math.floor(width / cellSize) + 1;
    this.#rows = Math.floor(height / cellSize) + 1;

    const cellOf = new Int32Array(n);
    const counts = new Int32Array(this.#cols * this.#rows + 1);
    for (let i = 0; i < n; i++) {
      const x = this.#xs[i]!, y = this.#ys[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) { cellOf[i] = -1; continue; }
      const c = this.#cellIndex(this.#col(x), this.#row(y));
      cellOf[i] = c;
      counts[c + 1]!++;
    }
    for (let c = 1; c < counts.length; c++) counts[c]! += counts[c - 1]!;
    this.#cellStart = counts.slice();
    const fill = counts; // reused as write cursors
    const items = new Int32Array(fill[fill.length - 1]!);
    for (let i = 0; i < n; i++) {
      const c = cellOf[i]!;
      if (c < 0) continue;
      items[fill[c]!++] = i;
    }
    this.#items = items;
  }

  #col(x: number): number {
    return Math.min(this.#cols - 1, Math.max(0, Math.floor((x - this.#minX) / this.#cellSize)));
  }
  #row(y: number): number {
    return Math.min(this.#rows - 1, Math.max(0, Math.floor((y - this.#minY) / this.#cellSize)));
  }
  #cellIndex(col: number, row: number): number {
    return row * this.#cols + col;
  }

  /**
   * The point nearest to (x, y) whose distance is at most `radius`, or -1 if there is none.
   * Ties go to the lower index, so the answer is the same as a linear scan's.
   */
  nearest(x: number, y: number, radius: number): number {
    if (!(radius >= 0) || this.size === 0) return -1;
    const c0 = this.#col(x - radius), c1 = this.#col(x + radius);
    const r0 = this.#row(y - radius), r1 = this.#row(y + radius);
    let best = -1;
    let bestD2 = radius * radius;
    for (let r = r0; r <= r1; r++) {
      for (let c = c0; c <= c1; c++) {
        const cell = this.#cellIndex(c, r);
        for (let k = this.#cellStart[cell]!; k < this.#cellStart[cell + 1]!; k++) {
          const i = this.#items[k]!;
          const dx = this.#xs[i]! - x, dy = this.#ys[i]! - y;
          const d2 = dx * dx + dy * dy;
          if (d2 < bestD2 || (d2 === bestD2 && (best === -1 || i < best))) {
            bestD2 = d2;
            best = i;
          }
        }
      }
    }
    return best;
  }

  /** Indices of every point inside the axis-aligned rectangle [x0, x1] × [y0, y1], ascending. */
  withinRect(x0: number, y0: number, x1: number, y1: number): number[] {
    const out: number[] = [];
    if (this.size === 0) return out;
    const [lx, hx] = x0 <= x1 ? [x0, x1] : [x1, x0];
    const [ly, hy] = y0 <= y1 ? [y0, y1] : [y1, y0];
    for (let r = this.#row(ly); r <= this.#row(hy); r++) {
      for (let c = this.#col(lx); c <= this.#col(hx); c++) {
        const cell = this.#cellIndex(c, r);
        for (let k = this.#cellStart[cell]!; k < this.#cellStart[cell + 1]!; k++) {
          const i = this.#items[k]!;
          const px = this.#xs[i]!, py = this.#ys[i]!;
          if (px >= lx && px <= hx && py >= ly && py <= hy) out.push(i);
        }
      }
    }
    return out.sort((a, b) => a - b);
  }
}
