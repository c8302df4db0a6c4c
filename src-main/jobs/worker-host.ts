/**
 * The worker side of the pool (pool.ts): runs the tasks the main thread posts (protocol.ts), one at a time, and
 * answers each with progress messages, then exactly one result or error. A crash or a `terminate()` only ever
 * affects the task the worker is running; the pool replaces the worker.
 *
 * The product worker (worker.ts) calls {@link runWorker} with the engine's executors; a test fixture worker calls it
 * with its own, so the same messaging, throttling and cancel flag are exercised. One script serves every kind of
 * task (jobs, imports, scores and the helper tasks of folds, kNN blocks and sweep steps), so the Electron build needs
 * no second worker bundle.
 *
 * A task that wants helpers asks the main thread's pool for them through {@link helperTasks} (they run on other
 * threads of the same budget), never by starting threads of its own.
 */
import { parentPort, type Transferable } from 'node:worker_threads';
import { fromErrorPayload, JobCancelledError, toErrorPayload, WorkbenchError } from '../../shared/errors.ts';
import type { ParsedDataset } from '../import/types.ts';
import type { FromWorker, PoolTask, ResultOf, TaskOf, ToWorker } from './protocol.ts';
import { createReporter, PROGRESS_PER_SECOND, type JobReporter } from './reporter.ts';
import type { ImportSource, JobResult, ScoreTask, WorkerJobPayload, WorkerProgress } from './types.ts';

export type JobExecutor = (payload: WorkerJobPayload & { cancelFlag: SharedArrayBuffer }, reporter: JobReporter) => JobResult | Promise<JobResult>;

/** Parses an import source (see import-execute.ts); `shouldStop` reads the cancel flag. */
export type ImportExecutor = (source: ImportSource, shouldStop: () => boolean, onProgress: (fraction: number) => void) => Promise<ParsedDataset>;

/** Scores a metric on a test set (see score-execute.ts); the cancel flag is read here and by the kNN helpers. */
export type ScoreExecutor = (task: ScoreTask, onProgress: (progress: WorkerProgress) => void, cancelFlag: SharedArrayBuffer) => Promise<ResultOf<TaskOf<'score'>>>;

/** Runs one helper task (a fold, a kNN block, a sweep step, a fit's team: fold-pool.ts `serveHelperTask`). */
export type HelperExecutor = (
  task: TaskOf<'fold' | 'knn' | 'sweep-step' | 'team'>,
  shouldStop: () => boolean,
  onProgress: (progress: unknown) => void,
) => ResultOf<TaskOf<'fold' | 'knn' | 'sweep-step' | 'team'>>;

export interface WorkerHandlers {
  /** Serves import tasks; without it they are answered with an error. */
  importer?: ImportExecutor;
  /** The buffers of a parsed dataset to transfer rather than copy. */
  transferList?: (parsed: ParsedDataset) => ArrayBuffer[];
  /** Serves score tasks; without it they are answered with an error. */
  scorer?: ScoreExecutor;
  /** Serves the helper tasks of folds, kNN blocks and sweep steps; without it they are answered with an error. */
  helper?: HelperExecutor;
}

/** A helper task asked of the main thread's pool: its result, and how to withdraw it. */
export interface HelperCall<T extends PoolTask> {
  done: Promise<ResultOf<T>>;
  cancel(): void;
}

export interface HelperTasks {
  /** Asks for `task`; `transfer` moves what it carries (a team's MessagePort). */
  run<T extends PoolTask>(task: T, onProgress?: (progress: unknown) => void, transfer?: Transferable[]): HelperCall<T>;
}

let relay: HelperTasks | null = null;

/** Inside a pool worker: the main thread's pool, which runs helper tasks for the task this worker runs; else null. */
export function helperTasks(): HelperTasks | null {
  return relay;
}

type Post = (message: FromWorker, transfer?: Transferable[]) => void;

/** Import progress as the worker posts it: about 10 fractions a second, the last one (1) always. */
function throttledFractions(post: (fraction: number) => void): (fraction: number) => void {
  const interval = 1000 / PROGRESS_PER_SECOND;
  let lastSent = Number.NEGATIVE_INFINITY;
  return (fraction) => {
    const now = performance.now();
    if (fraction < 1 && now - lastSent < interval) return;
    lastSent = now;
    post(fraction);
  };
}

