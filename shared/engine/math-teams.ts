/**
 * The shared/math kernels' views of a fit's team of threads: {@link centeredGram} takes a {@link GramTeam} and
 * {@link symmetricEigenQl} a {@link RotationTeam}, which run their blocks as the 'centeredGram' and 'qlRotations'
 * kernels of block-kernels.ts over the host's {@link BlockProducts}.
 */
import type { RotationTeam } from '../math/decompositions/index.ts';
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

/** `products` as a {@link RotationTeam}; undefined without a team (the QL rotations run on this thread: the same bits). */
export function rotationTeam(products: BlockProducts | undefined): RotationTeam | undefined {
  if (!products) return undefined;
  return {
    shared: (array) => products.shared(array),
    alloc: (length) => products.alloc(length),
    runBlocks: (args, blocks) => void products.runBlocks('qlRotations', args, blocks),
  };
}
