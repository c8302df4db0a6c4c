/** Decompositions of symmetric matrices: eigen (ml-matrix's, the top k, the SIMD tridiagonal QL), Cholesky (solves, inverses, log-determinants), the PSD cone and M ↔ L. */
export * from './eigen.ts';
export * from './cholesky.ts';
export * from './psd.ts';
export * from './top-eigen.ts';
export * from './tridiagonal-ql.ts';
