import type { ConstraintKind } from '../../../../shared/domain/constraints.ts';

/** One reversible edit of the constraint set: pair (i, j) went from `before` to `after` (null = absent). */
export interface ConstraintEdit {
  i: number;
  j: number;
  before: ConstraintKind | null;
  after: ConstraintKind | null;
}

/** Undo/redo stacks of edits. A new edit clears the redo stack. Pure data, no reactivity. */
export class ConstraintHistory {
  #undo: ConstraintEdit[] = [];
  #redo: ConstraintEdit[] = [];

  get canUndo(): boolean { return this.#undo.length > 0; }
  get canRedo(): boolean { return this.#redo.length > 0; }

  record(edit: ConstraintEdit): void {
    this.#undo.push(edit);
    this.#redo = [];
  }

  /** The edit to revert (apply `before`), or undefined. */
  undo(): ConstraintEdit | undefined {
    const edit = this.#undo.pop();
    if (edit) this.#redo.push(edit);
    return edit;
  }

  /** The edit to apply again (apply `after`), or undefined. */
  redo(): ConstraintEdit | undefined {
    const edit = this.#redo.pop();
    if (edit) this.#undo.push(edit);
    return edit;
  }

  clear(): void {
    this.#undo = [];
    this.#redo = [];
  }
}
