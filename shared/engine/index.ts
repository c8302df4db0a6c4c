/** The engine's public surface: learners, fitting, pairs, preprocessing and evaluation. */
export * from './learner.ts';
export * from './params.ts';
export * from './registry.ts';
export * from './preprocess.ts';
export * from './pairs.ts';
export * from './fit.ts';
export * from './evaluation/index.ts';
