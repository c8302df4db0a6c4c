import type { Comparison, Triple } from '../../../../shared/domain/comparisons.ts';
import type { PairConstraint } from '../../../../shared/domain/constraints.ts';
import { queryKey, suggestComparisons, type ComparisonStrategy, type ComparisonSuggestion } from '../../../../shared/engine/suggest-comparisons.ts';
import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { NamedSpace } from './label-space.svelte.ts';

/**
 * One reversible edit of the comparisons: for anchor `anchor` and the candidates {b, c} (b < c), which of the two
 * was the closer before and after (null = no comparison stored for this query).
 */
export interface ComparisonEdit {
  anchor: number;
  b: number;
  c: number;
  before: number | null;
  after: number | null;
}

/** A query on the card: the anchor and its two candidates, in the order shown. */
export interface ComparisonQuery {
  anchor: number;
  first: number;
  second: number;
  /** The stored answer for this query (either orientation), or null. */
  stored: Comparison | null;
  /** The closer of the two as the labeled pairs imply it, or null. */
  implied: number | null;
}

/** An answer refused because a stored comparison says the opposite: the card offers to replace it. */
export interface ComparisonConflict {
  asked: Triple;
  stored: Comparison;
}

/**
 * Undo history across reloads, per dataset, in sessionStorage (this tab only, as for pairs): `{ undo, redo }` of
 * {@link ComparisonEdit}, at most this many edits of each stack.
 */
const STORED_EDITS = 500;
const storageKey = (datasetId: number) => `metric-workbench.comparison-undo.${datasetId}`;

function asEdit(value: unknown): ComparisonEdit | null {
  if (typeof value !== 'object' || value === null) return null;
  const { anchor, b, c, before, after } = value as Record<string, unknown>;
  const row = (r: unknown): r is number => Number.isSafeInteger(r) && (r as number) >= 0;
  if (!row(anchor) || !row(b) || !row(c) || !(b < c) || anchor === b || anchor === c) return null;
  const side = (x: unknown): x is number | null => x === null || x === b || x === c;
  if (!side(before) || !side(after) || before === after) return null;
  return { anchor, b, c, before, after };
}

/**
 * The stored history of a dataset if it still fits its comparisons: undoing every edit from the newest must find
 * each query answered as that edit left it, and redoing from now each as the edit found it; else empty stacks.
 */
function restoreHistory(datasetId: number, comparisons: readonly Comparison[]): { undo: ComparisonEdit[]; redo: ComparisonEdit[] } {
  const empty = { undo: [], redo: [] };
  let parsed: { undo?: unknown; redo?: unknown } | null;
  try {
    parsed = JSON.parse(sessionStorage.getItem(storageKey(datasetId)) ?? 'null') as { undo?: unknown; redo?: unknown } | null;
  } catch {
    return empty;
  }
  if (!Array.isArray(parsed?.undo) || !Array.isArray(parsed.redo)) return empty;
  const undo = parsed.undo.map(asEdit), redo = parsed.redo.map(asEdit);
  if (undo.includes(null) || redo.includes(null)) return empty;
  const current = new Map(comparisons.map((c) => [`${c.anchor}|${Math.min(c.closer, c.farther)}|${Math.max(c.closer, c.farther)}`, c.closer]));
  const replay = (edits: ComparisonEdit[], from: 'after' | 'before', to: 'after' | 'before'): boolean => {
    const state = new Map(current);
    for (const edit of [...edits].reverse()) {
      const key = `${edit.anchor}|${edit.b}|${edit.c}`;
      if ((state.get(key) ?? null) !== edit[from]) return false;
      if (edit[to] === null) state.delete(key);
      else state.set(key, edit[to]);
    }
    return true;
  };
  const u = undo as ComparisonEdit[], r = redo as ComparisonEdit[];
  return replay(u, 'after', 'before') && replay(r, 'before', 'after') ? { undo: u, redo: r } : empty;
}

const sameQuery = (c: Pick<Comparison, 'anchor' | 'closer' | 'farther'>, anchor: number, b: number, x: number): boolean =>
  c.anchor === anchor && ((c.closer === b && c.farther === x) || (c.closer === x && c.farther === b));

/**
 * Comparison labeling for one dataset: click an anchor, then two candidates (or take a suggested query) → the
 * card asks which candidate is closer to the anchor → 1 / ← the first, 2 / → the second, S skip (not asked again
 * this session), N the next suggested query. Keeps the comparisons (in labeling order) in sync with main through
 * the contract, with undo/redo; an answer that contradicts a stored comparison is not sent but shown as a conflict,
 * which the user resolves by replacing the stored one (comparisons.replace: one transaction in main) or keeping it.
 */
