/**
 * `window.__workbench`: read-only hooks for end-to-end tests, so a test can click an exact point of a
 * canvas scatter (whose points are not DOM elements). Nothing in the app reads these, and only test builds
 * have them: the component tests and the end-to-end build (`WORKBENCH_TEST_HOOKS=1`, see
 * vite.renderer.config.ts) define `__WORKBENCH_TEST_HOOKS__` as true; in every other build it is false and
 * the registrations below compile to nothing.
 */
declare const __WORKBENCH_TEST_HOOKS__: boolean | undefined;

/** Whether this build registers the hooks. */
export const TEST_HOOKS: boolean = typeof __WORKBENCH_TEST_HOOKS__ !== 'undefined' && __WORKBENCH_TEST_HOOKS__ === true;

export interface ScatterHook {
  /** Number of points drawn. */
  count(): number;
  /** Where point i is drawn, in client (viewport) CSS pixels, or null if it is off-canvas. */
  pointToClient(i: number): { x: number; y: number } | null;
  /** Currently selected points (the pending pair). */
  selected(): number[];
}

/** A box in client (viewport) CSS pixels. */
export interface ClientBox {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface ChartHook {
  /** Where the chart drew each bar of its first dataset, and each legend entry (text and box). */
  geometry(): { bars: ClientBox[]; legend: { text: string; box: ClientBox }[] };
}

export interface WorkbenchHooks {
  scatters: Record<string, ScatterHook>;
  charts: Record<string, ChartHook>;
  state: Record<string, () => unknown>;
}

declare global {
  interface Window {
    __workbench?: WorkbenchHooks;
  }
}

function hooks(): WorkbenchHooks {
  if (typeof window === 'undefined') return { scatters: {}, charts: {}, state: {} };
  window.__workbench ??= { scatters: {}, charts: {}, state: {} };
  return window.__workbench;
}

/** Registers a scatter under `name`; returns the function that removes it. */
export function registerScatterHook(name: string, hook: ScatterHook): () => void {
  if (!TEST_HOOKS) return () => {};
  hooks().scatters[name] = hook;
  return () => {
    if (hooks().scatters[name] === hook) delete hooks().scatters[name];
  };
}

/** Registers a chart under `name`; returns the function that removes it. */
export function registerChartHook(name: string, hook: ChartHook): () => void {
  if (!TEST_HOOKS) return () => {};
  hooks().charts[name] = hook;
  return () => {
    if (hooks().charts[name] === hook) delete hooks().charts[name];
  };
}

export function registerStateHook(name: string, read: () => unknown): void {
  if (!TEST_HOOKS) return;
  hooks().state[name] = read;
}