/** Runs one job with `executor`, progress through a throttled reporter; returns the result and the learned L's buffer to move. */
async function runJob(executor: JobExecutor, payload: WorkerJobPayload, cancelFlag: SharedArrayBuffer, onProgress: (progress: WorkerProgress) => void): Promise<{ result: JobResult; transfer: ArrayBuffer[] }> {
  const reporter = createReporter({ post: onProgress, cancelFlag: new Int32Array(cancelFlag) });
  reporter.phase('started', { runId: payload.runIds[0] ?? null });
  reporter.throwIfStopped();
  const result = await executor({ ...payload, cancelFlag }, reporter);
  reporter.throwIfStopped();
  reporter.units(1, 1);
  reporter.phase('done');
  const metric = result.kind === 'learn' || result.kind === 'evaluate' ? result.metric : undefined;
  const transfer = metric && metric.L.buffer instanceof ArrayBuffer ? [metric.L.buffer] : [];
  return { result, transfer };
}

/** Runs one task with the handler for its kind: the result, and the buffers to transfer with it. */
async function serveTask(
  executor: JobExecutor,
  handlers: WorkerHandlers,
  task: PoolTask,
  cancelFlag: SharedArrayBuffer,
  onProgress: (progress: unknown) => void,
): Promise<{ result: unknown; transfer: ArrayBuffer[] }> {
  const flag = new Int32Array(cancelFlag);
  const shouldStop = (): boolean => Atomics.load(flag, 0) !== 0;
  switch (task.kind) {
    case 'job':
      return runJob(executor, task.payload, cancelFlag, onProgress);
    case 'import': {
      if (!handlers.importer) throw new WorkbenchError('INTERNAL', 'This worker cannot import datasets.');
      const parsed = await handlers.importer(task.input, shouldStop, throttledFractions(onProgress));
      return { result: parsed, transfer: handlers.transferList?.(parsed) ?? [] };
    }
    case 'score':
      if (!handlers.scorer) throw new WorkbenchError('INTERNAL', 'This worker cannot score metrics.');
      return { result: await handlers.scorer(task.input, onProgress, cancelFlag), transfer: [] };
    default:
      if (!handlers.helper) throw new WorkbenchError('INTERNAL', `This worker cannot run ${task.kind} tasks.`);
      if (shouldStop()) throw new JobCancelledError();
      return { result: handlers.helper(task, shouldStop, onProgress), transfer: [] };
  }
}

/** The worker's end of helper tasks: each is posted to main as `sub-run` and answered by `sub-*` messages. */
function createRelay(post: Post): { tasks: HelperTasks; receive(message: ToWorker): void } {
  const pending = new Map<number, { resolve(result: unknown): void; reject(error: Error): void; onProgress?: (progress: unknown) => void }>();
  let nextId = 1;
  return {
    tasks: {
      run<T extends PoolTask>(task: T, onProgress?: (progress: unknown) => void, transfer: Transferable[] = []): HelperCall<T> {
        const id = nextId++;
        const done = new Promise<ResultOf<T>>((resolve, reject) => {
          pending.set(id, { resolve: resolve as (result: unknown) => void, reject, ...(onProgress ? { onProgress } : {}) });
        });
        post({ type: 'sub-run', id, task }, transfer);
        return {
          done,
          cancel() {
            const call = pending.get(id);
            if (!call) return;
            pending.delete(id);
            post({ type: 'sub-cancel', id });
            call.reject(new JobCancelledError());
          },
        };
      },
    },
    receive(message) {
      const call = pending.get(message.id);
      if (!call || message.type === 'run') return;
      if (message.type === 'sub-progress') return call.onProgress?.(message.progress);
      pending.delete(message.id);
      if (message.type === 'sub-result') call.resolve(message.result);
      else call.reject(fromErrorPayload(message.error));
    },
  };
}

/**
 * Serves the tasks the pool posts (`run`: jobs with `executor`, the other kinds with `handlers`), one at a time, for
 * the life of this worker.
 * @throws Error when not called inside a worker thread.
 */
export function runWorker(executor: JobExecutor, handlers: WorkerHandlers = {}): void {
  const port = parentPort;
  if (!port) throw new Error('runWorker must run inside a worker thread.');
  const post: Post = (message, transfer = []) => port.postMessage(message, transfer);
  const helpers = createRelay(post);
  relay = helpers.tasks;
  let chain = Promise.resolve();
  port.on('message', (message: ToWorker) => {
    if (message?.type !== 'run') return helpers.receive(message);
    const { id, task, cancelFlag } = message;
    chain = chain.then(async () => {
      try {
        const { result, transfer } = await serveTask(executor, handlers, task, cancelFlag, (progress) => post({ type: 'progress', id, progress }));
        post({ type: 'result', id, result }, transfer);
      } catch (error) {
        post({ type: 'error', id, error: toErrorPayload(error) });
      }
    });
  });
  post({ type: 'ready' });
}
