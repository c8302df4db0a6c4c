/** Descriptive statistics (covariance, scatter, column moments, median) and the special functions of the tests. */
export * from './descriptive.ts';
export * from './distributions.ts';
