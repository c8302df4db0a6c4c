import type { ConstraintKind, PairConstraint } from '../domain/constraints.ts';

/**
 * What a set of hand-labeled pairs implies.
 *
 * - Must-link is an equivalence relation: if a ~ b and b ~ c then a ~ c (transitive closure). The
 *   must-link components are the connected components of the must-link graph.
 * - Cannot-link entailment: if a ~ a' and b ~ b' and a ≁ b, then a' ≁ b' for every member a' of a's
 *   component and b' of b's component.
 * - A contradiction is a cannot-link pair whose two ends lie in the same must-link component: no
 *   metric can put the two points close and far at once, so it must be fixed before a fit.
 */
export interface DerivedPair {
  i: number;
  j: number;
  kind: ConstraintKind;
}

export interface Contradiction {
  /** The cannot-link pair that contradicts the must-link chain. */
  i: number;
  j: number;
  /** A shortest must-link path from i to j (i first, j last), to show the researcher why. */
  path: number[];
}

export interface ConstraintClosure {
  /** Must-link components with at least two members, each sorted ascending; largest first. */
  components: number[][];
  /** Pairs implied but not labeled, i < j, sorted; at most `maxDerived` of them. */
  derived: DerivedPair[];
  /** Total number of implied pairs (may exceed derived.length when truncated). */
  derivedTotal: number;
  contradictions: Contradiction[];
  /** Component id per row that takes part in a constraint (rows alone map to themselves). */
  componentOf: Map<number, number>;
}

const pairKey = (i: number, j: number): string => (i < j ? `${i},${j}` : `${j},${i}`);

function find(parent: Map<number, number>, x: number): number {
  let root = x;
  while (parent.get(root)! !== root) root = parent.get(root)!;
  let cur = x;
  while (parent.get(cur)! !== root) {
    const next = parent.get(cur)!;
    parent.set(cur, root);
    cur = next;
  }
  return root;
}

function mustLinkPath(adjacency: Map<number, number[]>, from: number, to: number): number[] {
  const previous = new Map<number, number>([[from, from]]);
  const queue = [from];
  for (let q = 0; q < queue.length; q++) {
    const node = queue[q]!;
    if (node === to) break;
    for (const next of adjacency.get(node) ?? []) {
      if (previous.has(next)) continue;
      previous.set(next, node);
      queue.push(next);
    }
  }
  if (!previous.has(to)) return [from, to];
  const path = [to];
  while (path[path.length - 1] !== from) path.push(previous.get(path[path.length - 1]!)!);
  return path.reverse();
}

/**
 * Closes a constraint set under must-link transitivity and cannot-link entailment.
 * Cost: O(p·α(p)) for the union-find plus O(size of the output) for the derived pairs.
 */
export function closeConstraints(
  constraints: readonly Pick<PairConstraint, 'i' | 'j' | 'kind'>[],
  maxDerived = 5000,
): ConstraintClosure {
  const parent = new Map<number, number>();
  const adjacency = new Map<number, number[]>();
  const touch = (x: number): void => {
    if (!parent.has(x)) parent.set(x, x);
  };
  for (const c of constraints) {
    touch(c.i);
    touch(c.j);
    if (c.kind !== 'must') continue;
    const a = find(parent, c.i), b = find(parent, c.j);
    if (a !== b) parent.set(Math.max(a, b), Math.min(a, b));
    adjacency.set(c.i, [...(adjacency.get(c.i) ?? []), c.j]);
    adjacency.set(c.j, [...(adjacency.get(c.j) ?? []), c.i]);
  }
  const members = new Map<number, number[]>();
  const componentOf = new Map<number, number>();
  for (const x of [...parent.keys()].sort((a, b) => a - b)) {
    const root = find(parent, x);
    componentOf.set(x, root);
    members.set(root, [...(members.get(root) ?? []), x]);
  }

  const labeled = new Set(constraints.map((c) => pairKey(c.i, c.j)));
  const derivedKeys = new Set<string>();
  const derived: DerivedPair[] = [];
  let derivedTotal = 0;
  const add = (i: number, j: number, kind: ConstraintKind): void => {
    if (i === j) return;
    const key = pairKey(i, j);
    if (labeled.has(key) || derivedKeys.has(key)) return;
    derivedKeys.add(key);
    derivedTotal++;
    if (derived.length < maxDerived) derived.push({ i: Math.min(i, j), j: Math.max(i, j), kind });
  };

  for (const group of members.values()) {
    for (let a = 0; a < group.length; a++) for (let b = a + 1; b < group.length; b++) add(group[a]!, group[b]!, 'must');
  }
  const contradictions: Contradiction[] = [];
  const seenComponentPairs = new Set<string>();
  for (const c of constraints) {
    if (c.kind !== 'cannot') continue;
    const a = componentOf.get(c.i)!, b = componentOf.get(c.j)!;
    if (a === b) {
      contradictions.push({ i: Math.min(c.i, c.j), j: Math.max(c.i, c.j), path: mustLinkPath(adjacency, c.i, c.j) });
      continue;
    }
    const key = pairKey(a, b);
    if (seenComponentPairs.has(key)) continue;
    seenComponentPairs.add(key);
    for (const x of members.get(a)!) for (const y of members.get(b)!) add(x, y, 'cannot');
  }
  derived.sort((p, q) => p.i - q.i || p.j - q.j);
  const components = [...members.values()].filter((g) => g.length > 1).sort((p, q) => q.length - p.length || p[0]! - q[0]!);
  return { components, derived, derivedTotal, contradictions, componentOf };
}

/**
 * Whether a new pair is already decided by the closure: 'must' / 'cannot' if implied, null if open.
 * A pair whose ends are in one must-link component is 'must'; in two components joined by a
 * cannot-link it is 'cannot'.
 */
export function impliedKind(
  closure: ConstraintClosure,
  constraints: readonly Pick<PairConstraint, 'i' | 'j' | 'kind'>[],
  i: number,
  j: number,
): ConstraintKind | null {
  const a = closure.componentOf.get(i), b = closure.componentOf.get(j);
  if (a === undefined || b === undefined) return null;
  if (a === b) return 'must';
  for (const c of constraints) {
    if (c.kind !== 'cannot') continue;
    const x = closure.componentOf.get(c.i), y = closure.componentOf.get(c.j);
    if ((x === a && y === b) || (x === b && y === a)) return 'cannot';
  }
  return null;
}
