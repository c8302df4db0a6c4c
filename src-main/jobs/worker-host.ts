/**
 * The job worker's host side: runs the jobs the runner posts, one at a time, and reports through `parentPort`.
 * A crash or a `terminate()` only ever affects the job the worker is running; the runner replaces the worker.
 *
 * The product worker (worker.ts) calls {@link runWorker} with the engine's executor; a test fixture worker
 * calls it with its own executor, so the same messaging, throttling and cancel flag are exercised.
 */
import { parentPort } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors.ts';
import { createReporter, type JobReporter } from './reporter.ts';
import type { JobResult, WorkerJobPayload, WorkerMessage, WorkerRequest } from './types.ts';

export type JobExecutor = (payload: WorkerJobPayload, reporter: JobReporter) => JobResult | Promise<JobResult>;

/** Transferable buffers of a result (the learned L), so it is moved to main rather than copied. */
function transferList(result: JobResult): ArrayBuffer[] {
  if (result.kind === 'learn' && result.metric.L.buffer instanceof ArrayBuffer) return [result.metric.L.buffer];
  return [];
}

/** Runs one job with `executor` and posts progress, then exactly one result or error message. */
async function runJob(executor: JobExecutor, payload: WorkerJobPayload, post: (message: WorkerMessage, transfer?: ArrayBuffer[]) => void): Promise<void> {
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
 * Serves jobs sent by the runner (`{type: 'job', payload}`), one at a time, for the life of this worker.
 * @throws Error when not called inside a worker thread.
 */
export function runWorker(executor: JobExecutor): void {
  const port = parentPort;
  if (!port) throw new Error('runWorker must run inside a worker thread.');
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
  let chain = Promise.resolve();
  port.on('message', (request: WorkerRequest) => {
    if (request?.type !== 'job') return;
    chain = chain.then(() => runJob(executor, request.payload, post));
  });
  post({ type: 'ready' });
}
