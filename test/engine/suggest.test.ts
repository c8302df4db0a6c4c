import { describe, expect, it } from 'vitest';
import type { PairConstraint } from '../../shared/domain/constraints.ts';
import { suggestPairs } from '../../shared/engine/suggest.ts';

/** Two tight blobs on a line: points 0–4 near x = 0, points 5–9 near x = 10. */
function twoBlobs(): Float64Array {
  return Float64Array.from([0, 0.1, 0.2, 0.3, 0.4, 10, 10.1, 10.2, 10.3, 10.4]);
}

describe('suggestPairs', () => {
  it('never suggests a labeled or implied pair, and uses each point at most once', () => {
    const constraints: PairConstraint[] = [
      { i: 0, j: 1, kind: 'must' },
      { i: 1, j: 2, kind: 'must' },
      { i: 2, j: 5, kind: 'cannot' },
    ];
    for (const strategy of ['uncertain', 'explore', 'consolidate'] as const) {
      const out = suggestPairs({ points: twoBlobs(), n: 10, e: 1, constraints, strategy, count: 10 });
      expect(out.length).toBeGreaterThan(0);
      const seen = new Set<number>();
      for (const s of out) {
        expect(s.i).toBeLessThan(s.j);
        expect(`${s.i},${s.j}`).not.toMatch(/^(0,1|1,2|0,2|2,5|0,5|1,5)$/);
        expect(seen.has(s.i) || seen.has(s.j)).toBe(false);
        seen.add(s.i);
        seen.add(s.j);
      }
    }
  });

  it('uncertain: prefers the pair whose distance sits at the must/cannot threshold', () => {
    // must-link distance 0.1, cannot-link distance 10 → θ ≈ 5.05; point 10 at x = 5 is ambiguous.
    const points = Float64Array.from([0, 0.1, 10, 10.1, 5]);
    const constraints: PairConstraint[] = [
      { i: 0, j: 1, kind: 'must' },
      { i: 0, j: 2, kind: 'cannot' },
    ];
    const [first] = suggestPairs({ points, n: 5, e: 1, constraints, strategy: 'uncertain', count: 1 });
    expect(first).toBeDefined();
    expect([first!.i, first!.j]).toContain(4);
    expect(first!.score).toBeLessThan(0.05);
    // θ = (0.1 + 10) / 2 = 5.05; the reason says how far the pair is from it, in digits that tell them apart.
    expect(first!.reason).toBe(
      `distance ${first!.distance.toPrecision(4)}, ${(first!.score * 100).toFixed(1)} % from the must/cannot threshold 5.050 (halfway between your mean must-link and cannot-link distances)`,
    );
    expect(first!.score).toBeCloseTo(Math.abs(first!.distance - 5.05) / 5.05, 12);
  });

  it('explore: visits the far blob first when only the near blob is labeled', () => {
    const constraints: PairConstraint[] = [{ i: 0, j: 1, kind: 'must' }];
    const [first] = suggestPairs({ points: twoBlobs(), n: 10, e: 1, constraints, strategy: 'explore', count: 1 });
    expect(first!.j).toBe(9);
  });

  it('consolidate: pairs an unlabeled point with a labeled one', () => {
    const constraints: PairConstraint[] = [{ i: 0, j: 9, kind: 'cannot' }];
    const out = suggestPairs({ points: twoBlobs(), n: 10, e: 1, constraints, strategy: 'consolidate', count: 1 });
    expect(out).toHaveLength(1);
    const { i, j } = out[0]!;
    expect([i, j].filter((p) => p === 0 || p === 9)).toHaveLength(1);
    // The partner is the nearest labeled point: 0 for the near blob, 9 for the far one.
    const other = i === 0 || i === 9 ? j : i;
    expect(other < 5 ? [i, j] : [i, j]).toContain(other < 5 ? 0 : 9);
  });

  it('is deterministic for a seed', () => {
    const args = { points: twoBlobs(), n: 10, e: 1, constraints: [], strategy: 'uncertain' as const, count: 3, seed: 4 };
    expect(suggestPairs(args)).toEqual(suggestPairs(args));
  });

  it('rejects a points array of the wrong length', () => {
    expect(() => suggestPairs({ points: new Float64Array(3), n: 2, e: 2, constraints: [], strategy: 'explore', count: 1 })).toThrow(
      'suggestPairs: points has 3 numbers, expected n·e = 2·2 = 4',
    );
  });
});
