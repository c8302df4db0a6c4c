import type { ConstraintKind, PairConstraint } from '../../../../shared/domain/constraints.ts';
import { closeConstraints, impliedKind } from '../../../../shared/engine/constraint-closure.ts';
import { suggestPairs, type PairSuggestion, type SuggestStrategy } from '../../../../shared/engine/suggest.ts';
import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import { ConstraintHistory, restoreHistory, saveHistory, type ConstraintEdit } from './constraint-history.svelte.ts';

/** The space suggestions are computed in: (n, e) row-major. */
export interface EmbeddingSpace {
  points: Float64Array;
  n: number;
  e: number;
}

/** Largest 200·n·e (distance terms of one suggestion pass) recomputed after every label: ~0.1 s of work. */
const RECOMPUTE_BUDGET = 2e8;

const key = (i: number, j: number): string => (i < j ? `${i},${j}` : `${j},${i}`);

/**
 * Pair labeling for one dataset: click one point, then another → a pending pair → Must-link / Cannot-link
 * / Skip. Keeps the constraint list (in labeling order) in sync with main, with undo/redo, the derived
 * closure, and a queue of suggested pairs for keyboard-only labeling.
 */
export class LabelingSession {
  #backend: Backend;
  #space: () => EmbeddingSpace | null;
  #history = new ConstraintHistory();
  #datasetId = $state<number | null>(null);
  #constraints = $state.raw<PairConstraint[]>([]);
  #pending = $state.raw<number[]>([]);
  #queue = $state.raw<PairSuggestion[]>([]);
  /** The constraint list the queue was computed from: a label since then makes it stale. */
  #queueBasis: PairConstraint[] | null = null;
  strategy = $state<SuggestStrategy>('uncertain');
  currentSuggestion = $state.raw<PairSuggestion | null>(null);
  error = $state<string | null>(null);
  saving = $state(false);

  constructor(backend: Backend, space: () => EmbeddingSpace | null) {
    this.#backend = backend;
    this.#space = space;
  }

