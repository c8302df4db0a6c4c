/**
 * The job worker's host side: runs the jobs the runner posts, one at a time, and reports through `parentPort`.
 * A crash or a `terminate()` only ever affects the job the worker is running; the runner replaces the worker.
 *
 * The product worker (worker.ts) calls {@link runWorker} with the engine's executor and the dataset importer; a
 * test fixture worker calls it with its own executor, so the same messaging, throttling and cancel flag are
 * exercised. The same worker script also serves the calls of worker-calls.ts (an import: it parses a file and
 * transfers the parsed arrays back; a test-set score, score-execute.ts) and the fold pool's helper tasks, so the
 * Electron build needs no second worker bundle.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorPayload, WorkbenchError } from '../../shared/errors.ts';
import type { ParsedDataset } from '../import/types.ts';
import type { FoldReply, FoldRequest } from './fold-pool.ts';
import { createReporter, PROGRESS_PER_SECOND, type JobReporter } from './reporter.ts';
import type {
  ImportSource,
  JobResult,
  ScoreTask,
  WorkerCallKind,
  WorkerCallKinds,
  WorkerCallMessage,
  WorkerCallRequest,
  WorkerJobPayload,
  WorkerMessage,
  WorkerProgress,
  WorkerRequest,
} from './types.ts';

export type JobExecutor = (payload: WorkerJobPayload, reporter: JobReporter) => JobResult | Promise<JobResult>;

/** Parses an import source (see import-execute.ts); `shouldStop` reads the cancel flag. */
export type ImportExecutor = (
  source: ImportSource,
  shouldStop: () => boolean,
  onProgress: (fraction: number) => void,
) => Promise<ParsedDataset>;

/** Scores a metric on a test set (see score-execute.ts); the cancel flag is read here and by the kNN helpers (fold-pool.ts). */
export type ScoreExecutor = (
  task: ScoreTask,
  onProgress: (progress: WorkerProgress) => void,
  cancelFlag: SharedArrayBuffer,
) => Promise<WorkerCallKinds['score']['result']>;

export interface WorkerHandlers {
  /** Serves import calls; without it they are answered with an error. */
  importer?: ImportExecutor;
  /** The buffers of a parsed dataset to transfer rather than copy. */
  transferList?: (parsed: ParsedDataset) => ArrayBuffer[];
  /** Serves score calls; without it they are answered with an error. */
  scorer?: ScoreExecutor;
  /**
   * Serves `{type: 'fold'}` requests from a job worker's fold pool (fold-pool.ts): this worker is then a helper
   * that evaluates single folds. Without it they are ignored.
   */
  fold?: (request: FoldRequest, post: (reply: FoldReply) => void) => void;
}

type Post = (message: WorkerMessage | WorkerCallMessage, transfer?: ArrayBuffer[]) => void;

/** Transferable buffers of a result (the learned L), so it is moved to main rather than copied. */
function transferList(result: JobResult): ArrayBuffer[] {
  if (result.kind === 'learn' && result.metric.L.buffer instanceof ArrayBuffer) return [result.metric.L.buffer];
  return [];
}

/** Runs one job with `executor` and posts progress, then exactly one result or error message. */
async function runJob(executor: JobExecutor, payload: WorkerJobPayload, post: Post): Promise<void> {
  const reporter = createReporter({
    post: (progress) => post({ type: 'progress', progress }),
    cancelFlag: new Int32Array(payload.cancelFlag),
  });
  try {
    reporter.phase('started', { runId: payload.runIds[0] ?? null });
    reporter.throwIfStopped();
    const result = await executor(payload, reporter);
    reporter.throwIfStopped();
    reporter.units(1, 1);
    reporter.phase('done');
    post({ type: 'result', result }, transferList(result));
  } catch (error) {
    post({ type: 'error', error: toErrorPayload(error) });
  }
}

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

/** Runs one call with the handler for its kind: the result, and the buffers to transfer with it. */
async function serveCall(
  handlers: WorkerHandlers,
  request: WorkerCallRequest,
  shouldStop: () => boolean,
  onProgress: (progress: WorkerCallKinds[WorkerCallKind]['progress']) => void,
): Promise<{ result: WorkerCallKinds[WorkerCallKind]['result']; transfer: ArrayBuffer[] }> {
  switch (request.kind) {
    case 'import': {
      if (!handlers.importer) throw new WorkbenchError('INTERNAL', 'This worker cannot import datasets.');
      const parsed = await handlers.importer(request.input, shouldStop, throttledFractions(onProgress));
      return { result: parsed, transfer: handlers.transferList?.(parsed) ?? [] };
    }
    case 'score':
      if (!handlers.scorer) throw new WorkbenchError('INTERNAL', 'This worker cannot score metrics.');
      return { result: await handlers.scorer(request.input, onProgress, request.cancelFlag), transfer: [] };
  }
}

/** Runs one call (an import or a score) and posts its progress, then exactly one result or error message. */
async function runCall(handlers: WorkerHandlers, request: WorkerCallRequest, post: Post): Promise<void> {
  const { callId } = request;
  const flag = new Int32Array(request.cancelFlag);
  try {
    const { result, transfer } = await serveCall(
      handlers,
      request,
      () => Atomics.load(flag, 0) !== 0,
      (progress) => post({ type: 'call-progress', callId, progress }),
    );
    post({ type: 'call-result', callId, result }, transfer);
  } catch (error) {
    post({ type: 'call-error', callId, error: toErrorPayload(error) });
  }
}

/**
 * Serves jobs sent by the runner (`{type: 'job', payload}`), the calls of worker-calls.ts (`{type: 'call', kind}`:
 * imports with `handlers.importer`, scores with `handlers.scorer`) and fold-pool tasks with `handlers.fold`, one at a
 * time, for the life of this worker.
 * @throws Error when not called inside a worker thread.
 */
export function runWorker(executor: JobExecutor, handlers: WorkerHandlers = {}): void {
  const port = parentPort;
  if (!port) throw new Error('runWorker must run inside a worker thread.');
  const post: Post = (message, transfer = []) => port.postMessage(message, transfer);
  let chain = Promise.resolve();
  port.on('message', (request: WorkerRequest | WorkerCallRequest | FoldRequest) => {
    if (request?.type === 'job') chain = chain.then(() => runJob(executor, request.payload, post));
    else if (request?.type === 'fold' && handlers.fold) {
      const serve = handlers.fold;
      chain = chain.then(() => serve(request, (reply) => port.postMessage(reply)));
    }
    else if (request?.type === 'call') chain = chain.then(() => runCall(handlers, request, post));
  });
  post({ type: 'ready' });
}
