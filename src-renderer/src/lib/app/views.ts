/** The five views, in navigation order; the names are part of the product's contract. */
export const VIEWS = ['Datasets', 'Label', 'Experiments', 'Compare', 'Export'] as const;
export type ViewName = (typeof VIEWS)[number];
