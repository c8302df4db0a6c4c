import { describe, expect, it } from 'vitest';
import { diagonal, keptFeatureNames, meanStd, pct, sweepLabel } from '../../../src-renderer/src/lib/compare/run-results.ts';
import { pythonSnippet, EXPORT_FORMATS } from '../../../src-renderer/src/lib/export/python-snippet.ts';

describe('run results', () => {
  it('computes mean and population std over folds', () => {
    const { mean, std } = meanStd([0.9, 1.0, 0.8, 0.9]);
    expect(mean).toBeCloseTo(0.9, 12);
    expect(std).toBeCloseTo(Math.sqrt(0.005), 12);
  });

  it('reads the diagonal of M and names the kept features', () => {
    expect(diagonal([1, 2, 3, 4, 5, 6, 7, 8, 9], 3)).toEqual([1, 5, 9]);
    expect(keptFeatureNames(['size', 'weight', 'color'], [0, 2])).toEqual(['size', 'color']);
    expect(pct(0.9567)).toBe('95.7%');
    expect(pct(null)).toBe('—');
  });

  it('labels a sweep curve with its method, constraint source and run id', () => {
    const sweep = (constraintSource: 'labeled' | 'generated' | 'suggested') => ({
      method: 'mmc-diagonal', params: {}, constraintSource, protocol: { folds: 5, k: 3, seed: 0, preprocess: 'zscore' as const }, seeds: [0], points: [],
    });
    expect(sweepLabel({ id: 4, method: 'mmc-diagonal', sweep: sweep('suggested') })).toBe('mmc-diagonal, suggested pairs (active learning) (#4)');
    expect(sweepLabel({ id: 5, method: 'mmc-diagonal', sweep: sweep('generated') })).toBe('mmc-diagonal, random pairs (#5)');
    expect(sweepLabel({ id: 6, method: 'itml', sweep: sweep('labeled') })).toBe('itml, my labeled pairs (#6)');
    expect(sweepLabel({ id: 7, method: 'itml', sweep: null })).toBe('itml (#7)');
    expect(sweepLabel({ id: 8, method: 'scml', sweep: sweep('labeled') }, 'comparisons')).toBe('scml, my labeled comparisons (#8)');
  });

  it('has a Python snippet for every export format, naming the file it loads', () => {
    expect(EXPORT_FORMATS.map((f) => f.format)).toEqual(['json', 'csv', 'npy', 'npz', 'mat', 'transformed']);
    for (const { format } of EXPORT_FORMATS) {
      const snippet = pythonSnippet(format, `run-7.${format}`);
      expect(snippet).toContain(`"run-7.${format}"`);
    }
    expect(pythonSnippet('npz', 'm.npz')).toContain('KNeighborsClassifier');
    expect(pythonSnippet('mat', 'm.mat')).toContain('from scipy.io import loadmat');
  });
});
