/**
 * `window.__workbench`: read-only hooks for end-to-end tests, so a test can click an exact point of a
 * canvas scatter (whose points are not DOM elements). Nothing in the app reads these.
 */
export interface ScatterHook {
  /** Number of points drawn. */
  count(): number;
  /** Where point i is drawn, in client (viewport) CSS pixels, or null if it is off-canvas. */
  pointToClient(i: number): { x: number; y: number } | null;
  /** Currently selected points (the pending pair). */
  selected(): number[];
}

export interface WorkbenchHooks {
  scatters: Record<string, ScatterHook>;
  state: Record<string, () => unknown>;
}

declare global {
  interface Window {
    __workbench?: WorkbenchHooks;
  }
}

function hooks(): WorkbenchHooks {
  if (typeof window === 'undefined') return { scatters: {}, state: {} };
  window.__workbench ??= { scatters: {}, state: {} };
  return window.__workbench;
}

/** Registers a scatter under `name`; returns the function that removes it. */
export function registerScatterHook(name: string, hook: ScatterHook): () => void {
  hooks().scatters[name] = hook;
  return () => {
    if (hooks().scatters[name] === hook) delete hooks().scatters[name];
  };
}

export function registerStateHook(name: string, read: () => unknown): void {
  hooks().state[name] = read;
}
