/** Reproducible random numbers: the workbench's seeded generator and numpy's MT19937. */
export * from './seeded-random.ts';
export * from './mt19937.ts';
