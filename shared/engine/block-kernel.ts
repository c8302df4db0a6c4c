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

/**
 * Reads back the variable-length row lists of a row-block kernel whose block b covers rows b·rowsPerBlock … (n rows in
 * all) and hands back one part laid out as [each of its rows' list length | the rows' lists, in row order]: calls
 * `each(row, list)` for every row in order, the list a view of its part.
 */
export function forEachRowList(parts: readonly Int32Array[], n: number, rowsPerBlock: number, each: (row: number, list: Int32Array) => void): void {
  parts.forEach((part, b) => {
    const first = b * rowsPerBlock;
    const rows = Math.min(rowsPerBlock, n - first);
    let at = rows;
    for (let r = 0; r < rows; r++) {
      each(first + r, part.subarray(at, at + part[r]!));
      at += part[r]!;
    }
  });
}
