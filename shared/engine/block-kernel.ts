/**
 * A kernel a fit runs over a fixed partition of blocks, on its own thread or shared out over a team of threads
 * ({@link BlockProducts.runBlocks}): the partition depends on the shapes alone, and every block writes only its own
 * part of the outputs (or returns its part as an Int32Array: the caller receives the parts in block order), with no
 * reduction across blocks, so the result has the same bits for any number of threads. A kernel that several threads
 * run is named in block-kernels.ts, where a helper thread finds its code.
 */
export interface BlockKernel<Args, State, Part extends Int32Array | void = void> {
  /**
   * The per-thread state of one run over `args` (scratch buffers, packed tiles): built once by each thread that
   * claims a block of the run, before its first block.
   */
  prepare(args: Args): State;
  /** Runs block `block` (0 … blocks − 1); a part it returns is handed to the caller (moved, not copied). */
  run(state: State, block: number): Part;
}

/** Runs every block of `kernel` on this thread, in order: what a team of threads computes, with the same bits. */
export function runBlocksHere<Args, State, Part extends Int32Array | void>(kernel: BlockKernel<Args, State, Part>, args: Args, blocks: number): Part[] {
  const parts: Part[] = [];
  if (blocks <= 0) return parts;
  const state = kernel.prepare(args);
  for (let block = 0; block < blocks; block++) parts.push(kernel.run(state, block));
  return parts;
}
