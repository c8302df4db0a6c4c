/**
 * LMNN's row passes in blocks that a fit's team of threads shares out: the targets, the reach lists of a reset and the
 * impostor selections are the same, bit for bit, whatever thread runs which block in what order, and the selection
 * through the team's lists stays exact.
 */
import { describe, expect, it } from 'vitest';
import {
  ImpostorReach,
  lmnnImpostorKernel,
  lmnnReachKernel,
  lmnnTargetKernel,
  selectImpostors,
  selectTargets,
  type LmnnTeam,
} from '../../../shared/engine/learners/lmnn-neighbours.ts';
import type { BlockKernel } from '../../../shared/engine/block-kernel.ts';
import { embedInto } from '../../../shared/math/dense/row-products.ts';
import { FULL_MATRIX_ROWS } from '../../../shared/math/distances/index.ts';
import { gaussianClasses, randomL } from '../fixtures.ts';

/** Blocks of `kernel` on `threads` simulated threads: a state each, the blocks last to first, dealt round-robin. */
function runScheduled<Args>(kernel: BlockKernel<Args, unknown, Int32Array>, args: Args, blocks: number, threads: number): Int32Array[] {
  const states = Array.from({ length: threads }, () => kernel.prepare(args));
  const parts = new Array<Int32Array>(blocks);
  for (let b = blocks - 1; b >= 0; b--) parts[b] = kernel.run(states[b % threads]!, b);
  return parts;
}

/** A team of `threads` simulated threads (another schedule than one thread's, over the same partition). */
function scheduledTeam(threads: number): LmnnTeam & { blocksRun: Record<string, number> } {
  const blocksRun: Record<string, number> = { targets: 0, reach: 0, impostors: 0 };
  const count = <T>(name: string, blocks: number, parts: T): T => {
    blocksRun[name]! += blocks;
    return parts;
  };
  return {
    blocksRun,
    shared: (array) => array,
    alloc: (length) => new Float64Array(length),
    allocInt32: (length) => new Int32Array(length),
    runTargets: (args, blocks) => count('targets', blocks, runScheduled(lmnnTargetKernel as BlockKernel<typeof args, unknown, Int32Array>, args, blocks, threads)),
    runReach: (args, blocks) => count('reach', blocks, runScheduled(lmnnReachKernel as BlockKernel<typeof args, unknown, Int32Array>, args, blocks, threads)),
    runImpostors: (args, blocks) => count('impostors', blocks, runScheduled(lmnnImpostorKernel as BlockKernel<typeof args, unknown, Int32Array>, args, blocks, threads)),
  };
}

const same = (a: Float64Array | Int32Array, b: Float64Array | Int32Array): boolean =>
  a.length === b.length && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));

const sortedLists = (lists: { start: Int32Array; index: Int32Array }, n: number): number[][] =>
  Array.from({ length: n }, (_, i) => Array.from(lists.index.subarray(lists.start[i]!, lists.start[i + 1]!)).sort((x, y) => x - y));

describe.each([
  ['beyond the full distance matrix (row blocks for every pass)', FULL_MATRIX_ROWS + 204],
  ['within it (the selections in blocks)', 300],
])('LMNN row passes %s', (_, n) => {
  const d = 4;
  const data = gaussianClasses(n, d, 4, 7);
  const labels = data.labels!;
  const embed = (L: Float64Array): Float64Array => {
    const Z = new Float64Array(n * d);
    embedInto(data.X, n, d, L, d, Z);
    return Z;
  };

  it('gives the targets, reach lists, impostors and staleness of one thread on 2 and 3 threads', () => {
    const targets = selectTargets(data.X, n, d, labels, 3);
    const L1 = randomL(d, d, 1, 1);
    // At the reference, a small move (the lists with the movement bound) and a large one (every row scanned in full).
    const embeddings = [embed(L1), embed(Float64Array.from(L1, (v, t) => v * 1.02 + 0.01 * Math.cos(t))), embed(randomL(d, d, 2, 1))];
    const reach = new ImpostorReach(n, d, labels);
    reach.reset(embeddings[0]!, targets);
    const alone: Array<ReturnType<typeof selectImpostors>> = [];
    for (const Z of embeddings) alone.push(selectImpostors(Z, n, d, labels, targets, 0.5, reach, alone.at(-1)?.impostors));
    expect(alone.map((s) => s.fullRows)).toEqual([0, 0, n]);
    // The reach lists spare most of the n·(3n/4) other-class distances at the small move.
    expect(alone[1]!.exact).toBeLessThan((n * n * 3) / 4 / 2);
    expect(alone[2]!.staleness).toBeGreaterThan(0);
    // Exact: the same lists as a fresh selection, however far Z moved from the reference.
    for (const [t, Z] of embeddings.entries()) {
      expect(sortedLists(alone[t]!.impostors, n)).toEqual(sortedLists(selectImpostors(Z, n, d, labels, targets, 0.5).impostors, n));
    }
    for (const threads of [2, 3]) {
      const team = scheduledTeam(threads);
      const teamTargets = selectTargets(data.X, n, d, labels, 3, team);
      expect(same(teamTargets.start, targets.start) && same(teamTargets.index, targets.index)).toBe(true);
      const teamReach = new ImpostorReach(n, d, labels, team);
      teamReach.reset(embeddings[0]!, teamTargets);
      for (const field of ['start', 'index', 'root', 'cap'] as const) expect(same(teamReach[field], reach[field])).toBe(true);
      let previous: ReturnType<typeof selectImpostors> | undefined;
      for (const [t, Z] of embeddings.entries()) {
        const mine = selectImpostors(Z, n, d, labels, teamTargets, 0.5, teamReach, previous?.impostors, team);
        const theirs = alone[t]!;
        expect(same(mine.impostors.start, theirs.impostors.start) && same(mine.impostors.index, theirs.impostors.index)).toBe(true);
        expect(Object.is(mine.staleness, theirs.staleness)).toBe(true);
        expect([mine.exact, mine.fullRows]).toEqual([theirs.exact, theirs.fullRows]);
        previous = mine;
      }
      const beyond = n > FULL_MATRIX_ROWS;
      const blocks = Math.ceil(n / 64);
      expect(team.blocksRun).toEqual({ targets: beyond ? blocks : 0, reach: beyond ? blocks : 0, impostors: 3 * blocks });
    }
  });
});