  get datasetId(): number | null { return this.#datasetId; }
  get constraints(): PairConstraint[] { return this.#constraints; }
  get pending(): number[] { return this.#pending; }
  get queue(): PairSuggestion[] { return this.#queue; }
  get canUndo(): boolean { return this.#history.canUndo; }
  get canRedo(): boolean { return this.#history.canRedo; }

  readonly closure = $derived(closeConstraints(this.#constraints));
  readonly counts = $derived({
    must: this.#constraints.filter((c) => c.kind === 'must').length,
    cannot: this.#constraints.filter((c) => c.kind === 'cannot').length,
  });
  /** The pending pair when two points are chosen, with its current label (explicit or implied). */
  readonly pair = $derived.by(() => {
    if (this.#pending.length !== 2) return null;
    const [i, j] = this.#pending as [number, number];
    const existing = this.#constraints.find((c) => key(c.i, c.j) === key(i, j))?.kind ?? null;
    return { i, j, existing, implied: existing ? null : impliedKind(this.closure, this.#constraints, i, j) };
  });

  /**
   * Loads the constraints of a dataset (clears selection and queue) and the undo history this tab kept for it
   * (dropped when it no longer fits the constraints).
   */
  async load(datasetId: number): Promise<void> {
    this.#datasetId = datasetId;
    this.#history.clear();
    this.#pending = [];
    this.#queue = [];
    this.currentSuggestion = null;
    try {
      const { constraints } = await this.#backend.call('constraints.list', { datasetId });
      if (this.#datasetId === datasetId) {
        this.#constraints = constraints;
        this.#history.replace(restoreHistory(datasetId, constraints));
      }
    } catch (error) {
      this.error = `Could not load the constraints: ${errorMessage(error)}`;
    }
  }

  /**
   * A click on point i: first point, second point (→ pair card), or a fresh start. Clicking the single chosen
   * point again deselects it, unless the click repeats the one before (`repeat`: a double-click). A click on a
   * point of the chosen pair keeps the pair: a quick second click on the second point must not throw the pair
   * away (Esc clears it).
   */
  pick(i: number, repeat = false): void {
    const p = this.#pending;
    if (p.length === 2 && p.includes(i)) return;
    if (p.length === 1 && p[0] === i && repeat) return;
    this.currentSuggestion = null;
    if (p.length === 1 && p[0] === i) this.#pending = [];
    else if (p.length === 1) this.#pending = [p[0]!, i];
    else this.#pending = [i];
  }

  /** Shows an existing pair in the pair card (to relabel it). */
  selectPair(i: number, j: number): void {
    this.currentSuggestion = null;
    this.#pending = [i, j];
  }

  clearSelection(): void {
    this.#pending = [];
    this.currentSuggestion = null;
  }

  /** Labels the pending pair and moves on to the next suggestion when the pair came from the queue. */
  async label(kind: ConstraintKind): Promise<void> {
    const pair = this.pair;
    if (!pair) return;
    const fromQueue = this.currentSuggestion !== null;
    this.#pending = [];
    this.currentSuggestion = null;
    await this.#apply({ i: pair.i, j: pair.j, before: pair.existing, after: kind }, true);
    if (fromQueue) this.next();
  }

  /** Skips the pending pair (nothing is stored). */
  skip(): void {
    const fromQueue = this.currentSuggestion !== null;
    this.clearSelection();
    if (fromQueue) this.next();
  }

  async remove(i: number, j: number): Promise<void> {
    const existing = this.#constraints.find((c) => key(c.i, c.j) === key(i, j));
    if (existing) await this.#apply({ i, j, before: existing.kind, after: null }, true);
  }

  async undo(): Promise<void> {
    const edit = this.#history.undo();
    if (edit) await this.#apply({ ...edit, after: edit.before, before: edit.after }, false);
  }

  async redo(): Promise<void> {
    const edit = this.#history.redo();
    if (edit) await this.#apply(edit, false);
  }

  /** Applies an edit locally at once, then in main; on failure the local change is rolled back. */
  async #apply(edit: ConstraintEdit, record: boolean): Promise<void> {
    const datasetId = this.#datasetId;
    if (datasetId === null) return;
    const previous = this.#constraints;
    const [i, j] = edit.i < edit.j ? [edit.i, edit.j] : [edit.j, edit.i];
    const rest = previous.filter((c) => key(c.i, c.j) !== key(i, j));
    this.#constraints = edit.after ? [...rest, { i, j, kind: edit.after, origin: 'manual' }] : rest;
    if (record) this.#history.record(edit);
    saveHistory(datasetId, this.#history);
    this.saving = true;
    try {
      if (edit.after) await this.#backend.call('constraints.set', { datasetId, i, j, kind: edit.after });
      else await this.#backend.call('constraints.remove', { datasetId, i, j });
      this.error = null;
    } catch (error) {
      this.#constraints = previous;
      this.error = `Could not save the pair (${i}, ${j}): ${errorMessage(error)}`;
    } finally {
      this.saving = false;
    }
  }

  /** Recomputes the suggestion queue in the current space. */
  refreshQueue(count = 20): void {
    const space = this.#space();
    if (!space) {
      this.#queue = [];
      return;
    }
    this.#queue = suggestPairs({ ...space, constraints: this.#constraints, strategy: this.strategy, count, seed: this.#constraints.length });
    this.#queueBasis = this.#constraints;
  }

  /** Shows the next suggested pair that is still open (recomputing the queue when it runs dry). */
  next(): void {
    const isOpen = (s: PairSuggestion): boolean =>
      !this.#constraints.some((c) => key(c.i, c.j) === key(s.i, s.j)) && impliedKind(this.closure, this.#constraints, s.i, s.j) === null;
    // Suggestions are computed from the labels so far (the threshold moves with every label): once the labels
    // have changed, recompute them rather than serve a queue made before, where that is cheap (about 200·n·e
    // distance terms); on very large spaces the queue is recomputed when it runs dry, as before.
    const space = this.#space();
    const stale = this.#queueBasis !== this.#constraints && space !== null && 200 * space.n * space.e <= RECOMPUTE_BUDGET;
    let queue = stale ? [] : this.#queue.filter(isOpen);
    if (queue.length === 0) {
      this.refreshQueue();
      queue = this.#queue.filter(isOpen);
    }
    const [head, ...tail] = queue;
    this.#queue = tail;
    this.currentSuggestion = head ?? null;
    this.#pending = head ? [head.i, head.j] : [];
    if (!head) this.error = 'No open pair is left to suggest: every pair is labeled or implied.';
  }

  /**
   * The labeling keys: M must-link and C cannot-link (with a pair chosen), S skip, N next suggestion, Esc
   * clear, Ctrl/⌘+Z undo, Ctrl/⌘+Shift+Z and Ctrl/⌘+Y redo. Returns true when the key was one of them (the
   * caller then prevents the browser's default); keys typed into a form field never reach here.
   */
  handleKey(key: string, modifiers: { ctrl?: boolean; meta?: boolean; shift?: boolean; alt?: boolean } = {}): boolean {
    if (modifiers.alt) return false;
    const k = key.toLowerCase();
    const command = modifiers.ctrl || modifiers.meta;
    if (command) {
      if (k === 'z') void (modifiers.shift ? this.redo() : this.undo());
      else if (k === 'y') void this.redo();
      else return false;
      return true;
    }
    const actions: Record<string, () => void> = {
      m: () => void this.label('must'),
      c: () => void this.label('cannot'),
      s: () => this.skip(),
      n: () => this.next(),
      escape: () => this.clearSelection(),
    };
    const action = actions[k];
    if (!action || ((k === 'm' || k === 'c') && !this.pair)) return false;
    action();
    return true;
  }

  setStrategy(strategy: SuggestStrategy): void {
    this.strategy = strategy;
    this.#queue = [];
  }
}
