/** Neighbour selection: the one k-smallest (top-k.ts), exact kNN lists, retrieval rankings and nearest centers, pair graphs. */
export * from './top-k.ts';
export * from './nearest.ts';
export * from './pair-graph.ts';
