/**
 * Both cores inside one fit: the host side of {@link BlockProducts} (shared/engine/learner.ts). A learner's fit is
 * synchronous, so its products cannot await helper tasks; instead the fitting thread (a job worker) asks the pool for
 * up to `threads − 1` "team" helper tasks, which join whenever the thread budget gives them a token, and every product
 * is shared out in blocks over shared memory:
 *
 * - Control (Int32Array over a SharedArrayBuffer): CLAIM = generation << 16 | next block, DONE = finished blocks.
 *   The caller posts the product's description (the arrays, all over SharedArrayBuffers) to every helper's port, then
 *   opens the generation; the caller and every helper that is there claim blocks by compare-and-exchange on CLAIM (a
 *   stale helper cannot claim: the generation bits differ), and the caller waits until DONE counts every block.
 * - Blocks: a fixed partition by the shapes alone (64 rows of A, or 16 rows of B when B has more rows), each output
 *   entry computed by exactly one block with `dotRows`' own code: no reduction across blocks, so the same bits for
 *   any number of threads, and with a helper that never came, the caller does every block itself.
 * - End: `close()` sets CLAIM to −1 and withdraws the helper tasks, so each helper returns and its token goes back.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { BlockProducts } from '../../shared/engine/learner.ts';
import { dotRows } from '../../shared/math/dense/index.ts';
import type { TaskOf } from './protocol.ts';
import type { HelperCall, HelperTasks } from './worker-host.ts';

const CLAIM = 0;
const DONE = 1;
const CLOSED = -1;
/** Rows of A (or of B) per block: fixed, so the partition never depends on the number of threads. */
const ROWS_OF_A = 64;
const ROWS_OF_B = 16;
/** Blocks per product at most (the low 16 bits of CLAIM). */
const MAX_BLOCKS = 0xffff;

/** One product as the caller posts it to the helpers. */
interface ProductDescription {
  generation: number;
  A: Float64Array;
  ma: number;
  B: Float64Array;
  mb: number;
  len: number;
  out: Float64Array;
  outStride: number;
}

interface Partition {
  byA: boolean;
  rows: number;
  blocks: number;
}

function partitionOf(ma: number, mb: number): Partition {
  const byA = ma >= mb;
  const rows = byA ? ROWS_OF_A : ROWS_OF_B;
  return { byA, rows, blocks: Math.ceil((byA ? ma : mb) / rows) };
}

/** Block `b` of the product: a slice of A's (or B's) rows, with `dotRows` itself. */
function runBlock(p: ProductDescription, partition: Partition, b: number): void {
  const { A, ma, B, mb, len, out, outStride } = p;
  if (partition.byA) {
    const first = b * partition.rows;
    const end = Math.min(ma, first + partition.rows);
    dotRows(A.subarray(first * len, end * len), end - first, B, mb, len, out.subarray(first * outStride), outStride);
  } else {
    const first = b * partition.rows;
    const end = Math.min(mb, first + partition.rows);
    dotRows(A, ma, B.subarray(first * len, end * len), end - first, len, out.subarray(first), outStride);
  }
}

/** Claims and runs blocks of generation `generation` until none is left; returns how many it ran. */
function claimBlocks(control: Int32Array, p: ProductDescription, partition: Partition): number {
  let ran = 0;
  for (;;) {
    const value = Atomics.load(control, CLAIM);
    if (value < 0 || value >>> 16 !== p.generation) return ran;
    const next = value & 0xffff;
    if (next >= partition.blocks) return ran;
    if (Atomics.compareExchange(control, CLAIM, value, value + 1) !== value) continue;
    runBlock(p, partition, next);
    ran++;
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

const isShared = (a: Float64Array): boolean => a.buffer instanceof SharedArrayBuffer;

export interface BlockTeam extends BlockProducts {
  /** Lets the helpers go (their tasks end and their tokens go back). */
  close(): void;
}

/**
 * The team of a fit on this (job worker) thread: `threads − 1` helper tasks asked of the pool through `helpers`.
 * Products run on this thread alone until helpers join, and whenever an array is not in shared memory.
 */
export function createBlockTeam(helpers: HelperTasks, threads: number): BlockTeam {
  const controlBuffer = new SharedArrayBuffer(8);
  const control = new Int32Array(controlBuffer);
  const ports: MessagePort[] = [];
  const calls: Array<HelperCall<TaskOf<'team'>>> = [];
  for (let h = 1; h < threads; h++) {
    const channel = new MessageChannel();
    ports.push(channel.port1);
    const call = helpers.run({ kind: 'team', control: controlBuffer, port: channel.port2 }, undefined, [channel.port2]);
    call.done.catch(() => {}); // withdrawn at close
    calls.push(call);
  }
  const copies = new WeakMap<Float64Array, Float64Array>();
  let generation = 0;
  return {
    shared(array) {
      if (isShared(array)) return array;
      let copy = copies.get(array);
      if (!copy) {
        copy = new Float64Array(new SharedArrayBuffer(array.byteLength));
        copy.set(array);
        copies.set(array, copy);
      }
      return copy;
    },
    alloc(length) {
      return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
    },
    dotRows(A, ma, B, mb, len, out, outStride) {
      const partition = partitionOf(ma, mb);
      if (ports.length === 0 || partition.blocks < 2 || partition.blocks > MAX_BLOCKS || !isShared(A) || !isShared(B) || !isShared(out)) {
        dotRows(A, ma, B, mb, len, out, outStride);
        return;
      }
      generation = (generation + 1) & 0x7fff;
      const p: ProductDescription = { generation, A, ma, B, mb, len, out, outStride };
      for (const port of ports) port.postMessage(p);
      Atomics.store(control, DONE, 0);
      Atomics.store(control, CLAIM, generation << 16);
      Atomics.notify(control, CLAIM);
      claimBlocks(control, p, partition);
      for (let done = Atomics.load(control, DONE); done < partition.blocks; done = Atomics.load(control, DONE)) Atomics.wait(control, DONE, done);
    },
    close() {
      Atomics.store(control, CLAIM, CLOSED);
      Atomics.notify(control, CLAIM);
      for (const call of calls) call.cancel();
      for (const port of ports) port.close();
    },
  };
}

/**
 * Helper side: waits for products of the team and runs the blocks it can claim, until the team closes (or the task
 * is cancelled); returns how many blocks it ran.
 */
export function serveTeam(task: TaskOf<'team'>, shouldStop: () => boolean): number {
  const control = new Int32Array(task.control);
  let latest: ProductDescription | null = null;
  let seen = 0;
  let ran = 0;
  for (;;) {
    const value = Atomics.load(control, CLAIM);
    if (value < 0 || shouldStop()) break;
    if (value === seen) {
      // Wake at least every 100 ms to see a cancel.
      Atomics.wait(control, CLAIM, value, 100);
      continue;
    }
    seen = value;
    for (let m = receiveMessageOnPort(task.port); m; m = receiveMessageOnPort(task.port)) latest = m.message as ProductDescription;
    if (!latest || latest.generation !== value >>> 16) continue;
    ran += claimBlocks(control, latest, partitionOf(latest.ma, latest.mb));
  }
  task.port.close();
  return ran;
}