export class ComparisonSession {
  #backend: Backend;
  #space: () => Promise<NamedSpace | null>;
  #pairs: () => readonly PairConstraint[];
  #datasetId = $state<number | null>(null);
  #comparisons = $state.raw<Comparison[]>([]);
  #derived = $state.raw<Triple[]>([]);
  #derivedTotal = $state(0);
  #pending = $state.raw<number[]>([]);
  #queue = $state.raw<ComparisonSuggestion[]>([]);
  #queueBasis: Comparison[] | null = null;
  #undo = $state.raw<ComparisonEdit[]>([]);
  #redo = $state.raw<ComparisonEdit[]>([]);
  /** Queries skipped this session (query keys): never suggested again until the page is reloaded. */
  #skipped = new Set<string>();
  strategy = $state<ComparisonStrategy>('uncertain');
  currentSuggestion = $state.raw<ComparisonSuggestion | null>(null);
  /** The metric the last suggestions were computed under, in words. */
  metricName = $state<string | null>(null);
  conflict = $state.raw<ComparisonConflict | null>(null);
  error = $state<string | null>(null);
  saving = $state(false);

  constructor(backend: Backend, space: () => Promise<NamedSpace | null>, pairs: () => readonly PairConstraint[]) {
    this.#backend = backend;
    this.#space = space;
    this.#pairs = pairs;
  }

