import { describe, expect, it } from 'vitest';
import { applyViewKey, FIT_PADDING, FIT_TOP, PAN_STEP } from '../../../src-renderer/src/lib/scatter/view-keys.ts';
import { boundsOf, robustView, Viewport } from '../../../src-renderer/src/lib/scatter/viewport.ts';

describe('Viewport', () => {
  it('fits the bounds inside the padding and keeps the aspect ratio', () => {
    const view = new Viewport();
    view.fit({ minX: 0, maxX: 10, minY: 0, maxY: 5 }, 220, 220, 10);
    expect(view.scale).toBe(20);
    expect(view.toScreen(0, 0)).toEqual([10, 160]);
    expect(view.toScreen(10, 5)).toEqual([210, 60]);
  });

  it('keeps room above the points for controls drawn over the canvas', () => {
    const view = new Viewport();
    view.fit({ minX: 0, maxX: 1, minY: 0, maxY: 1 }, 200, 140, 10, 40);
    expect(view.scale).toBe(90);
    expect(view.toScreen(0, 1)[1]).toBe(40);
    expect(view.toScreen(0, 0)[1]).toBe(130);
  });

  it('round-trips data ↔ screen and zooms about the cursor', () => {
    const view = new Viewport();
    view.fit({ minX: -1, maxX: 1, minY: -1, maxY: 1 }, 100, 100, 0);
    const before = view.toData(30, 70);
    view.zoomAt(30, 70, 3);
    const after = view.toData(30, 70);
    expect(after[0]).toBeCloseTo(before[0], 12);
    expect(after[1]).toBeCloseTo(before[1], 12);
    view.pan(5, -5);
    const [x, y] = view.toData(...view.toScreen(0.25, -0.5));
    expect(x).toBeCloseTo(0.25, 12);
    expect(y).toBeCloseTo(-0.5, 12);
  });

  it('ignores non-finite coordinates when measuring bounds, and has a default for none', () => {
    expect(boundsOf([1, Number.NaN, 3], [2, 0, -2])).toEqual({ minX: 1, maxX: 3, minY: -2, maxY: 2 });
    expect(boundsOf([], [])).toEqual({ minX: -1, maxX: 1, minY: -1, maxY: 1 });
  });
});

describe('applyViewKey', () => {
  it('pans with the arrows, zooms with + and -, refits with 0, and ignores other keys', () => {
    const bounds = { minX: 0, maxX: 1, minY: 0, maxY: 1 };
    const view = new Viewport();
    view.fit(bounds, 200, 200, FIT_PADDING, FIT_TOP);
    const start = { scale: view.scale, offsetX: view.offsetX, offsetY: view.offsetY };
    expect(applyViewKey(view, 'ArrowLeft', 200, 200, bounds)).toBe(true);
    expect(view.offsetX).toBe(start.offsetX + PAN_STEP);
    expect(applyViewKey(view, '+', 200, 200, bounds)).toBe(true);
    expect(view.scale).toBeCloseTo(start.scale * 1.25, 12);
    expect(applyViewKey(view, 'm', 200, 200, bounds)).toBe(false);
    expect(applyViewKey(view, '0', 200, 200, bounds)).toBe(true);
    expect({ scale: view.scale, offsetX: view.offsetX, offsetY: view.offsetY }).toEqual(start);
  });
});

describe('robust default view', () => {
  /** 200 points on a 10 × 10 grid-like cloud, plus two far outliers (rows 200 and 201). */
  function cloud(): { xs: Float64Array; ys: Float64Array } {
    const xs = new Float64Array(202), ys = new Float64Array(202);
    for (let i = 0; i < 200; i++) {
      xs[i] = (i % 20) / 2;
      ys[i] = Math.floor(i / 20);
    }
    xs[200] = 1000; ys[200] = 5;
    xs[201] = 5; ys[201] = -800;
    return { xs, ys };
  }

  it('spans the 1st–99th percentile (widened by a quarter) and clamps the outliers at its edge', () => {
    const { xs, ys } = cloud();
    const robust = robustView(xs, ys);
    expect(robust.outliers).toBe(2);
    // x: 1st/99th percentiles of the 202 values are 0 and 9.5 (numpy.percentile, linear), widened by 0.25 · 9.5.
    expect(robust.bounds.minX).toBeCloseTo(0 - 0.25 * 9.5, 12);
    expect(robust.bounds.maxX).toBeCloseTo(9.5 + 0.25 * 9.5, 12);
    expect(robust.xs[200]).toBe(robust.bounds.maxX);
    expect(robust.ys[200]).toBe(5);
    expect(robust.ys[201]).toBe(robust.bounds.minY);
    expect([...robust.clamped!].flatMap((c, i) => (c ? [i] : []))).toEqual([200, 201]);
    // Every other point is drawn where it is.
    expect(robust.xs.subarray(0, 200)).toEqual(xs.subarray(0, 200));
  });

  it('is the plain bounds when no point lies far out', () => {
    const { xs, ys } = cloud();
    const robust = robustView(xs.subarray(0, 200), ys.subarray(0, 200));
    expect(robust.outliers).toBe(0);
    expect(robust.clamped).toBeNull();
    expect(robust.bounds).toEqual(boundsOf(xs.subarray(0, 200), ys.subarray(0, 200)));
  });
});

describe('Viewport.reveal', () => {
  it('pans a zoomed view to points off screen and leaves points on screen alone', () => {
    const view = new Viewport();
    view.fit({ minX: 0, maxX: 10, minY: 0, maxY: 10 }, 400, 400, 20);
    view.zoomAt(200, 200, 8);
    const scale = view.scale;
    // (9, 9) is far off the zoomed canvas; (5, 5) is at its centre.
    expect(view.reveal([[5, 5]], 400, 400, 40)).toBe(false);
    expect(view.reveal([[9, 9], [9.5, 9]], 400, 400, 40)).toBe(true);
    expect(view.scale).toBe(scale);
    for (const [x, y] of [[9, 9], [9.5, 9]] as const) {
      const [px, py] = view.toScreen(x, y);
      expect(px).toBeGreaterThanOrEqual(40);
      expect(px).toBeLessThanOrEqual(360);
      expect(py).toBeGreaterThanOrEqual(40);
      expect(py).toBeLessThanOrEqual(360);
    }
    // A pair too far apart for the zoom: zoomed out just enough to show both.
    expect(view.reveal([[0, 0], [10, 10]], 400, 400, 40)).toBe(true);
    expect(view.scale).toBeCloseTo(32, 12);
  });
});
