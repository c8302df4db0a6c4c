/** Optimisers: L-BFGS (scipy's L-BFGS-B without bounds) and the graphical lasso (block coordinate descent). */
export * from './lbfgs.ts';
export * from './graphical-lasso.ts';
