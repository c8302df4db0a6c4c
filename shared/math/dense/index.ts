/** Dense algebra on row-major Float64Array matrices: products, transposes, Gram matrices, row differences, pair scatter. */
export * from './matrix.ts';
export * from './row-products.ts';
export * from './row-differences.ts';
export * from './gram-blocks.ts';
