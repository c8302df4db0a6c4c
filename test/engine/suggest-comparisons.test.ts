import { describe, expect, it } from 'vitest';
import { queryKey, suggestComparisons } from '../../shared/engine/suggest-comparisons.ts';

/** Row 0 halfway between rows 1 and 2 (on either side of it); rows 3–5 a tight group far away; row 6 farther still. */
const points = Float64Array.from([
  0, 0,
  1, 0,
  -1.01, 0,
  10, 10,
  10.5, 10,
  10, 10.6,
  -40, 30,
]);
const base = { points, n: 7, e: 2, count: 3, seed: 0, maxAnchors: 7 };

describe('suggestComparisons', () => {
  it('asks first about the anchor that is most nearly halfway between two of its neighbours, on either side of it', () => {
    const [top] = suggestComparisons({ ...base, answered: [], strategy: 'uncertain', metricName: 'the Euclidean metric' });
    expect(top).toBeDefined();
    expect(top!.anchor).toBe(0);
    expect([top!.first, top!.second].sort()).toEqual([1, 2]);
    expect(top!.score).toBeCloseTo(0.01 / 2.01, 12);
    expect(top!.reason).toContain('least sure under the Euclidean metric');
    expect(top!.reason).toContain('0.50 % apart');
  });

  it('never asks a query answered in either order, nor a closed one, and uses each row once per queue', () => {
    const answered = suggestComparisons({ ...base, answered: [[0, 2, 1]], strategy: 'uncertain' });
    const closed = suggestComparisons({ ...base, answered: [], closed: [[0, 1, 2]], strategy: 'uncertain' });
    for (const queue of [answered, closed]) {
      expect(queue.map((s) => queryKey(s.anchor, s.first, s.second))).not.toContain(queryKey(0, 1, 2));
      const rows = queue.flatMap((s) => [s.anchor, s.first, s.second]);
      expect(new Set(rows).size).toBe(rows.length);
    }
  });

  it('explores from the anchor farthest from every labeled row', () => {
    // Rows 0–2 are labeled (one answered comparison), row 3 by a pair: row 6 is the farthest from them.
    const [first] = suggestComparisons({ ...base, answered: [[0, 1, 2]], labeledRows: [3], strategy: 'explore', count: 1 });
    expect(first!.anchor).toBe(6);
    expect(first!.reason).toMatch(/^far from everything labeled so far \(\d/);
  });

  it('keeps to the budget on a large set by examining a sample of the rows, and still gives valid open queries', () => {
    const n = 3000, e = 8;
    const big = new Float64Array(n * e);
    for (let k = 0; k < big.length; k++) big[k] = Math.sin(k * 12.9898) * 43758.5453 % 1;
    const queue = suggestComparisons({ points: big, n, e, answered: [], strategy: 'uncertain', count: 10, budget: 64 * 100 * e });
    expect(queue.length).toBe(10);
    for (const s of queue) {
      expect(new Set([s.anchor, s.first, s.second]).size).toBe(3);
      expect(Math.max(s.anchor, s.first, s.second)).toBeLessThan(n);
    }
    expect(queue.map((s) => s.score)).toEqual([...queue.map((s) => s.score)].sort((a, b) => a - b));
  });

  it('refuses points of the wrong length', () => {
    expect(() => suggestComparisons({ ...base, n: 8, answered: [], strategy: 'uncertain' })).toThrow(RangeError);
  });
});
