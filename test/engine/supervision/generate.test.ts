import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../../shared/errors.ts';
import { generateChunklets, generateQuadruplets, generateTriplets, knnTriplets } from '../../../shared/engine/supervision/generate.ts';
import { sampleDataset } from '../fixtures.ts';

/** Labels 0…classes−1 with the given class sizes, interleaved. */
function labelsOf(sizes: number[]): Int32Array {
  const out: number[] = [];
  const left = sizes.slice();
  while (left.some((s) => s > 0)) left.forEach((s, c) => s > 0 && (out.push(c), left[c]!--));
  return Int32Array.from(out);
}

describe('generateChunklets', () => {
  it('is reproducible from the seed and draws disjoint same-class chunklets of the asked size', () => {
    const labels = labelsOf([30, 30, 30]);
    const a = generateChunklets(labels, { numChunks: 20, chunkSize: 3 }, 5);
    expect(generateChunklets(labels, { numChunks: 20, chunkSize: 3 }, 5)).toEqual(a);
    expect(generateChunklets(labels, { numChunks: 20, chunkSize: 3 }, 6)).not.toEqual(a);
    const members = new Map<number, number[]>();
    a.forEach((id, row) => id >= 0 && members.set(id, [...(members.get(id) ?? []), row]));
    expect([...members.keys()].sort((p, q) => p - q)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    for (const rows of members.values()) {
      expect(rows).toHaveLength(3);
      expect(new Set(rows.map((r) => labels[r]))).toHaveLength(1);
    }
  });

  it('draws every class, the last one included, even when there are barely more chunklets than classes', () => {
    for (let seed = 0; seed < 20; seed++) {
      const labels = labelsOf([40, 40, 40, 2]);
      const chunks = generateChunklets(labels, { numChunks: 4 }, seed);
      const classes = new Set<number>();
      chunks.forEach((id, row) => id >= 0 && classes.add(labels[row]!));
      expect(classes).toEqual(new Set([0, 1, 2, 3]));
    }
  });

  it("reduces metric-learn's default 100 chunklets of 2 to what iris allows, with a warning", () => {
    const iris = sampleDataset('iris');
    const warnings: string[] = [];
    const chunks = generateChunklets(iris.labels!, {}, 0, warnings);
    expect(Math.max(...chunks) + 1).toBe(75);
    expect(warnings).toEqual(['Only 75 chunklets of 2 rows could be drawn from the class labels (100 asked).']);
  });

  it('refuses labels that cannot give a single chunklet', () => {
    expect(() => generateChunklets(Int32Array.from([0, 1, 2, -1]), {}, 0)).toThrow(ValidationError);
  });
});

describe('generateTriplets', () => {
  it('is reproducible, and each triplet has a same-class closer row and an other-class farther row', () => {
    const labels = labelsOf([10, 12, 3]);
    const t = generateTriplets(labels, 200, 1);
    expect(t).toHaveLength(600);
    expect(generateTriplets(labels, 200, 1)).toEqual(t);
    const keys = new Set<string>();
    for (let m = 0; m < 200; m++) {
      const [a, b, c] = [t[3 * m]!, t[3 * m + 1]!, t[3 * m + 2]!];
      expect(a).not.toBe(b);
      expect(labels[a]).toBe(labels[b]);
      expect(labels[a]).not.toBe(labels[c]);
      keys.add(`${a},${b},${c}`);
    }
    expect(keys.size).toBe(200);
  });

  it('takes an anchor from every class, even with fewer triplets than rows of the largest class', () => {
    const labels = labelsOf([200, 200, 2]);
    for (let seed = 0; seed < 10; seed++) {
      const t = generateTriplets(labels, 3, seed);
      expect(new Set([labels[t[0]!], labels[t[3]!], labels[t[6]!]])).toEqual(new Set([0, 1, 2]));
    }
  });

  it('returns every distinct triplet with a warning when fewer exist than asked', () => {
    const labels = Int32Array.from([0, 0, 1]); // (0,1,2) and (1,0,2)
    const warnings: string[] = [];
    const t = generateTriplets(labels, 10, 0, {}, warnings);
    expect(t).toHaveLength(6);
    expect(warnings).toHaveLength(1);
  });

  it("knn: metric-learn's generate_knntriplets (k genuine × k impostor nearest neighbours per anchor)", () => {
    // Rows on a line: class 0 at 0, 1, 2, 10; class 1 at 3, 4, 20.
    const X = Float64Array.from([0, 1, 2, 10, 3, 4, 20]);
    const labels = Int32Array.from([0, 0, 0, 0, 1, 1, 1]);
    const t = knnTriplets(labels, { X, d: 1, k: 1, kImpostor: 2 });
    // Row 0: nearest same-class 1; nearest others 4 (at 3), 5 (at 4).
    expect(Array.from(t.subarray(0, 6))).toEqual([0, 1, 4, 0, 1, 5]);
    // Row 6 (at 20): nearest same-class 5 (at 4); nearest others 3 (at 10), 2 (at 2).
    expect(Array.from(t.subarray(t.length - 6))).toEqual([6, 5, 3, 6, 5, 2]);
    expect(t).toHaveLength(7 * 2 * 3);
    const sub = generateTriplets(labels, 5, 3, { knn: { X, d: 1, k: 1, kImpostor: 2 } });
    expect(sub).toHaveLength(15);
    expect(generateTriplets(labels, 5, 3, { knn: { X, d: 1, k: 1, kImpostor: 2 } })).toEqual(sub);
  });
});

describe('generateQuadruplets', () => {
  it('pairs a same-class (a, b) with a different-class (c, d), 20·C² by default, reproducibly', () => {
    const labels = labelsOf([20, 20, 20]);
    const q = generateQuadruplets(labels, undefined, 4);
    expect(q).toHaveLength(4 * 180);
    expect(generateQuadruplets(labels, undefined, 4)).toEqual(q);
    const classes = new Set<number>();
    for (let m = 0; m < 180; m++) {
      expect(labels[q[4 * m]!]).toBe(labels[q[4 * m + 1]!]);
      expect(labels[q[4 * m + 2]!]).not.toBe(labels[q[4 * m + 3]!]);
      classes.add(labels[q[4 * m]!]!);
    }
    expect(classes).toEqual(new Set([0, 1, 2]));
    expect(generateQuadruplets(labels, 7, 4)).toHaveLength(28);
  });
});
