/** One short notice shown where the eye is (bottom of the window), whatever the view is scrolled to. */
export interface Toast {
  id: number;
  text: string;
  tone: 'info' | 'ok' | 'error';
  /** An optional button in the notice (e.g. "Show the jobs"). */
  action?: { label: string; run: () => void };
}

/** How long a notice stays, in milliseconds, unless the pointer or focus rests on it. */
export const TOAST_MS = 6000;

/**
 * The notices of one window, newest last. `show` returns the notice's id; a notice goes away after
 * {@link TOAST_MS}, when dismissed, or when a newer one pushes it out (at most three are kept).
 */
export class Toasts {
  #next = 1;
  #timers = new Map<number, ReturnType<typeof setTimeout>>();
  items = $state.raw<Toast[]>([]);

  show(text: string, options: { tone?: Toast['tone']; action?: Toast['action']; ms?: number } = {}): number {
    const id = this.#next++;
    const toast: Toast = { id, text, tone: options.tone ?? 'info', ...(options.action ? { action: options.action } : {}) };
    this.items = [...this.items, toast].slice(-3);
    const ms = options.ms ?? TOAST_MS;
    if (ms > 0) this.#timers.set(id, setTimeout(() => this.dismiss(id), ms));
    return id;
  }

  dismiss(id: number): void {
    clearTimeout(this.#timers.get(id));
    this.#timers.delete(id);
    this.items = this.items.filter((t) => t.id !== id);
  }

  /** Drops every notice and its timer (window teardown, tests). */
  reset(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
    this.items = [];
  }
}
