/**
 * The job runner: a queue of learn / evaluate / compare / sweep jobs, each run in its own worker thread.
 *
 * - Concurrency: max(1, cores − 1) workers at once by default; the rest wait in FIFO order.
 * - Progress: workers report (throttled to ~10/s per job, see reporter.ts); the runner adds the job id and
 *   forwards it to every subscriber.
 * - Cancel: a queued job is dropped; a running job gets its shared flag set (the learner's `shouldStop()` reads
 *   it each iteration) and, if its worker has not exited after `cancelGraceMs`, the worker is terminated. In both
 *   cases `done` rejects with JobCancelledError at once, before the worker has stopped, and the runs are
 *   recorded `cancelled` (piscina's order: callers never see a termination error).
 * - Failure: a worker that throws, or exits without a result, marks its runs `failed` with the error text;
 *   the next queued job starts as usual.
 * - Workers are kept after a job (unref'd, up to `concurrency`, for `idleWorkerMs`) and reused for the next job
 *   on the same script, so only the first jobs pay the worker start; a worker that was terminated, crashed or
 *   exited is replaced.
 * - Only this (main) thread writes SQLite, through {@link JobPersistence}, one transaction per change.
 * - The dataset's features go to workers in a SharedArrayBuffer (read from storage straight into it by the runs
 *   service, else copied once per dataset content), shared by every job on it.
 *
 * No Electron import: the CLI, the desktop app and the browser-mode server all use this module.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker, type WorkerOptions } from 'node:worker_threads';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { JobEvent, JobInfo, JobOutcome, JobProgress, JobSpec, JobStatus } from '../../shared/domain/job.ts';
import { JobCancelledError, WorkbenchError, fromErrorPayload, toErrorPayload, type ErrorPayload } from '../../shared/errors.ts';
import type { JobPersistence, JobResult, JobTimings, PreparedJob, SubmitOptions, WorkerJobPayload, WorkerMessage, WorkerRequest } from './types.ts';

/** The worker the runner starts under plain Node: registers tsx, then runs worker.ts. */
export const DEFAULT_WORKER_URL = new URL('./worker-entry.mjs', import.meta.url);

/**
 * Options of every worker thread the jobs layer starts (job workers, import/score workers, fold helpers): output not
 * piped, and for {@link DEFAULT_WORKER_URL}, which registers tsx itself, the parent's `execArgv` without its
 * `--import tsx`: a thread inherits it by default, and a parent started as `node --import tsx` (the benchmarks,
 * scripts) would have every worker load tsx twice (about 0.1 s of start-up each).
 */
export function workerOptions(url: URL | string, inherited: readonly string[] = process.execArgv): WorkerOptions {
  const options: WorkerOptions = { stdout: false, stderr: false };
  if (String(url) !== String(DEFAULT_WORKER_URL)) return options;
  const execArgv: string[] = [];
  for (let a = 0; a < inherited.length; a++) {
    const arg = inherited[a]!;
    if (arg === '--import' && inherited[a + 1] === 'tsx') a++;
    else if (arg !== '--import=tsx') execArgv.push(arg);
  }
  return { ...options, execArgv };
}

export interface JobRunnerOptions {
  /**
   * Where runs are recorded: the port the runner declares (./types.ts); the application implements it
   * (src-main/services/runs.ts `createRunsService(store)`), tests may pass their own.
   */
  persistence: JobPersistence;
  /** Jobs running at once; default max(1, cores − 1). */
  concurrency?: number;
  /**
   * The worker script: a file URL or path, or a function of the spec (called at submit time). Default
   * {@link DEFAULT_WORKER_URL}; the Electron build passes its bundled worker, tests pass fixture workers.
   */
  workerUrl?: URL | string | ((spec: JobSpec) => URL | string);
  /** How long a cancelled worker may take to stop on its own before it is terminated; default 2000 ms. */
  cancelGraceMs?: number;
  /** Mark runs left `running`/`queued` by a crashed process as `interrupted` at creation; default true. */
  recover?: boolean;
  /** How long a finished worker waits for the next job before it exits; default 30 s. Idle workers never keep the process alive. */
  idleWorkerMs?: number;
  /** Finished jobs kept for `list()`; default 200. */
  keepFinished?: number;
  /**
   * Threads per evaluate / compare job for its folds (fold-pool.ts); a submit's `workers` overrides it. Default: on
   * datasets of at least {@link PARALLEL_MIN_CELLS} cells `os.availableParallelism()`, else 1 (starting helper
   * threads costs more than small folds). Results are bitwise the same for every value.
   */
  workers?: number;
}

