/**
 * The evaluation figures on the shared kernel layer (Gram tiles + exact re-ranking) against plain brute-force
 * reference implementations written here, with exact ties on purpose: the results must be the same bits.
 */
import { describe, expect, it } from 'vitest';
import { kMeans, seedCenters } from '../../../shared/engine/evaluation/clustering.ts';
import { knnPredict } from '../../../shared/engine/evaluation/knn.ts';
import { combineRetrieval, retrievalScores, retrievalTotals } from '../../../shared/engine/evaluation/retrieval.ts';
import { rowSquaredDistance } from '../../../shared/math/distances/exact.ts';
import { createRng, type Rng } from '../../../shared/math/random/seeded-random.ts';

/** Small-integer rows (many exactly equal distances) with duplicated rows. */
function tied(n: number, dims: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const Y = new Float64Array(n * dims);
  for (let i = 0; i < n; i++) {
    if (i % 5 === 4) Y.set(Y.subarray((i - 1) * dims, i * dims), i * dims);
    else for (let f = 0; f < dims; f++) Y[i * dims + f] = rng.int(3);
  }
  return Y;
}

/** The k-means of the workbench before the kernel layer: k-means++ seeding, then Lloyd with scalar loops. */
function referenceKMeans(Y: Float64Array, n: number, dims: number, nClusters: number, seed: number, nInit = 4, maxIter = 300) {
  const rng: Rng = createRng(seed);
  let best: { assignments: Int32Array; centers: Float64Array; inertia: number } | null = null;
  for (let run = 0; run < nInit; run++) {
    // Seeding is shared (k-means++ draws the same centers either way); the reference is the scalar Lloyd below.
    const centers = seedCenters(Y, n, dims, nClusters, rng);
    const assignments = new Int32Array(n).fill(-1);
    const counts = new Int32Array(nClusters);
    const pointDistance = new Float64Array(n);
    for (let iter = 0; iter < maxIter; iter++) {
      let changed = false;
      for (let i = 0; i < n; i++) {
        let b = 0;
        let bestD = Infinity;
        for (let c = 0; c < nClusters; c++) {
          const dc = rowSquaredDistance(Y, i, centers, c, dims);
          if (dc < bestD) {
            bestD = dc;
            b = c;
          }
        }
        pointDistance[i] = bestD;
        if (assignments[i] !== b) {
          assignments[i] = b;
          changed = true;
        }
      }
      if (!changed && iter > 0) break;
      centers.fill(0);
      counts.fill(0);
      for (let i = 0; i < n; i++) {
        counts[assignments[i]!]!++;
        for (let f = 0; f < dims; f++) centers[assignments[i]! * dims + f]! += Y[i * dims + f]!;
      }
      for (let c = 0; c < nClusters; c++) {
        if (counts[c]! > 0) {
          for (let f = 0; f < dims; f++) centers[c * dims + f]! /= counts[c]!;
          continue;
        }
        let far = 0;
        for (let i = 1; i < n; i++) if (pointDistance[i]! > pointDistance[far]!) far = i;
        centers.set(Y.subarray(far * dims, far * dims + dims), c * dims);
        pointDistance[far] = 0;
      }
    }
    let inertia = 0;
    for (let i = 0; i < n; i++) inertia += rowSquaredDistance(Y, i, centers, assignments[i]!, dims);
    if (!best || inertia < best.inertia) best = { assignments, centers, inertia };
  }
  return best!;
}

function referenceKnn(train: Float64Array, labels: Int32Array, m: number, test: Float64Array, t: number, dims: number, k: number): Int32Array {
  const out = new Int32Array(t);
  for (let q = 0; q < t; q++) {
    const order = Array.from({ length: m }, (_, j) => [rowSquaredDistance(test, q, train, j, dims), j] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
    const votes = new Map<number, number>();
    for (const [, j] of order.slice(0, k)) votes.set(labels[j]!, (votes.get(labels[j]!) ?? 0) + 1);
    let best = -1;
    for (const [c, v] of votes) if (best < 0 || v > votes.get(best)! || (v === votes.get(best)! && c < best)) best = c;
    out[q] = best;
  }
  return out;
}

function referenceRetrieval(Y: Float64Array, labels: Int32Array, n: number, dims: number) {
  let p1 = 0;
  let map = 0;
  let queries = 0;
  for (let q = 0; q < n; q++) {
    const R = labels.filter((c) => c === labels[q]).length - 1;
    if (R === 0) continue;
    const order = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== q)
      .sort((a, b) => rowSquaredDistance(Y, q, Y, a, dims) - rowSquaredDistance(Y, q, Y, b, dims) || a - b);
    queries++;
    if (labels[order[0]!] === labels[q]) p1++;
    let hits = 0;
    let ap = 0;
    for (let i = 0; i < R; i++) if (labels[order[i]!] === labels[q]) ap += ++hits / (i + 1);
    map += ap / R;
  }
  return { precisionAt1: p1 / queries, mapAtR: map / queries, queries };
}

describe('evaluation on the kernel layer = brute force, bit for bit', () => {
  const dims = 5;
  const n = 150;
  const Y = tied(n, dims, 21);
  const labels = Int32Array.from({ length: n }, (_, i) => (i * 7) % 4);

  it('k-means (seeding, Lloyd with empty clusters, inertia) for several seeds and cluster counts', () => {
    for (const [clusters, seed] of [[3, 0], [4, 1], [9, 2], [20, 3]] as const) {
      const ours = kMeans(Y, n, dims, clusters, { seed });
      const ref = referenceKMeans(Y, n, dims, clusters, seed);
      expect(Array.from(ours.assignments), `${clusters} clusters, seed ${seed}`).toEqual(Array.from(ref.assignments));
      expect(Array.from(ours.centers)).toEqual(Array.from(ref.centers));
      expect(ours.inertia).toBe(ref.inertia);
    }
  });

  it('kNN predictions for k = 1, 3, 8, and test-row ranges', () => {
    const train = Y.subarray(0, 100 * dims);
    const test = Y.subarray(100 * dims);
    for (const k of [1, 3, 8]) {
      const ours = knnPredict(train, labels.subarray(0, 100), 100, test, 50, dims, k);
      expect(Array.from(ours), `k=${k}`).toEqual(Array.from(referenceKnn(train, labels.subarray(0, 100), 100, test, 50, dims, k)));
      const part = knnPredict(train, labels.subarray(0, 100), 100, test, 50, dims, k, 'lowest-class', { first: 13, end: 41 });
      expect(Array.from(part)).toEqual(Array.from(ours.subarray(13, 41)));
    }
  });

  it('retrieval P@1 and MAP@R, and the same bits when summed over row blocks', () => {
    const ours = retrievalScores(Y, labels, n, dims);
    expect(ours).toEqual(referenceRetrieval(Y, labels, n, dims));
    const blocks = [0, 37, 90, n].slice(1).map((end, b, ends) => retrievalTotals(Y, labels, n, dims, { first: b === 0 ? 0 : ends[b - 1]!, end }));
    expect(combineRetrieval(blocks)).toEqual(ours);
  });
});
