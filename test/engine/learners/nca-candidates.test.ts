/**
 * NCA's candidate graph beyond the full-matrix size, where the rows are taken in blocks that a fit's team of threads
 * shares out: the same graph and staleness, bit for bit, whatever thread runs which block in what order; rows with
 * more ties than the cap kept whole; the staleness as the exact measure says.
 */
import { describe, expect, it } from 'vitest';
import { ncaCandidateGraph, ncaCandidateKernel, type CandidateBlocksArgs, type CandidateTeam, type NcaTruncation } from '../../../shared/engine/learners/nca-candidates.ts';
import { ncaTruncationError } from '../../../shared/engine/learners/nca.ts';
import { embedInto } from '../../../shared/math/dense/row-products.ts';
import { FULL_MATRIX_ROWS } from '../../../shared/math/distances/index.ts';
import type { PairGraph } from '../../../shared/math/neighbours/index.ts';
import { createRng } from '../../../shared/math/random/seeded-random.ts';
import { gaussianClasses, randomL } from '../fixtures.ts';

/**
 * A team of `threads` simulated threads: each has its own kernel state, and the blocks run last to first, dealt
 * round-robin — another schedule than one thread's, over the same partition.
 */
function scheduledTeam(threads: number): CandidateTeam & { blocksRun: number } {
  const team = {
    blocksRun: 0,
    shared: <T extends Float64Array | Int32Array>(array: T): T => array,
    alloc: (length: number) => new Float64Array(length),
    runBlocks(args: CandidateBlocksArgs, blocks: number): Int32Array[] {
      const states = Array.from({ length: threads }, () => ncaCandidateKernel.prepare(args));
      const parts = new Array<Int32Array>(blocks);
      for (let b = blocks - 1; b >= 0; b--) parts[b] = ncaCandidateKernel.run(states[b % threads]!, b);
      team.blocksRun += blocks;
      return parts;
    },
  };
  return team;
}

const RULE: NcaTruncation = { tau: 4, relativeMargin: 0, minCandidates: 4, maxCandidates: 40 };
const N = FULL_MATRIX_ROWS + 204; // beyond the full matrix: row blocks

function expectSameGraph(actual: PairGraph, expected: PairGraph): void {
  expect(actual.count).toBe(expected.count);
  for (const field of ['a', 'b', 'rowStart', 'rowPairs'] as const) expect(Buffer.from(actual[field].buffer).equals(Buffer.from(expected[field].buffer))).toBe(true);
}

describe('ncaCandidateGraph in row blocks', () => {
  const data = gaussianClasses(N, 4, 3, 5);
  const embed = (seed: number): { L: Float64Array; Z: Float64Array } => {
    const L = randomL(4, 4, seed, 3);
    const Z = new Float64Array(N * 4);
    embedInto(data.X, N, 4, L, 4, Z);
    return { L, Z };
  };

  it('gives the graph and staleness of one thread on a team of 2 and 3 threads, and the exact staleness', () => {
    const first = embed(1);
    const second = embed(2);
    const alone = ncaCandidateGraph(first.Z, N, 4, RULE);
    const refreshed = ncaCandidateGraph(second.Z, N, 4, RULE, undefined, alone.graph);
    expect(alone.staleness).toBe(0);
    expect(refreshed.staleness).toBeGreaterThan(0);
    // Gram-identity distances and terms beyond e^−40 skipped: the exact measure to ~1e-9 relative.
    expect(refreshed.staleness).toBeCloseTo(ncaTruncationError(second.L, data.X, N, 4, 4, alone.graph).sum, 6);
    for (const threads of [2, 3]) {
      const team = scheduledTeam(threads);
      const teamFirst = ncaCandidateGraph(first.Z, N, 4, RULE, undefined, undefined, team);
      const teamRefreshed = ncaCandidateGraph(second.Z, N, 4, RULE, undefined, teamFirst.graph, team);
      expect(team.blocksRun).toBe(2 * Math.ceil(N / 64));
      expectSameGraph(teamFirst.graph, alone.graph);
      expectSameGraph(teamRefreshed.graph, refreshed.graph);
      expect(Object.is(teamRefreshed.staleness, refreshed.staleness)).toBe(true);
    }
  });

  it('keeps every tie of a row with more ties than the cap', () => {
    // 300 copies of one point among N rows: each copy has 299 neighbours at distance 0, beyond the cap of 40.
    const X = new Float64Array(N * 2);
    const rng = createRng(9);
    for (let i = 300; i < N; i++) {
      X[2 * i] = 3 + 10 * rng.normal();
      X[2 * i + 1] = 10 * rng.normal();
    }
    const alone = ncaCandidateGraph(X, N, 2, RULE).graph;
    const degree = (graph: PairGraph, i: number): number => graph.rowStart[i + 1]! - graph.rowStart[i]!;
    for (const i of [0, 150, 299]) expect(degree(alone, i)).toBeGreaterThanOrEqual(299);
    expectSameGraph(ncaCandidateGraph(X, N, 2, RULE, undefined, undefined, scheduledTeam(2)).graph, alone);
  });
});
