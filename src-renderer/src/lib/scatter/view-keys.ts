import type { Bounds, Viewport } from './viewport.ts';

/** Pixels one arrow key press pans the view. */
export const PAN_STEP = 40;
/** Room kept above the points for the zoom buttons drawn over the canvas. */
export const FIT_PADDING = 18;
export const FIT_TOP = 44;

/**
 * Keyboard navigation of a scatter: arrows pan, + / = zoom in, - zooms out, 0 fits the data again.
 * Returns false (and leaves the view alone) for any other key.
 */
export function applyViewKey(view: Viewport, key: string, width: number, height: number, bounds: Bounds): boolean {
  const actions: Record<string, () => void> = {
    ArrowLeft: () => view.pan(PAN_STEP, 0),
    ArrowRight: () => view.pan(-PAN_STEP, 0),
    ArrowUp: () => view.pan(0, PAN_STEP),
    ArrowDown: () => view.pan(0, -PAN_STEP),
    '+': () => view.zoomAt(width / 2, height / 2, 1.25),
    '=': () => view.zoomAt(width / 2, height / 2, 1.25),
    '-': () => view.zoomAt(width / 2, height / 2, 0.8),
    '0': () => view.fit(bounds, width, height, FIT_PADDING, FIT_TOP),
  };
  const action = actions[key];
  if (!action) return false;
  action();
  return true;
}
