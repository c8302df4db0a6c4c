import { describe, expect, it } from 'vitest';
import { pairDistanceAuc } from '../../../shared/engine/evaluation/pair-auc.ts';
import { retrievalScores } from '../../../shared/engine/evaluation/retrieval.ts';

describe('retrieval scores', () => {
  it('are 1 when every class forms its own tight group', () => {
    const Y = Float64Array.from([0, 0.1, 0.2, 5, 5.1, 5.2]);
    const r = retrievalScores(Y, Int32Array.from([0, 0, 0, 1, 1, 1]), 6, 1);
    expect(r).toEqual({ precisionAt1: 1, mapAtR: 1, queries: 6 });
  });

  it('match a hand-computed MAP@R', () => {
    // Points on a line: a0=0, b0=1, a1=2, a2=3 (classes a=0, b=1). Queries with R ≥ 1: a0, a1, a2 (b0 has no partner).
    // a0: ranking b0(1), a1(2), a2(3); R=2 → top 2 = [b0, a1]: AP = (0 + 1/2)/2 = 0.25; P@1 = 0
    // a1: ranking a2(1), b0(1) (tie: lower index, b0 = row 1 first), a0(2) → [b0, a2]: AP = (0 + 1/2)/2 = 0.25; P@1 = 0
    // a2: ranking a1(1), b0(2), a0(3) → [a1, b0]: AP = (1 + 0)/2 = 0.5; P@1 = 1
    const r = retrievalScores(Float64Array.from([0, 1, 2, 3]), Int32Array.from([0, 1, 0, 0]), 4, 1);
    expect(r.queries).toBe(3);
    expect(r.precisionAt1).toBeCloseTo(1 / 3, 14);
    expect(r.mapAtR).toBeCloseTo((0.25 + 0.25 + 0.5) / 3, 14);
  });

  it('is null when no row has a same-class partner', () => {
    expect(retrievalScores(Float64Array.from([0, 1]), Int32Array.from([0, 1]), 2, 1)).toEqual({ precisionAt1: null, mapAtR: null, queries: 0 });
  });
});

describe('pairDistanceAuc', () => {
  it('is 1 for perfect separation, 0 for inverted, 0.5 for all-equal distances', () => {
    expect(pairDistanceAuc([0.1, 0.2, 0.9, 1.5], [1, 1, 0, 0])).toBe(1);
    expect(pairDistanceAuc([0.9, 1.5, 0.1, 0.2], [1, 1, 0, 0])).toBe(0);
    expect(pairDistanceAuc([1, 1, 1, 1], [1, 0, 1, 0])).toBe(0.5);
  });

  it('matches the Mann–Whitney count on a known case with a tie', () => {
    // must: 1, 3, 5; cannot: 2, 3, 6. Pairs (cannot > must): 2>1; 3>1, 3=3 (½); 6>1,3,5 → 1 + 1.5 + 3 = 5.5 of 9.
    expect(pairDistanceAuc([1, 3, 5, 2, 3, 6], [1, 1, 1, 0, 0, 0])).toBeCloseTo(5.5 / 9, 14);
    expect(pairDistanceAuc([1, 2], [1, 1])).toBeNull();
  });
});
