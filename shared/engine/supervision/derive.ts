/**
 * What labeled pairs and comparisons imply for the other kinds of supervision:
 *
 * - chunklets: each connected component of the must-link graph (the closure of shared/engine/constraint-closure.ts)
 *   is one chunklet: its rows are known to share a class;
 * - comparisons from pairs: must(a, b) and cannot(a, c) give (a, b, c), "a is closer to b than to c", over the
 *   closure (b any row of a's must-link component, c any row of a component joined to it by a cannot-link);
 * - quadruplets (a, b, c, d), d(a, b) < d(c, d): (a, b, a, c) from each comparison (a, b, c), and (a, b, c, d) from a
 *   must-link (a, b) beside a cannot-link (c, d), as metric-learn's LSML_Supervised pairs its k-th positive pair with
 *   its k-th negative pair.
 *
 * Pure functions of their inputs, in a fixed order (same input, same output), in the row indices they are given.
 */
import type { Triple } from '../../domain/comparisons.ts';
import type { PairConstraint } from '../../domain/constraints.ts';
import { closeConstraints } from '../constraint-closure.ts';

type Pair = Pick<PairConstraint, 'i' | 'j' | 'kind'>;

/**
 * Chunklet id per row (`nRows` entries): the must-link components of `pairs`, numbered largest first (ties by their
 * lowest row), −1 for a row in none; and how many chunklets there are.
 */
export function chunkletsFromPairs(pairs: readonly Pair[], nRows: number): { chunklets: Int32Array; count: number } {
  const chunklets = new Int32Array(nRows).fill(-1);
  const { components } = closeConstraints(pairs.filter((p) => p.kind === 'must'), 0);
  components.forEach((rows, id) => {
    for (const r of rows) chunklets[r] = id;
  });
  return { chunklets, count: components.length };
}

/**
 * The comparisons `pairs` imply (see the module comment), sorted by (anchor, closer, farther); at most `limit`.
 * A pair set with a contradiction (a cannot-link inside a must-link component) implies nothing for that cannot-link.
 */
export function impliedComparisons(pairs: readonly Pair[], limit = 1_000_000): Triple[] {
  const closure = closeConstraints(pairs, 0);
  const members = new Map<number, number[]>();
  for (const [row, root] of [...closure.componentOf].sort((x, y) => x[0] - y[0])) members.set(root, [...(members.get(root) ?? []), row]);
  const apart = new Map<number, Set<number>>();
  for (const p of pairs) {
    if (p.kind !== 'cannot') continue;
    const a = closure.componentOf.get(p.i)!, b = closure.componentOf.get(p.j)!;
    if (a === b) continue;
    apart.set(a, (apart.get(a) ?? new Set()).add(b));
    apart.set(b, (apart.get(b) ?? new Set()).add(a));
  }
  const out: Triple[] = [];
  const roots = [...apart.keys()].sort((x, y) => members.get(x)![0]! - members.get(y)![0]!);
  for (const root of roots) {
    const group = members.get(root)!;
    if (group.length < 2) continue;
    const far = [...apart.get(root)!].flatMap((other) => members.get(other)!).sort((x, y) => x - y);
    for (const anchor of group) {
      for (const closer of group) {
        if (closer === anchor) continue;
        for (const farther of far) {
          if (out.length >= limit) return sortTriples(out);
          out.push([anchor, closer, farther]);
        }
      }
    }
  }
  return sortTriples(out);
}

function sortTriples(triples: Triple[]): Triple[] {
  return triples.sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2]);
}

/** (a, b, a, c) for each comparison (a, b, c), flattened (4 entries per quadruplet), in the comparisons' order. */
export function quadrupletsFromComparisons(triples: readonly Triple[]): Int32Array {
  const out = new Int32Array(4 * triples.length);
  triples.forEach(([a, b, c], q) => out.set([a, b, a, c], 4 * q));
  return out;
}

/**
 * (a, b, c, d) for the k-th must-link (a, b) and the k-th cannot-link (c, d) of `pairs` in their order, the shorter
 * list taken again from its start so that every pair is used (max(must, cannot) quadruplets; none without both kinds).
 */
export function quadrupletsFromPairs(pairs: readonly Pair[]): Int32Array {
  const must = pairs.filter((p) => p.kind === 'must');
  const cannot = pairs.filter((p) => p.kind === 'cannot');
  if (must.length === 0 || cannot.length === 0) return new Int32Array(0);
  const n = Math.max(must.length, cannot.length);
  const out = new Int32Array(4 * n);
  for (let q = 0; q < n; q++) {
    const m = must[q % must.length]!, c = cannot[q % cannot.length]!;
    out.set([m.i, m.j, c.i, c.j], 4 * q);
  }
  return out;
}

/**
 * Keeps the comparisons whose three rows are all in `rows`, renumbered to positions in `rows` (a fold's training
 * part), in their order. Cost O(rows + comparisons).
 */
export function restrictTriplesToRows(triples: readonly Triple[], rows: ArrayLike<number>): Triple[] {
  const position = new Map<number, number>();
  for (let r = 0; r < rows.length; r++) position.set(rows[r]!, r);
  const out: Triple[] = [];
  for (const [a, b, c] of triples) {
    const x = position.get(a), y = position.get(b), z = position.get(c);
    if (x !== undefined && y !== undefined && z !== undefined) out.push([x, y, z]);
  }
  return out;
}
