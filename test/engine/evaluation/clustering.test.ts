import { describe, expect, it } from 'vitest';
import { adjustedRandIndex, kMeans, normalizedMutualInformation } from '../../../shared/engine/evaluation/clustering.ts';

const L = (values: number[]): Int32Array => Int32Array.from(values);

describe('NMI and ARI', () => {
  it('are 1 for identical partitions, whatever the cluster names', () => {
    expect(normalizedMutualInformation(L([0, 0, 1, 1, 2, 2]), L([5, 5, 3, 3, 9, 9]))).toBeCloseTo(1, 14);
    expect(adjustedRandIndex(L([0, 0, 1, 1, 2, 2]), L([5, 5, 3, 3, 9, 9]))).toBeCloseTo(1, 14);
  });

  it('match hand-computed values on a known case', () => {
    // truth [0 0 0 1 1 1], predicted [0 0 1 1 2 2].
    // ARI: Σ C(nij,2) = 1 + 1 = 2; a = 3 + 3 = 6; b = 1 + 1 + 1 = 3; E = 6·3/15 = 1.2; max = 4.5 → (2 − 1.2)/(4.5 − 1.2) = 0.8/3.3
    expect(adjustedRandIndex(L([0, 0, 0, 1, 1, 1]), L([0, 0, 1, 1, 2, 2]))).toBeCloseTo(0.8 / 3.3, 14);
    // NMI: H(U) = ln 2, H(V) = ln 3, I = (1/3)ln 2 + 2·(1/6)ln 1 + (1/3)ln 2 … computed from the table:
    //   cells (0,0)=2, (0,1)=1, (1,1)=1, (1,2)=2 → I = Σ p_ij ln(p_ij / (p_i p_j))
    const p = (nij: number, ni: number, nj: number): number => (nij / 6) * Math.log((6 * nij) / (ni * nj));
    const mi = p(2, 3, 2) + p(1, 3, 2) + p(1, 3, 2) + p(2, 3, 2);
    expect(normalizedMutualInformation(L([0, 0, 0, 1, 1, 1]), L([0, 0, 1, 1, 2, 2]))).toBeCloseTo(mi / ((Math.log(2) + Math.log(3)) / 2), 14);
  });

  it('handle degenerate partitions like scikit-learn', () => {
    expect(normalizedMutualInformation(L([1, 1, 1]), L([0, 0, 0]))).toBe(1);
    expect(adjustedRandIndex(L([1, 1, 1]), L([0, 0, 0]))).toBe(1);
    expect(normalizedMutualInformation(L([0, 0, 1, 1]), L([0, 0, 0, 0]))).toBe(0);
    expect(adjustedRandIndex(L([0, 0, 1, 1]), L([0, 1, 0, 1]))).toBeCloseTo(-0.5, 14);
  });
});

describe('kMeans', () => {
  it('recovers well-separated clusters, deterministically from the seed', () => {
    const Y = Float64Array.from([0, 0, 0.1, 0.2, -0.1, 0.1, 10, 10, 10.2, 9.9, 9.8, 10.1, 0, 10, 0.1, 10.2]); // (8, 2)
    const truth = L([0, 0, 0, 1, 1, 1, 2, 2]);
    const a = kMeans(Y, 8, 2, 3, { seed: 4 });
    expect(adjustedRandIndex(truth, a.assignments)).toBeCloseTo(1, 14);
    expect(kMeans(Y, 8, 2, 3, { seed: 4 })).toEqual(a);
    expect(a.inertia).toBeLessThan(0.2);
  });

  it('uses at most n clusters', () => {
    const r = kMeans(Float64Array.from([0, 1]), 2, 1, 5, { seed: 0 });
    expect(r.centers.length).toBe(2);
    expect(r.inertia).toBe(0);
  });
});