  get datasetId(): number | null { return this.#datasetId; }
  get comparisons(): Comparison[] { return this.#comparisons; }
  get derived(): Triple[] { return this.#derived; }
  get derivedTotal(): number { return this.#derivedTotal; }
  get pending(): number[] { return this.#pending; }
  get queue(): ComparisonSuggestion[] { return this.#queue; }
  get canUndo(): boolean { return this.#undo.length > 0; }
  get canRedo(): boolean { return this.#redo.length > 0; }

  /** Comparisons by origin; they add up to the total. */
  readonly counts = $derived({
    total: this.#comparisons.length,
    manual: this.#comparisons.filter((c) => (c.origin ?? 'manual') === 'manual').length,
    generated: this.#comparisons.filter((c) => c.origin === 'generated').length,
    imported: this.#comparisons.filter((c) => c.origin === 'imported').length,
  });

  /** The query on the card once three rows are chosen. */
  readonly query = $derived.by((): ComparisonQuery | null => {
    if (this.#pending.length !== 3) return null;
    const [anchor, first, second] = this.#pending as [number, number, number];
    const stored = this.#comparisons.find((c) => sameQuery(c, anchor, first, second)) ?? null;
    const implied = this.#derived.find((t) => sameQuery({ anchor: t[0], closer: t[1], farther: t[2] }, anchor, first, second));
    return { anchor, first, second, stored, implied: implied ? implied[1] : null };
  });

  /**
   * Loads a dataset's comparisons and the comparisons its pairs imply (clears selection and queue), with the undo
   * history this tab kept for it (dropped when it no longer fits the comparisons).
   */
  async load(datasetId: number): Promise<void> {
    this.#datasetId = datasetId;
    this.#pending = [];
    this.#queue = [];
    this.#queueBasis = null;
    this.#undo = [];
    this.#redo = [];
    this.#skipped.clear();
    this.currentSuggestion = null;
    this.conflict = null;
    try {
      const { comparisons } = await this.#backend.call('comparisons.list', { datasetId });
      if (this.#datasetId === datasetId) {
        this.#comparisons = comparisons;
        ({ undo: this.#undo, redo: this.#redo } = restoreHistory(datasetId, comparisons));
      }
      await this.refreshDerived();
      this.error = null;
    } catch (error) {
      this.error = `Could not load the comparisons: ${errorMessage(error)}`;
    }
  }

  /** Reads again the comparisons the pairs imply (after the pairs changed). */
  async refreshDerived(): Promise<void> {
    const datasetId = this.#datasetId;
    if (datasetId === null) return;
    try {
      const { derived, total } = await this.#backend.call('comparisons.derived', { datasetId });
      if (this.#datasetId !== datasetId) return;
      this.#derived = derived;
      this.#derivedTotal = total;
    } catch (error) {
      this.error = `Could not load the comparisons your pairs imply: ${errorMessage(error)}`;
    }
  }

  /**
   * A click on point i: the anchor, then the first and the second candidate (→ the card). A click on a chosen
   * point keeps the choice (a quick second click must not undo it); a fourth point starts a new query.
   */
  pick(i: number): void {
    const p = this.#pending;
    if (p.includes(i)) return;
    this.currentSuggestion = null;
    this.conflict = null;
    this.#pending = p.length >= 3 ? [i] : [...p, i];
  }

  clearSelection(): void {
    this.#pending = [];
    this.currentSuggestion = null;
    this.conflict = null;
  }

  /** Shows a stored comparison on the card (to look at it again or answer it the other way). */
  selectComparison(c: Pick<Comparison, 'anchor' | 'closer' | 'farther'>): void {
    this.currentSuggestion = null;
    this.conflict = null;
    this.#pending = [c.anchor, c.closer, c.farther];
  }

  /**
   * Answers the query on the card: `which` of the two candidates is the closer. The same answer as stored changes
   * nothing; the opposite of a stored answer becomes a {@link conflict} (nothing is sent until the user replaces).
   */
  async answer(which: 'first' | 'second'): Promise<void> {
    const q = this.query;
    if (!q) return;
    const [closer, farther] = which === 'first' ? [q.first, q.second] : [q.second, q.first];
    if (q.stored && q.stored.closer !== closer) {
      this.conflict = { asked: [q.anchor, closer, farther], stored: q.stored };
      return;
    }
    const fromQueue = this.currentSuggestion !== null;
    this.#pending = [];
    this.currentSuggestion = null;
    if (!q.stored) await this.#apply(this.#edit(q.anchor, closer, farther, null, closer), true);
    if (fromQueue) await this.next();
  }

  /** Resolves the conflict by storing the new answer in place of the stored one (one transaction in main). */
  async replaceConflict(): Promise<void> {
    const conflict = this.conflict;
    if (!conflict) return;
    const fromQueue = this.currentSuggestion !== null;
    this.conflict = null;
    this.#pending = [];
    this.currentSuggestion = null;
    const [anchor, closer, farther] = conflict.asked;
    await this.#apply(this.#edit(anchor, closer, farther, conflict.stored.closer, closer), true);
    if (fromQueue) await this.next();
  }

  /** Keeps the stored answer: the conflicting one is dropped. */
  keepStored(): void {
    this.conflict = null;
  }

  /** Skips the query on the card: nothing is stored, and it is not suggested again this session. */
  async skip(): Promise<void> {
    const q = this.query;
    if (q) this.#skipped.add(queryKey(q.anchor, q.first, q.second));
    const fromQueue = this.currentSuggestion !== null;
    this.clearSelection();
    if (fromQueue) await this.next();
  }

  async remove(c: Pick<Comparison, 'anchor' | 'closer' | 'farther'>): Promise<void> {
    if (this.#comparisons.some((s) => s.anchor === c.anchor && s.closer === c.closer && s.farther === c.farther)) {
      await this.#apply(this.#edit(c.anchor, c.closer, c.farther, c.closer, null), true);
    }
  }

  async undo(): Promise<void> {
    const edit = this.#undo.at(-1);
    if (!edit) return;
    this.#undo = this.#undo.slice(0, -1);
    this.#redo = [...this.#redo, edit];
    await this.#apply({ ...edit, before: edit.after, after: edit.before }, false);
  }

  async redo(): Promise<void> {
    const edit = this.#redo.at(-1);
    if (!edit) return;
    this.#redo = this.#redo.slice(0, -1);
    this.#undo = [...this.#undo, edit];
    await this.#apply(edit, false);
  }

  #saveHistory(): void {
    if (this.#datasetId === null) return;
    try {
      sessionStorage.setItem(storageKey(this.#datasetId), JSON.stringify({ undo: this.#undo.slice(-STORED_EDITS), redo: this.#redo.slice(-STORED_EDITS) }));
    } catch {
      // Storage can be unavailable or full: undo then simply starts empty after a reload.
    }
  }

  #edit(anchor: number, x: number, y: number, before: number | null, after: number | null): ComparisonEdit {
    return { anchor, b: Math.min(x, y), c: Math.max(x, y), before, after };
  }

  /**
   * Applies an edit locally at once, then in main (add, remove, or replace when both sides are answers); on failure
   * the local change is rolled back and the error shown.
   */
  async #apply(edit: ComparisonEdit, record: boolean): Promise<void> {
    const datasetId = this.#datasetId;
    if (datasetId === null) return;
    const previous = this.#comparisons;
    const other = (closer: number): number => (closer === edit.b ? edit.c : edit.b);
    const rest = previous.filter((c) => !sameQuery(c, edit.anchor, edit.b, edit.c));
    const after = edit.after === null ? null : { anchor: edit.anchor, closer: edit.after, farther: other(edit.after), origin: 'manual' as const };
    this.#comparisons = after ? [...rest, after] : rest;
    if (record) {
      this.#undo = [...this.#undo, edit];
      this.#redo = [];
    }
    this.#saveHistory();
    this.saving = true;
    try {
      if (after) {
        const request = { datasetId, anchor: after.anchor, closer: after.closer, farther: after.farther };
        const { comparison } = await this.#backend.call(edit.before !== null ? 'comparisons.replace' : 'comparisons.add', request);
        this.#settle(comparison);
      } else if (edit.before !== null) {
        await this.#backend.call('comparisons.remove', { datasetId, anchor: edit.anchor, closer: edit.before, farther: other(edit.before) });
      }
      this.error = null;
    } catch (error) {
      this.#comparisons = previous;
      if (record) this.#undo = this.#undo.slice(0, -1);
      this.#saveHistory();
      this.error = `Could not save the comparison for row ${edit.anchor}: ${errorMessage(error)}`;
      if (after && edit.before === null && (error as { code?: unknown } | null)?.code === 'CONSTRAINT_INVALID') await this.#conflictFromMain(after);
    } finally {
      this.saving = false;
    }
  }

  /**
   * Main refused an answer whose opposite this window did not know of (stored elsewhere since): the comparisons are
   * read again and, when the stored opposite is there, the query comes back to the card as a conflict to resolve.
   */
  async #conflictFromMain(asked: { anchor: number; closer: number; farther: number }): Promise<void> {
    const datasetId = this.#datasetId;
    if (datasetId === null) return;
    try {
      const { comparisons } = await this.#backend.call('comparisons.list', { datasetId });
      if (this.#datasetId !== datasetId) return;
      this.#comparisons = comparisons;
      const stored = comparisons.find((c) => c.anchor === asked.anchor && c.closer === asked.farther && c.farther === asked.closer);
      if (!stored) return;
      this.#pending = [asked.anchor, asked.closer, asked.farther];
      this.conflict = { asked: [asked.anchor, asked.closer, asked.farther], stored };
      this.error = null;
    } catch {
      // The error already shown stands.
    }
  }

  /** Puts main's record of a comparison (origin, time, seq) in place of the local one. */
  #settle(stored: Comparison): void {
    this.#comparisons = this.#comparisons.map((c) => (c.anchor === stored.anchor && c.closer === stored.closer && c.farther === stored.farther ? stored : c));
  }

  /** Recomputes the suggestion queue under the current metric (one pass stays within the engine's budget). */
  async refreshQueue(count = 20): Promise<void> {
    const space = await this.#space();
    if (!space) {
      this.#queue = [];
      return;
    }
    const basis = this.#comparisons;
    const answered = basis.map((c): Triple => [c.anchor, c.closer, c.farther]);
    const skipped = [...this.#skipped].map((k): Triple => k.split('|').map(Number) as unknown as Triple);
    const labeledRows = this.#pairs().flatMap((p) => [p.i, p.j]);
    this.#queue = suggestComparisons({
      ...space, answered, closed: [...this.#derived, ...skipped], labeledRows, strategy: this.strategy, count, seed: basis.length, metricName: space.name,
    });
    this.metricName = space.name;
    this.#queueBasis = basis;
  }

  /**
   * Shows the next suggested query that is still open. Suggestions depend on the answers so far: once they changed,
   * the queue is recomputed (one pass is within the engine's budget, even at 60,000 rows).
   */
  async next(): Promise<void> {
    const isOpen = (s: ComparisonSuggestion): boolean =>
      !this.#skipped.has(queryKey(s.anchor, s.first, s.second)) && !this.#comparisons.some((c) => sameQuery(c, s.anchor, s.first, s.second));
    let queue = this.#queueBasis !== this.#comparisons ? [] : this.#queue.filter(isOpen);
    if (queue.length === 0) {
      await this.refreshQueue();
      queue = this.#queue.filter(isOpen);
    }
    const [head, ...tail] = queue;
    this.#queue = tail;
    this.conflict = null;
    this.currentSuggestion = head ?? null;
    this.#pending = head ? [head.anchor, head.first, head.second] : [];
    if (!head) this.error = 'No open comparison is left to suggest.';
  }

  /**
   * The comparison keys: 1 or ← the first candidate is closer, 2 or → the second, S skip, N next suggestion, Esc
   * clear, Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z and Ctrl/⌘+Y redo. Returns true when the key was one of them.
   */
  handleKey(key: string, modifiers: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}): boolean {
    if (modifiers.alt) return false;
    const k = key.toLowerCase();
    if (modifiers.ctrl || modifiers.meta) {
      if (k === 'z') void (modifiers.shift ? this.redo() : this.undo());
      else if (k === 'y') void this.redo();
      else return false;
      return true;
    }
    const answers: Record<string, 'first' | 'second'> = { '1': 'first', arrowleft: 'first', '2': 'second', arrowright: 'second' };
    const which = answers[k];
    if (which) {
      if (!this.query) return false;
      void this.answer(which);
      return true;
    }
    const actions: Record<string, () => void> = {
      s: () => void this.skip(),
      n: () => void this.next(),
      escape: () => this.clearSelection(),
    };
    const action = actions[k];
    if (!action) return false;
    action();
    return true;
  }

  setStrategy(strategy: ComparisonStrategy): void {
    this.strategy = strategy;
    this.#queue = [];
    this.#queueBasis = null;
  }
}