/** Datasets with at least this many rows × features use every core for their folds unless told otherwise. */
export const PARALLEL_MIN_CELLS = 200_000;

/** The fold threads a job gets: the explicit choice, else every core for big datasets, else 1. */
export function foldWorkers(explicit: number | undefined, rows: number, features: number): number {
  if (explicit !== undefined) return Math.max(1, Math.floor(explicit));
  return rows * features >= PARALLEL_MIN_CELLS ? availableParallelism() : 1;
}

export interface SubmittedJob {
  jobId: string;
  runIds: number[];
  /**
   * Resolves with the outcome when the job succeeds. Rejects with JobCancelledError as soon as the job is
   * cancelled, or with a WorkbenchError carrying the worker's error code and text when it fails.
   */
  done: Promise<Extract<JobOutcome, { status: 'succeeded' }> & { result: JobResult }>;
}

export interface JobRunner {
  /**
   * Validates the spec, records its runs as `queued` and queues it.
   * @throws ValidationError / NotFoundError (from the persistence layer) with nothing recorded.
   */
  submit(spec: JobSpec, options?: SubmitOptions): SubmittedJob;
  /** Cancels a queued or running job; false when the job is unknown or already finished. */
  cancel(jobId: string): boolean;
  /** Jobs of this runner, oldest first: queued, running and the most recent finished ones. */
  list(): JobInfo[];
  get(jobId: string): JobInfo | undefined;
  /** Listens to progress, status and finished events of every job; returns the unsubscribe function. */
  subscribe(listener: (event: JobEvent) => void): () => void;
  /** Number of jobs running at once. */
  readonly concurrency: number;
  /**
   * Starts idle workers up to `concurrency` (for the default or given script) and resolves when they are ready, so
   * the first jobs do not pay the worker start. Optional: jobs start workers on demand anyway.
   */
  warmUp(workerUrl?: URL | string): Promise<void>;
  /** Counts for diagnostics: jobs waiting, jobs running, and started workers waiting for a job. */
  stats(): { queued: number; running: number; idleWorkers: number };
  /** Cancels every queued and running job and waits until every worker has exited. */
  close(): Promise<void>;
}

interface JobState {
  info: JobInfo;
  spec: JobSpec;
  prepared: PreparedJob;
  workerUrl: URL | string;
  /** Fold threads asked for (submit or runner option); undefined = decided by dataset size at start. */
  workers: number | undefined;
  cancelFlag: SharedArrayBuffer;
  queuedAt: string;
  startedAt: string | null;
  startMs: number;
  worker: Worker | null;
  /** Resolves once the job no longer holds a worker (finished, stopped after cancel, or its worker exited). */
  exited: Promise<void>;
  markExited: () => void;
  finalized: boolean;
  killTimer: ReturnType<typeof setTimeout> | null;
  resolve: (value: Awaited<SubmittedJob['done']>) => void;
  reject: (error: Error) => void;
}

interface PooledWorker {
  worker: Worker;
  /** Resolves when the worker has loaded its script and listens for jobs (or has exited). */
  ready: Promise<void>;
  /** The script URL as a string: a worker only runs jobs of the script it was started with. */
  key: string;
  job: JobState | null;
  dead: boolean;
  idleTimer: ReturnType<typeof setTimeout> | null;
}

interface SharedDataset {
  matrix: DatasetMatrix;
  users: number;
}

const MAX_IDLE_DATASETS = 4;

/**
 * Features and labels in SharedArrayBuffers, so workers read them without a copy: as given when the persistence
 * loaded them there already (the runs service does), else copied once.
 */
function shareDataset(data: DatasetMatrix): DatasetMatrix {
  const isShared = (array: Float64Array | Int32Array): boolean => array.buffer instanceof SharedArrayBuffer;
  if (isShared(data.features) && (!data.labels || isShared(data.labels))) return data;
  const features = new Float64Array(new SharedArrayBuffer(data.features.byteLength));
  features.set(data.features);
  let labels: Int32Array | null = null;
  if (data.labels) {
    labels = new Int32Array(new SharedArrayBuffer(data.labels.byteLength));
    labels.set(data.labels);
  }
  return { ...data, features, labels };
}

