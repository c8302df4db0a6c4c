/** Categorical colours that read on both light and dark backgrounds (Okabe–Ito, colour-blind safe, plus extras). */
export const CLASS_COLORS = [
  '#0072B2', '#E69F00', '#009E73', '#CC79A7', '#56B4E9', '#D55E00', '#F0E442', '#7f7f7f',
  '#8c564b', '#17becf', '#bcbd22', '#9467bd',
];

export function classColor(index: number): string {
  if (index < 0) return '#888888';
  return CLASS_COLORS[index % CLASS_COLORS.length]!;
}
