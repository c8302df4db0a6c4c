/**
 * Both cores inside one fit: the host side of {@link BlockProducts} (shared/engine/learner.ts). A learner's fit is
 * synchronous, so its kernels cannot await helper tasks; instead the fitting thread (a job worker) asks the pool for
 * up to `threads − 1` "team" helper tasks, which join whenever the thread budget gives them a token, and every
 * kernel run (a `dotRows` or `timesRows` product, an NCA candidate refresh: shared/engine/block-kernels.ts) is shared out in blocks
 * over shared memory:
 *
 * - Control (Int32Array over a SharedArrayBuffer): CLAIM = generation << 16 | next block, DONE = finished blocks.
 *   The caller posts the run's description (kernel name and arguments, every typed array over a SharedArrayBuffer)
 *   to every helper's port, then opens the generation; the caller and every helper that is there claim blocks by
 *   compare-and-exchange on CLAIM (a stale helper cannot claim: the generation bits differ), and the caller waits
 *   until DONE counts every block.
 * - Blocks: the kernel's fixed partition by the shapes alone, each output entry written by exactly one block with the
 *   kernel's own code: no reduction across blocks, so the same bits for any number of threads, and with a helper that
 *   never came, the caller does every block itself.
 * - End: `close()` sets CLAIM to −1 and withdraws the helper tasks, so each helper returns and its token goes back.
 */