export function defaultConcurrency(): number {
  return Math.max(1, availableParallelism() - 1);
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  const persistence = options.persistence;
  if (!persistence) throw new TypeError('createJobRunner needs a persistence (e.g. createRunsService(store)).');
  const concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency()));
  const graceMs = options.cancelGraceMs ?? 2000;
  const keepFinished = options.keepFinished ?? 200;
  const jobs = new Map<string, JobState>();
  const queue: JobState[] = [];
  const running = new Set<JobState>();
  const listeners = new Set<(event: JobEvent) => void>();
  const datasets = new Map<string, SharedDataset>();
  const idle: PooledWorker[] = [];
  const idleMs = options.idleWorkerMs ?? 30_000;
  let closed = false;

  if (options.recover ?? true) persistence.recoverInterrupted();

  const emit = (event: JobEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the runner or the other listeners.
      }
    }
  };

  const setStatus = (job: JobState, status: JobStatus): void => {
    job.info.status = status;
    emit({ type: 'status', jobId: job.info.jobId, status });
  };

  const datasetKey = (p: PreparedJob): string => `${p.dataset.id}:${p.dataset.contentHash}`;

  const acquireDataset = (p: PreparedJob): DatasetMatrix => {
    const key = datasetKey(p);
    let entry = datasets.get(key);
    if (!entry) {
      entry = { matrix: shareDataset(p.loadDataset()), users: 0 };
      datasets.set(key, entry);
    }
    entry.users++;
    return entry.matrix;
  };

  const releaseDataset = (p: PreparedJob): void => {
    const entry = datasets.get(datasetKey(p));
    if (entry) entry.users--;
    const idle = [...datasets.entries()].filter(([, e]) => e.users <= 0);
    for (const [key] of idle.slice(0, Math.max(0, idle.length - MAX_IDLE_DATASETS))) datasets.delete(key);
  };

  const timings = (job: JobState): JobTimings => ({
    queuedAt: job.queuedAt,
    startedAt: job.startedAt,
    finishedAt: new Date().toISOString(),
    runMs: job.startedAt ? performance.now() - job.startMs : 0,
  });

  const pruneFinished = (): void => {
    const finished = [...jobs.values()].filter((j) => j.finalized && !running.has(j));
    for (const j of finished.slice(0, Math.max(0, finished.length - keepFinished))) jobs.delete(j.info.jobId);
  };

  /** Records the end of a job once; later messages of its worker are ignored. */
  const finalize = (job: JobState, end: { status: 'succeeded'; result: JobResult } | { status: 'failed' | 'cancelled'; error: ErrorPayload }): void => {
    if (job.finalized) return;
    job.finalized = true;
    const { jobId, runIds } = job.info;
    if (end.status === 'succeeded') {
      try {
        persistence.complete(runIds, end.result, timings(job));
      } catch (error) {
        finalizeFailure(job, { code: 'INTERNAL', message: `Saving the result failed: ${toErrorPayload(error).message}` });
        return;
      }
      job.info.progress = job.info.progress ? { ...job.info.progress, phase: 'done', fraction: 1, etaMs: 0 } : null;
      setStatus(job, 'succeeded');
      const outcome = { jobId, status: 'succeeded' as const, runIds, result: end.result };
      emit({ type: 'finished', outcome });
      job.resolve(outcome);
    } else {
      finalizeFailure(job, end.error, end.status);
    }
    pruneFinished();
  };

  const finalizeFailure = (job: JobState, error: ErrorPayload, status: 'failed' | 'cancelled' = 'failed'): void => {
    job.finalized = true;
    const { jobId, runIds } = job.info;
    try {
      persistence.finishUnsuccessfully(runIds, status, error.message, timings(job));
    } catch {
      // The database is gone (closing); the runs stay `running` and become `interrupted` at the next start.
    }
    job.info.error = error.message;
    setStatus(job, status);
    emit({ type: 'finished', outcome: { jobId, status, runIds, error } });
    job.reject(status === 'cancelled' ? new JobCancelledError(error.message) : fromErrorPayload(error));
  };

  const onWorkerMessage = (pooled: PooledWorker, message: WorkerMessage): void => {
    const job = pooled.job;
    if (!job) return;
    switch (message.type) {
      case 'progress': {
        if (job.finalized) return;
        const progress: JobProgress = { ...message.progress, jobId: job.info.jobId };
        job.info.progress = progress;
        emit({ type: 'progress', progress });
        break;
      }
      case 'result':
        finalize(job, { status: 'succeeded', result: message.result });
        endJob(job, pooled, true);
        break;
      case 'error':
        finalize(job, message.error.code === 'JOB_CANCELLED' ? { status: 'cancelled', error: message.error } : { status: 'failed', error: message.error });
        endJob(job, pooled, true);
        break;
    }
  };

  /** The job no longer holds a slot: its worker goes back to the pool (or away), and the next job may start. */
  const endJob = (job: JobState, pooled: PooledWorker, reusable: boolean): void => {
    if (pooled.job !== job) return;
    pooled.job = null;
    if (job.killTimer) clearTimeout(job.killTimer);
    job.worker = null;
    running.delete(job);
    releaseDataset(job.prepared);
    if (reusable && !closed && !pooled.dead) parkWorker(pooled);
    else void pooled.worker.terminate();
    job.markExited();
    pump();
  };

  const spawnWorker = (url: URL | string): PooledWorker => {
    const worker = new Worker(url, workerOptions(url));
    let markReady!: () => void;
    const ready = new Promise<void>((res) => (markReady = res));
    const pooled: PooledWorker = { worker, ready, key: String(url), job: null, dead: false, idleTimer: null };
    worker.on('message', (message: WorkerMessage) => {
      if (message.type === 'ready') markReady();
      else onWorkerMessage(pooled, message);
    });
    worker.on('error', (error) => {
      pooled.dead = true;
      const job = pooled.job;
      if (job) finalize(job, { status: 'failed', error: { code: 'JOB_FAILED', message: `The job worker crashed: ${error.message}` } });
    });
    worker.on('exit', (code) => {
      pooled.dead = true;
      markReady();
      if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
      const idleAt = idle.indexOf(pooled);
      if (idleAt >= 0) idle.splice(idleAt, 1);
      const job = pooled.job;
      if (job) {
        finalize(job, { status: 'failed', error: { code: 'JOB_FAILED', message: `The job worker exited with code ${code} before finishing.` } });
        endJob(job, pooled, false);
      }
    });
    return pooled;
  };

  /** Keeps a finished worker for the next job on the same script; it does not keep the process alive. */
  const parkWorker = (pooled: PooledWorker): void => {
    pooled.worker.unref();
    idle.push(pooled);
    pooled.idleTimer = setTimeout(() => void pooled.worker.terminate(), idleMs);
    pooled.idleTimer.unref?.();
    while (idle.length > concurrency) void idle.shift()!.worker.terminate();
  };

  const takeWorker = (url: URL | string): PooledWorker => {
    const key = String(url);
    const at = idle.findIndex((w) => w.key === key && !w.dead);
    if (at < 0) return spawnWorker(url);
    const pooled = idle.splice(at, 1)[0]!;
    if (pooled.idleTimer) clearTimeout(pooled.idleTimer);
    pooled.idleTimer = null;
    pooled.worker.ref();
    return pooled;
  };

  const start = (job: JobState): void => {
    running.add(job);
    job.startedAt = new Date().toISOString();
    job.startMs = performance.now();
    let dataset: DatasetMatrix;
    try {
      persistence.markRunning(job.info.runIds, job.startedAt);
      dataset = acquireDataset(job.prepared);
    } catch (error) {
      running.delete(job);
      finalizeFailure(job, toErrorPayload(error));
      job.markExited();
      return;
    }
    setStatus(job, 'running');
    const payload: WorkerJobPayload = {
      jobId: job.info.jobId,
      runIds: job.info.runIds,
      spec: job.spec,
      dataset: { ...dataset, name: job.prepared.dataset.name },
      constraints: job.prepared.constraints,
      ...(job.prepared.comparisons ? { comparisons: job.prepared.comparisons } : {}),
      cancelFlag: job.cancelFlag,
      workers: foldWorkers(job.workers, dataset.nRows, dataset.nFeatures),
      workerUrl: String(job.workerUrl),
    };
    const pooled = takeWorker(job.workerUrl);
    pooled.job = job;
    job.worker = pooled.worker;
    const request: WorkerRequest = { type: 'job', payload };
    pooled.worker.postMessage(request);
  };

  const pump = (): void => {
    while (!closed && running.size < concurrency && queue.length > 0) start(queue.shift()!);
  };

  const resolveWorkerUrl = (spec: JobSpec): URL | string => {
    const w = options.workerUrl;
    if (w === undefined) return DEFAULT_WORKER_URL;
    return typeof w === 'function' ? w(spec) : w;
  };

  const runner: JobRunner = {
    concurrency,
    submit(spec, submitOptions) {
      if (closed) throw new WorkbenchError('INTERNAL', 'The job runner is closed.');
      const prepared = persistence.prepare(spec, submitOptions);
      const jobId = randomUUID();
      let resolve!: JobState['resolve'];
      let reject!: JobState['reject'];
      const done = new Promise<Awaited<SubmittedJob['done']>>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      done.catch(() => {}); // callers that only subscribe to events must not get an unhandled rejection
      let markExited!: () => void;
      const exited = new Promise<void>((res) => (markExited = res));
      const job: JobState = {
        info: {
          jobId,
          kind: prepared.spec.kind,
          datasetId: prepared.dataset.id,
          status: 'queued',
          runIds: prepared.runIds,
          progress: { jobId, runId: prepared.runIds[0] ?? null, phase: 'queued', elapsedMs: 0 },
          error: null,
        },
        spec: prepared.spec,
        prepared,
        workerUrl: resolveWorkerUrl(prepared.spec),
        workers: submitOptions?.workers ?? options.workers,
        cancelFlag: new SharedArrayBuffer(4),
        queuedAt: new Date().toISOString(),
        startedAt: null,
        startMs: 0,
        worker: null,
        exited,
        markExited,
        finalized: false,
        killTimer: null,
        resolve,
        reject,
      };
      jobs.set(jobId, job);
      queue.push(job);
      emit({ type: 'status', jobId, status: 'queued' });
      emit({ type: 'progress', progress: job.info.progress! });
      pump();
      return { jobId, runIds: prepared.runIds, done };
    },

    cancel(jobId) {
      const job = jobs.get(jobId);
      if (!job || job.finalized) return false;
      const queuedAt = queue.indexOf(job);
      if (queuedAt >= 0) {
        queue.splice(queuedAt, 1);
        finalizeFailure(job, { code: 'JOB_CANCELLED', message: 'The job was cancelled before it started.' }, 'cancelled');
        job.markExited();
        return true;
      }
      Atomics.store(new Int32Array(job.cancelFlag), 0, 1);
      finalizeFailure(job, { code: 'JOB_CANCELLED', message: 'The job was cancelled while running.' }, 'cancelled');
      const worker = job.worker;
      if (worker) {
        job.killTimer = setTimeout(() => void worker.terminate(), graceMs);
        job.killTimer.unref?.();
      }
      return true;
    },

    list() {
      return [...jobs.values()].map((j) => structuredClone(j.info));
    },

    stats() {
      return { queued: queue.length, running: running.size, idleWorkers: idle.filter((w) => !w.dead).length };
    },

    async warmUp(workerUrl) {
      if (closed) return;
      const url = workerUrl ?? (typeof options.workerUrl === 'function' || options.workerUrl === undefined ? DEFAULT_WORKER_URL : options.workerUrl);
      const key = String(url);
      const have = idle.filter((w) => w.key === key && !w.dead).length + running.size;
      const started: PooledWorker[] = [];
      for (let k = have; k < concurrency; k++) {
        const pooled = spawnWorker(url);
        parkWorker(pooled);
        started.push(pooled);
      }
      await Promise.all(started.map((w) => w.ready));
    },

    get(jobId) {
      const job = jobs.get(jobId);
      return job ? structuredClone(job.info) : undefined;
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },

    async close() {
      if (closed) return;
      for (const job of [...queue]) runner.cancel(job.info.jobId);
      for (const job of [...running]) runner.cancel(job.info.jobId);
      closed = true;
      await Promise.all([...running].map((j) => j.exited));
      await Promise.all(idle.splice(0).map((w) => w.worker.terminate()));
      listeners.clear();
      persistence.dispose?.();
    },
  };
  return runner;
}
