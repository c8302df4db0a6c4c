/** Calls running now by the caller's key (an import's file id, a score's id), so that a cancel channel can abort them. */
export interface Abortables {
  /** Runs `work` with a signal that {@link Abortables.cancel}(key) aborts. */
  run<T>(key: string, work: (signal: AbortSignal) => Promise<T>): Promise<T>;
  /** Aborts every running call of `key`; false when none was running. */
  cancel(key: string): boolean;
}

export function createAbortables(): Abortables {
  const running = new Map<string, Set<AbortController>>();
  return {
    async run(key, work) {
      const controller = new AbortController();
      const set = running.get(key) ?? new Set<AbortController>();
      running.set(key, set.add(controller));
      try {
        return await work(controller.signal);
      } finally {
        set.delete(controller);
        if (set.size === 0) running.delete(key);
      }
    },
    cancel(key) {
      const controllers = [...(running.get(key) ?? [])];
      for (const controller of controllers) controller.abort();
      return controllers.length > 0;
    },
  };
}
