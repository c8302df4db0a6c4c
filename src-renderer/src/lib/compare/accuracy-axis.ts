import type { AccuracySummary } from './run-results.ts';

/** The y range of the accuracy bars, in percent, and the sentence that says where the axis starts. */
export interface AccuracyAxis {
  min: number;
  max: number;
  note: string;
}

/**
 * Where the accuracy axis starts. A bar's length encodes its value, so by default the axis starts at 0 %
 * and twice the bar means twice the accuracy. Zoomed (the user's explicit choice), it starts 5 points below
 * the lowest whisker (mean − std), rounded down to a multiple of 5, never below 0, and says so: differences
 * then look larger than they are.
 * @param accuracies fractions in [0, 1]
 */
export function accuracyAxis(accuracies: readonly Pick<AccuracySummary, 'mean' | 'std'>[], zoomed: boolean): AccuracyAxis {
  if (!zoomed || accuracies.length === 0) return { min: 0, max: 100, note: 'The axis starts at 0 %.' };
  const low = Math.min(...accuracies.map((a) => (a.mean - (Number.isFinite(a.std) ? a.std : 0)) * 100));
  const min = Math.max(0, Math.floor((low - 5) / 5) * 5);
  return { min, max: 100, note: min > 0 ? `Zoomed: the axis starts at ${min} %, not 0 %, so differences look larger than they are.` : 'The axis starts at 0 %.' };
}
