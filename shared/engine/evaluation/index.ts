export * from './evaluate.ts';
export * from './folds.ts';
export * from './knn.ts';
export * from './clustering.ts';
export * from './retrieval.ts';
export * from './pair-auc.ts';
export * from './score.ts';
export * from './regression.ts';
