/**
 * The job worker's host side: runs the jobs the runner posts, one at a time, and reports through `parentPort`.
 * A crash or a `terminate()` only ever affects the job the worker is running; the runner replaces the worker.
 *
 * The product worker (worker.ts) calls {@link runWorker} with the engine's executor and the dataset importer; a
 * test fixture worker calls it with its own executor, so the same messaging, throttling and cancel flag are
 * exercised. The same worker script also serves import requests (import-worker.ts): it parses a file and
 * transfers the parsed arrays back, so the Electron build needs no second worker bundle.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors.ts';
import type { ParsedDataset } from '../import/types.ts';
import type { FoldReply, FoldRequest } from './fold-pool.ts';
import { createReporter, PROGRESS_PER_SECOND, type JobReporter } from './reporter.ts';
import type {
  ImportSource,
  ImportWorkerMessage,
  JobResult,
  WorkerImportRequest,
  WorkerJobPayload,
  WorkerMessage,
  WorkerRequest,
} from './types.ts';

export type JobExecutor = (payload: WorkerJobPayload, reporter: JobReporter) => JobResult | Promise<JobResult>;

/** Parses an import source (see import-execute.ts); `shouldStop` reads the cancel flag. */
export type ImportExecutor = (
  source: ImportSource,
  shouldStop: () => boolean,
  onProgress: (fraction: number) => void,
) => Promise<ParsedDataset>;

export interface WorkerHandlers {
  /** Serves `{type: 'import'}` requests; without it they are answered with an error. */
  importer?: ImportExecutor;
  /** The buffers of a parsed dataset to transfer rather than copy. */
  transferList?: (parsed: ParsedDataset) => ArrayBuffer[];
  /**
   * Serves `{type: 'fold'}` requests from a job worker's fold pool (fold-pool.ts): this worker is then a helper
   * that evaluates single folds. Without it they are ignored.
   */
  fold?: (request: FoldRequest, post: (reply: FoldReply) => void) => void;
}

type Post = (message: WorkerMessage | ImportWorkerMessage, transfer?: ArrayBuffer[]) => void;

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

/**
 * Parses one import source and posts throttled progress (~10/s, the first and the last always), then exactly one
 * result (its buffers transferred) or error message.
 */
async function runImport(handlers: WorkerHandlers, request: WorkerImportRequest, post: Post): Promise<void> {
  const { importId } = request;
  const importer = handlers.importer;
  if (!importer) {
    post({ type: 'import-error', importId, error: { code: 'INTERNAL', message: 'This worker cannot import datasets.' } });
    return;
  }
  const flag = new Int32Array(request.cancelFlag);
  const interval = 1000 / PROGRESS_PER_SECOND;
  let lastSent = Number.NEGATIVE_INFINITY;
  try {
    const parsed = await importer(
      request.source,
      () => Atomics.load(flag, 0) !== 0,
      (fraction) => {
        const now = performance.now();
        if (fraction < 1 && now - lastSent < interval) return;
        lastSent = now;
        post({ type: 'import-progress', importId, fraction });
      },
    );
    post({ type: 'import-result', importId, parsed }, handlers.transferList?.(parsed) ?? []);
  } catch (error) {
    post({ type: 'import-error', importId, error: toErrorPayload(error) });
  }
}

/**
 * Serves jobs sent by the runner (`{type: 'job', payload}`) and, with `handlers.importer`, imports sent by
 * import-worker.ts (`{type: 'import', …}`), one at a time, for the life of this worker.
 * @throws Error when not called inside a worker thread.
 */
export function runWorker(executor: JobExecutor, handlers: WorkerHandlers = {}): void {
  const port = parentPort;
  if (!port) throw new Error('runWorker must run inside a worker thread.');
  const post: Post = (message, transfer = []) => port.postMessage(message, transfer);
  let chain = Promise.resolve();
  port.on('message', (request: WorkerRequest | WorkerImportRequest | FoldRequest) => {
    if (request?.type === 'job') chain = chain.then(() => runJob(executor, request.payload, post));
    else if (request?.type === 'fold' && handlers.fold) {
      const serve = handlers.fold;
      chain = chain.then(() => serve(request, (reply) => port.postMessage(reply)));
    }
    else if (request?.type === 'import') chain = chain.then(() => runImport(handlers, request, post));
  });
  post({ type: 'ready' });
}
