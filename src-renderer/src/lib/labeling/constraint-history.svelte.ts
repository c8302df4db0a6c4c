import type { ConstraintKind, PairConstraint } from '../../../../shared/domain/constraints.ts';

/** One reversible edit of the constraint set: pair (i, j) went from `before` to `after` (null = absent). */
export interface ConstraintEdit {
  i: number;
  j: number;
  before: ConstraintKind | null;
  after: ConstraintKind | null;
}

/**
 * Undo/redo stacks of edits; a new edit clears the redo stack. Reactive: `canUndo` and `canRedo` update
 * whatever reads them (the Undo and Redo buttons) when an edit is recorded, undone, redone or cleared.
 */
export class ConstraintHistory {
  #undo = $state.raw<ConstraintEdit[]>([]);
  #redo = $state.raw<ConstraintEdit[]>([]);

  get canUndo(): boolean { return this.#undo.length > 0; }
  get canRedo(): boolean { return this.#redo.length > 0; }

  record(edit: ConstraintEdit): void {
    this.#undo = [...this.#undo, edit];
    this.#redo = [];
  }

  /** The edit to revert (apply `before`), or undefined. */
  undo(): ConstraintEdit | undefined {
    const edit = this.#undo.at(-1);
    if (!edit) return undefined;
    this.#undo = this.#undo.slice(0, -1);
    this.#redo = [...this.#redo, edit];
    return edit;
  }

  /** The edit to apply again (apply `after`), or undefined. */
  redo(): ConstraintEdit | undefined {
    const edit = this.#redo.at(-1);
    if (!edit) return undefined;
    this.#redo = this.#redo.slice(0, -1);
    this.#undo = [...this.#undo, edit];
    return edit;
  }

  clear(): void {
    this.#undo = [];
    this.#redo = [];
  }

  /** Both stacks, oldest edit first (what {@link saveHistory} stores). */
  snapshot(): { undo: ConstraintEdit[]; redo: ConstraintEdit[] } {
    return { undo: this.#undo, redo: this.#redo };
  }

  /** Replaces both stacks (a snapshot checked by {@link restoreHistory}). */
  replace(stacks: { undo: ConstraintEdit[]; redo: ConstraintEdit[] }): void {
    this.#undo = stacks.undo;
    this.#redo = stacks.redo;
  }
}

/**
 * Undo history across reloads: per dataset, in sessionStorage (this tab only, as the history itself is), as
 * `{ undo: ConstraintEdit[], redo: ConstraintEdit[] }`. At most this many edits of each stack are kept.
 */
const STORED_EDITS = 500;
const storageKey = (datasetId: number) => `metric-workbench.undo.${datasetId}`;

export function saveHistory(datasetId: number, history: ConstraintHistory): void {
  const { undo, redo } = history.snapshot();
  try {
    sessionStorage.setItem(storageKey(datasetId), JSON.stringify({ undo: undo.slice(-STORED_EDITS), redo: redo.slice(-STORED_EDITS) }));
  } catch {
    // Storage can be unavailable or full: undo then simply starts empty after a reload.
  }
}

const pairKey = (i: number, j: number): string => (i < j ? `${i},${j}` : `${j},${i}`);

function asEdit(value: unknown): ConstraintEdit | null {
  if (typeof value !== 'object' || value === null) return null;
  const { i, j, before, after } = value as Record<string, unknown>;
  const kind = (k: unknown): k is ConstraintKind | null => k === null || k === 'must' || k === 'cannot';
  if (!Number.isSafeInteger(i) || !Number.isSafeInteger(j) || (i as number) < 0 || (j as number) < 0 || i === j) return null;
  if (!kind(before) || !kind(after) || before === after) return null;
  return { i: i as number, j: j as number, before, after };
}

/**
 * The stored history of a dataset, if it still fits its constraints: undoing every edit from the newest must find
 * each pair as that edit left it, and redoing from the current state each pair as the edit found it. Anything
 * else (malformed, or constraints changed elsewhere since) gives empty stacks, never an undo that does harm.
 */
export function restoreHistory(datasetId: number, constraints: readonly PairConstraint[]): { undo: ConstraintEdit[]; redo: ConstraintEdit[] } {
  const empty = { undo: [], redo: [] };
  let raw: string | null;
  try {
    raw = sessionStorage.getItem(storageKey(datasetId));
  } catch {
    return empty;
  }
  if (!raw) return empty;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return empty;
  }
  const stacks = parsed as { undo?: unknown; redo?: unknown };
  if (!Array.isArray(stacks?.undo) || !Array.isArray(stacks.redo)) return empty;
  const undo = stacks.undo.map(asEdit), redo = stacks.redo.map(asEdit);
  if (undo.includes(null) || redo.includes(null)) return empty;
  const current = new Map(constraints.map((c) => [pairKey(c.i, c.j), c.kind]));
  const replay = (edits: ConstraintEdit[], from: 'after' | 'before', to: 'after' | 'before'): boolean => {
    const state = new Map(current);
    for (const edit of [...edits].reverse()) {
      const key = pairKey(edit.i, edit.j);
      if ((state.get(key) ?? null) !== edit[from]) return false;
      if (edit[to] === null) state.delete(key);
      else state.set(key, edit[to]);
    }
    return true;
  };
  const u = undo as ConstraintEdit[], r = redo as ConstraintEdit[];
  return replay(u, 'after', 'before') && replay(r, 'before', 'after') ? { undo: u, redo: r } : empty;
}
