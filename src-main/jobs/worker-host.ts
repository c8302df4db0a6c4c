/**
 * The job worker's host side: runs one job (from `workerData`) and reports through `parentPort`. The main thread starts
 * one worker per job, so a crash or a `terminate()` never affects another job.
 *
 * The product worker (worker.ts) calls {@link runWorker} with the engine's executor; a test fixture worker
 * calls it with its own executor, so the same messaging, throttling and cancel flag are exercised.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toErrorPayload } from '../../shared/errors.ts';
import { createReporter, type JobReporter } from './reporter.ts';
import type { JobResult, WorkerJobPayload, WorkerMessage } from './types.ts';

export type JobExecutor = (payload: WorkerJobPayload, reporter: JobReporter) => JobResult | Promise<JobResult>;

/** Transferable buffers of a result (the learned L), so it is moved to main rather than copied. */
function transferList(result: JobResult): ArrayBuffer[] {
  if (result.kind === 'learn' && result.metric.L.buffer instanceof ArrayBuffer) return [result.metric.L.buffer];
  return [];
}

/** Runs `executor` on this worker's job and posts progress, then exactly one result or error message. */
export async function runWorker(executor: JobExecutor): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('runWorker must run inside a worker thread.');
  const payload = workerData as WorkerJobPayload;
  const post = (message: WorkerMessage, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);
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
