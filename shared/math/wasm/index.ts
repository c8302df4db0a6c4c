/**
 * Kernels hand-assembled to WebAssembly SIMD (assembler.ts), each with a TypeScript fallback that gives the same
 * bits: rank-one updates and matrix-vector products on a symmetric matrix, sums of rows by group, the row operations of
 * the symmetric eigen-decompositions. The distance tiles
 * are WebAssembly too and live with the distances.
 */
export * from './rank-one-kernels.ts';
export * from './grouped-row-sums.ts';
export * from './eigen-kernels.ts';
