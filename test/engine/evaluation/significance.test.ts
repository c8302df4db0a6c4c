import { describe, expect, it } from 'vitest';
import { correctedResampledTTest, wilcoxonSignedRank } from '../../../shared/engine/evaluation/significance.ts';

// Golden values from scipy 1.10 (Debian): `/usr/bin/python3 test/fixtures/significance/golden_significance.py`.
// Corrected t: t = d̄ / √((1/J + ratio)·d.var(ddof=1)), p = 2·scipy.stats.t.sf(|t|, J − 1).
// Wilcoxon: scipy.stats.wilcoxon(x, y) with its defaults ('ties' with method='approx', see wilcoxonSignedRank).
const CORRECTED_T = [
  { a: [0.9666666666666667, 0.9333333333333333, 1.0, 0.9, 0.9666666666666667], b: [0.9333333333333333, 0.9, 0.9666666666666667, 0.9, 0.9333333333333333], ratio: 0.25, statistic: 2.6666666666666665, df: 4, pValue: 0.05599999999999996 },
  { a: [0.9507, 0.886, 0.901, 0.9122, 0.8763, 0.9001, 0.9, 0.8474, 0.9305, 0.918, 0.8812, 0.8949, 0.9152, 0.8922, 0.8927, 0.8564, 0.9166, 0.9037, 0.9082, 0.8542, 0.9495, 0.9046, 0.8884, 0.9609, 0.8986, 0.8565, 0.8878, 0.8314, 0.9315, 0.8875], b: [0.9258, 0.8974, 0.858, 0.9129, 0.825, 0.8769, 0.8659, 0.8666, 0.9558, 0.9014, 0.888, 0.8813, 0.9166, 0.8671, 0.8485, 0.8103, 0.9143, 0.9387, 0.9036, 0.8337, 0.9777, 0.8993, 0.8804, 0.956, 0.886, 0.8403, 0.8491, 0.8314, 0.9196, 0.9014], ratio: 0.1111111111111111, statistic: 1.1812974668609317, df: 29, pValue: 0.24708193269460332 },
];

const WILCOXON = [
  { name: 'exact6', x: [0.9, 0.91, 0.95, 0.97, 0.92, 0.88], y: [0.85, 0.9, 0.9, 0.9, 0.905, 0.8], statistic: 0.0, pValue: 0.03125 },
  { name: 'exact10', x: [0.81, 0.84, 0.79, 0.88, 0.9, 0.86, 0.83, 0.87, 0.8, 0.85], y: [0.8, 0.86, 0.72, 0.83, 0.805, 0.849, 0.81, 0.8, 0.8125, 0.7], statistic: 8.0, pValue: 0.048828125 },
  { name: 'seeds30', x: [0.9507, 0.886, 0.901, 0.9122, 0.8763, 0.9001, 0.9, 0.8474, 0.9305, 0.918, 0.8812, 0.8949, 0.9152, 0.8922, 0.8927, 0.8564, 0.9166, 0.9037, 0.9082, 0.8542, 0.9495, 0.9046, 0.8884, 0.9609, 0.8986, 0.8565, 0.8878, 0.8314, 0.9315, 0.8875], y: [0.9258, 0.8974, 0.858, 0.9129, 0.825, 0.8769, 0.8659, 0.8666, 0.9558, 0.9014, 0.888, 0.8813, 0.9166, 0.8671, 0.8485, 0.8103, 0.9143, 0.9387, 0.9036, 0.8337, 0.9777, 0.8993, 0.8804, 0.956, 0.886, 0.8403, 0.8491, 0.8314, 0.9196, 0.9014], statistic: 115.0, pValue: 0.026665616912217905 },
  { name: 'exact20', x: [0.8, 0.81, 0.8200000000000001, 0.8300000000000001, 0.8400000000000001, 0.8500000000000001, 0.8600000000000001, 0.8700000000000001, 0.88, 0.89, 0.9, 0.91, 0.92, 0.93, 0.9400000000000001, 0.9500000000000001, 0.9600000000000001, 0.9700000000000001, 0.98, 0.99], y: [0.787, 0.8310000000000001, 0.786, 0.785, 0.8920000000000001, 0.7890000000000001, 0.7830000000000001, 0.9500000000000001, 0.787, 0.789, 0.788, 1.033, 0.783, 0.789, 0.785, 1.116, 0.789, 0.7810000000000001, 0.786, 1.19], statistic: 63.0, pValue: 0.1230926513671875 },
  { name: 'zeros', x: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0], y: [1.0, 1.5, 3.0, 2.0, 6.5, 3.0, 1.0, 1.0], statistic: 2.0, pValue: 0.07473549830588248 },
  { name: 'ties', x: [2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0, 11.0], y: [1.0, 2.0, 5.0, 4.0, 4.0, 9.0, 6.0, 7.0, 13.0, 8.0], statistic: 18.5, pValue: 0.3523005177163172 },
  { name: 'approx60', x: [0.841, 0.131, 0.309, 0.463, 0.742, 0.486, 0.137, 0.344, 0.324, 0.3, 0.166, 0.415, 0.448, 0.775, 0.796, 0.522, 0.461, 0.778, 0.887, 0.675, 0.8, 0.939, 0.041, 0.876, 0.277, 0.476, 0.797, 0.717, 0.147, 0.659, 0.069, 0.357, 0.813, 0.428, 0.6, 0.728, 0.821, 0.761, 0.007, 0.42, 0.463, 0.055, 0.541, 0.608, 0.828, 0.942, 0.128, 0.23, 0.659, 0.132, 0.224, 0.575, 0.17, 0.782, 0.857, 0.034, 0.533, 0.797, 0.975, 0.274], y: [0.917, 0.098, 0.285, 0.468, 0.785, 0.504, 0.065, 0.343, 0.315, 0.269, 0.124, 0.492, 0.418, 0.723, 0.818, 0.519, 0.447, 0.807, 0.901, 0.683, 0.838, 0.943, 0.0, 0.848, 0.241, 0.476, 0.733, 0.615, 0.141, 0.582, -0.039, 0.366, 0.767, 0.443, 0.563, 0.662, 0.749, 0.725, -0.017, 0.369, 0.439, -0.032, 0.532, 0.508, 0.808, 0.967, 0.173, 0.306, 0.571, 0.16, 0.274, 0.614, 0.114, 0.793, 0.94, -0.051, 0.547, 0.843, 0.93, 0.293], statistic: 610.5, pValue: 0.03826538866543561 },
];

