/**
 * Which kind of answer the Label view asks for: pairs (must-link / cannot-link) or relative comparisons ("is the
 * anchor closer to this one or to that one?"). Remembered across reloads in localStorage, as the open view is.
 */
export const LABEL_MODES = ['pairs', 'comparisons'] as const;
export type LabelMode = (typeof LABEL_MODES)[number];

const KEY = 'metric-workbench.label-mode';

export function readLabelMode(): LabelMode {
  try {
    const stored = localStorage.getItem(KEY);
    return LABEL_MODES.find((m) => m === stored) ?? 'pairs';
  } catch {
    return 'pairs';
  }
}

export function writeLabelMode(mode: LabelMode): void {
  try {
    localStorage.setItem(KEY, mode);
  } catch {
    // Storage can be unavailable (private mode): the next start opens Pairs.
  }
}
