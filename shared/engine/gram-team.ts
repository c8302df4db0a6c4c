/**
 * The Gram products' view of a fit's team of threads: shared/math's {@link centeredGram} takes a {@link GramTeam},
 * which runs its chunks as the 'centeredGram' kernel of block-kernels.ts over the host's {@link BlockProducts}.
 */
import type { GramTeam } from '../math/dense/index.ts';
import type { BlockProducts } from './learner.ts';

/** `products` as a {@link GramTeam}; undefined without a team (the Gram product runs on this thread: the same bits). */
export function gramTeam(products: BlockProducts | undefined): GramTeam | undefined {
  if (!products) return undefined;
  return {
    shared: (array) => products.shared(array),
    alloc: (length) => products.alloc(length),
    runBlocks: (args, blocks) => void products.runBlocks('centeredGram', args, blocks),
  };
}