function expectRelative(actual: number, expected: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-12 * Math.abs(expected));
}

describe('corrected resampled t-test (Nadeau & Bengio) against scipy', () => {
  it.each(CORRECTED_T.map((c) => [c.a.length, c]))('%i pairs', (_, c) => {
    const r = correctedResampledTTest(c.a, c.b, c.ratio);
    expectRelative(r.statistic, c.statistic);
    expect(r.df).toBe(c.df);
    expectRelative(r.pValue, c.pValue);
  });

  it('is larger than the naive paired t-test p-value (the correction widens the variance)', () => {
    const c = CORRECTED_T[0]!;
    // Without the correction term the variance factor is 1/J alone; a tiny ratio approaches it.
    expect(correctedResampledTTest(c.a, c.b, 1e-12).pValue).toBeLessThan(correctedResampledTTest(c.a, c.b, c.ratio).pValue);
  });

  it('handles equal differences and rejects bad input', () => {
    expect(correctedResampledTTest([0.9, 0.8], [0.9, 0.8], 0.25)).toEqual({ statistic: 0, df: 1, pValue: 1, n: 2 });
    expect(correctedResampledTTest([1, 0.5], [0.5, 0], 0.25).pValue).toBe(0);
    expect(() => correctedResampledTTest([0.9], [0.8], 0.25)).toThrow(new RangeError('correctedResampledTTest: needs at least 2 paired results, got 1.'));
    expect(() => correctedResampledTTest([0.9, 1], [0.8], 0.25)).toThrow(new RangeError('correctedResampledTTest: 2 results against 1.'));
  });
});

describe('Wilcoxon signed-rank test against scipy', () => {
  it.each(WILCOXON.map((c) => [c.name, c]))('%s', (_, c) => {
    const r = wilcoxonSignedRank(c.x, c.y);
    expect(r.statistic).toBe(c.statistic);
    expectRelative(r.pValue, c.pValue);
  });

  it('chooses the exact distribution only without zeros and ties, up to 50 differences', () => {
    const mode = (name: string) => {
      const c = WILCOXON.find((w) => w.name === name)!;
      return wilcoxonSignedRank(c.x, c.y).mode;
    };
    expect([mode('exact6'), mode('exact10'), mode('exact20'), mode('seeds30'), mode('zeros'), mode('ties'), mode('approx60')]).toEqual([
      'exact', 'exact', 'exact', 'approx', 'approx', 'approx', 'approx',
    ]);
  });

  it('gives p = 1 when every difference is zero, and at the centre of the distribution', () => {
    expect(wilcoxonSignedRank([1, 2, 3], [1, 2, 3])).toEqual({ statistic: 0, pValue: 1, n: 0, mode: 'exact' });
    // differences +1, −2, −3, +4: R⁺ = R⁻ = 5 for n = 4 (1 + 4 = 2 + 3), the centre (scipy: 1.0).
    expect(wilcoxonSignedRank([1, 0, 0, 4], [0, 2, 3, 0]).pValue).toBe(1);
  });
});
