import { describe, expect, it } from 'vitest';
import { boundsOf, Viewport } from '../../../src-renderer/src/lib/scatter/viewport.ts';

describe('Viewport', () => {
  it('fits the bounds inside the padding and keeps the aspect ratio', () => {
    const view = new Viewport();
    view.fit({ minX: 0, maxX: 10, minY: 0, maxY: 5 }, 220, 220, 10);
    expect(view.scale).toBe(20);
    expect(view.toScreen(0, 0)).toEqual([10, 160]);
    expect(view.toScreen(10, 5)).toEqual([210, 60]);
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
