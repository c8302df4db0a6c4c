import { describe, expect, it } from 'vitest';
import { createMt19937 } from '../../../shared/math/random/mt19937.ts';

// Reference values from numpy (legacy RandomState, which every numpy version keeps stable):
//   np.random.RandomState(0).randint(0, 2**32, size=3, dtype=np.uint32) → [2357136044, 2546248239, 3071714933]
//   a = np.arange(20); np.random.RandomState(42).shuffle(a)
//     → [0 17 15 1 8 5 11 3 18 16 13 2 9 19 4 12 7 10 14 6]
describe('MT19937 (numpy legacy RandomState)', () => {
  it('reproduces the first outputs for seed 0', () => {
    const rng = createMt19937(0);
    expect([rng.nextUint32(), rng.nextUint32(), rng.nextUint32()]).toEqual([2357136044, 2546248239, 3071714933]);
  });

  it('reproduces RandomState(42).shuffle(arange(20))', () => {
    const values = Array.from({ length: 20 }, (_, i) => i);
    expect(createMt19937(42).shuffle(values)).toEqual([0, 17, 15, 1, 8, 5, 11, 3, 18, 16, 13, 2, 9, 19, 4, 12, 7, 10, 14, 6]);
  });

  it('interval stays within [0, max]', () => {
    const rng = createMt19937(3);
    for (let i = 0; i < 200; i++) {
      const v = rng.interval(6);
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThanOrEqual(6);
    }
    expect(rng.interval(0)).toBe(0);
  });

  it('rejects a seed outside 32 bits', () => {
    expect(() => createMt19937(-1)).toThrow(new RangeError('MT19937 seed must be an integer in 0…4294967295, got -1.'));
  });
});
