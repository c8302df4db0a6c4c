import { describe, expect, it } from 'vitest';
import { applyViewKey, FIT_PADDING, FIT_TOP, PAN_STEP } from '../../../src-renderer/src/lib/scatter/view-keys.ts';
import { boundsOf, Viewport } from '../../../src-renderer/src/lib/scatter/viewport.ts';

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
