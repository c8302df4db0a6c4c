/**
 * Squared Euclidean distances, named by how they are computed: exact.ts by differencing (exact to rounding, the
 * figures every evaluation reports), gram.ts and the tiles by the Gram identity (fast; for choosing candidates, or as
 * a screen whose rounding bound lets the exact distances decide).
 */
export * from './exact.ts';
export * from './gram.ts';
export * from './gram-tiles.ts';
export * from './screening-tiles.ts';