import { MessageChannel, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { BLOCK_KERNELS, dotRowsBlocks, dotRowsUpperBlocks, type BlockKernelArgs, type BlockKernelName, type BlockKernelPart } from '../../shared/engine/block-kernels.ts';
import { runBlocksHere, type BlockKernel } from '../../shared/engine/block-kernel.ts';
import { timesRowsBlocks } from '../../shared/math/dense/index.ts';
import type { BlockProducts, SharedTypedArray } from '../../shared/engine/learner.ts';
import type { TaskOf } from './protocol.ts';
import type { HelperCall, HelperTasks } from './worker-host.ts';

const CLAIM = 0;
const DONE = 1;
const CLOSED = -1;
/** Blocks per run at most (the low 16 bits of CLAIM). */
const MAX_BLOCKS = 0xffff;

/** One kernel run as the caller posts it to the helpers. */
interface RunDescription {
  generation: number;
  kernel: BlockKernelName;
  args: unknown;
  blocks: number;
}

/** A part a helper's block handed back, posted to the caller. */
interface PartMessage {
  generation: number;
  block: number;
  part: Int32Array;
}

/**
 * Claims and runs blocks of `run` until none is left (its state prepared before the first); each part a block hands
 * back goes to `deliver`. Returns how many blocks it ran.
 */
function claimBlocks(control: Int32Array, run: RunDescription, deliver: (block: number, part: Int32Array) => void): number {
  const kernel = BLOCK_KERNELS[run.kernel] as BlockKernel<unknown, unknown, Int32Array | void>;
  let state: unknown;
  let ran = 0;
  for (;;) {
    const value = Atomics.load(control, CLAIM);
    if (value < 0 || value >>> 16 !== run.generation) return ran;
    const next = value & 0xffff;
    if (next >= run.blocks) return ran;
    if (Atomics.compareExchange(control, CLAIM, value, value + 1) !== value) continue;
    if (ran === 0) state = kernel.prepare(run.args);
    const part = kernel.run(state, next);
    if (part) deliver(next, part);
    ran++;
    // After the part is posted: once DONE counts every block, every part is in the caller's port.
    Atomics.add(control, DONE, 1);
    Atomics.notify(control, DONE);
  }
}

const isTypedArray = (v: unknown): v is ArrayBufferView => ArrayBuffer.isView(v);

/** Whether every typed array in `args` (and in the plain objects it holds) lives in shared memory. */
function allShared(args: unknown): boolean {
  if (isTypedArray(args)) return args.buffer instanceof SharedArrayBuffer;
  if (typeof args !== 'object' || args === null) return true;
  return Object.values(args).every(allShared);
}

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
  const copies = new WeakMap<SharedTypedArray, SharedTypedArray>();
  let generation = 0;
  const team: BlockTeam = {
    shared<T extends SharedTypedArray>(array: T): T {
      if (array.buffer instanceof SharedArrayBuffer) return array;
      let copy = copies.get(array) as T | undefined;
      if (!copy) {
        const Kind = array.constructor as new (buffer: SharedArrayBuffer) => T;
        copy = new Kind(new SharedArrayBuffer(array.byteLength));
        copy.set(array as never);
        copies.set(array, copy);
      }
      return copy;
    },
    alloc(length) {
      return new Float64Array(new SharedArrayBuffer(length * Float64Array.BYTES_PER_ELEMENT));
    },
    allocInt32(length) {
      return new Int32Array(new SharedArrayBuffer(length * Int32Array.BYTES_PER_ELEMENT));
    },
    dotRows(A, ma, B, mb, len, out, outStride, upper) {
      if (upper) team.runBlocks('dotRowsUpper', { A, ma, B, mb, len, out, outStride }, dotRowsUpperBlocks(ma));
      else team.runBlocks('dotRows', { A, ma, B, mb, len, out, outStride }, dotRowsBlocks(ma, mb));
    },
    timesRows(A, ma, X, n, d, out) {
      team.runBlocks('timesRows', { A, ma, X, n, d, out }, timesRowsBlocks(d));
    },
    runBlocks<K extends BlockKernelName>(kernel: K, args: BlockKernelArgs<K>, blocks: number): Array<BlockKernelPart<K>> {
      if (ports.length === 0 || blocks < 2 || blocks > MAX_BLOCKS || !allShared(args)) {
        return runBlocksHere(BLOCK_KERNELS[kernel] as BlockKernel<BlockKernelArgs<K>, unknown, BlockKernelPart<K>>, args, blocks);
      }
      generation = (generation + 1) & 0x7fff;
      const run: RunDescription = { generation, kernel, args, blocks };
      const parts: Array<BlockKernelPart<K>> = new Array<BlockKernelPart<K>>(blocks);
      for (const port of ports) port.postMessage(run);
      Atomics.store(control, DONE, 0);
      Atomics.store(control, CLAIM, generation << 16);
      Atomics.notify(control, CLAIM);
      claimBlocks(control, run, (block, part) => {
        parts[block] = part as BlockKernelPart<K>;
      });
      for (let done = Atomics.load(control, DONE); done < blocks; done = Atomics.load(control, DONE)) Atomics.wait(control, DONE, done);
      for (const port of ports) {
        for (let m = receiveMessageOnPort(port); m; m = receiveMessageOnPort(port)) {
          const message = m.message as PartMessage;
          if (message.generation === generation) parts[message.block] = message.part as BlockKernelPart<K>;
        }
      }
      return parts;
    },
    close() {
      Atomics.store(control, CLAIM, CLOSED);
      Atomics.notify(control, CLAIM);
      for (const call of calls) call.cancel();
      for (const port of ports) port.close();
    },
  };
  return team;
}

/**
 * Helper side: waits for kernel runs of the team and runs the blocks it can claim, until the team closes (or the task
 * is cancelled); returns how many blocks it ran.
 */
export function serveTeam(task: TaskOf<'team'>, shouldStop: () => boolean): number {
  const control = new Int32Array(task.control);
  let latest: RunDescription | null = null;
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
    for (let m = receiveMessageOnPort(task.port); m; m = receiveMessageOnPort(task.port)) latest = m.message as RunDescription;
    if (!latest || latest.generation !== value >>> 16) continue;
    const generation = latest.generation;
    ran += claimBlocks(control, latest, (block, part) => {
      const message: PartMessage = { generation, block, part };
      task.port.postMessage(message, [part.buffer as ArrayBuffer]); // a block's own fresh array
    });
  }
  task.port.close();
  return ran;
}
