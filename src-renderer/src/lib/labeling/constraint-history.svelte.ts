import type { ConstraintKind } from '../../../../shared/domain/constraints.ts';

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
}
