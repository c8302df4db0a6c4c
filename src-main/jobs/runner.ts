/**
 * The job runner: a queue of learn / evaluate / compare / sweep jobs and the records of their runs, on top of the
 * worker pool (pool.ts), which runs each job as one task on a worker thread of the process's thread budget.
 *
 * - Concurrency: max(1, cores − 1) jobs at once by default; the rest wait in FIFO order. A job's helper tasks
 *   (folds, sweep steps) run on the same pool and budget, so jobs and helpers together never exceed it.
 * - Progress: workers report (throttled to ~10/s per job, see reporter.ts); the runner adds the job id and
 *   forwards it to every subscriber.
 * - Cancel: a queued job is dropped; a running job is cancelled by the pool (its shared flag set, which the
 *   learner's `shouldStop()` reads each iteration; its worker terminated after `cancelGraceMs`). In both
 *   cases `done` rejects with JobCancelledError at once, before the worker has stopped, and the runs are
 *   recorded `cancelled` (piscina's order: callers never see a termination error).
 * - Failure: a worker that throws, or exits without a result, marks its runs `failed` with the error text;
 *   the next queued job starts as usual.
 * - Workers are kept after a job (unref'd, up to `concurrency`, for `idleWorkerMs`) and reused for the next job
 *   on the same script, so only the first jobs pay the worker start; a worker that was terminated, crashed or
 *   exited is replaced.
 * - Only this (main) thread writes SQLite, through {@link JobPersistence}, one transaction per change.
 * - The dataset's features go to workers in a SharedArrayBuffer (read from storage straight into it by the runs
 *   service, else copied once per dataset content), shared by every job on it; a learn job that no other job is
 *   reading beside gets one of its own and preprocesses it in place (see `acquireDataset`).
 *
 * No Electron import: the CLI, the desktop app and the browser-mode server all use this module.
 */
import { randomUUID } from 'node:crypto';
import { availableParallelism } from 'node:os';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { JobEvent, JobInfo, JobOutcome, JobSpec, JobStatus } from '../../shared/domain/job.ts';
import { JobCancelledError, WorkbenchError, fromErrorPayload, toErrorPayload, type ErrorPayload } from '../../shared/errors.ts';
import { DEFAULT_WORKER_URL, processThreadBudget, WorkerPool, type ThreadBudget } from './pool.ts';
import type { JobPersistence, JobResult, JobTimings, PreparedJob, SubmitOptions, WorkerJobPayload } from './types.ts';

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
  /** The thread budget jobs and their helper tasks draw from; default the process's (`os.availableParallelism()`). */
  budget?: ThreadBudget;
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
   * Validates the spec, records its runs as `queued` and queues it. `persistence` records this job's runs instead
   * of the runner's own (a local grid writes each cell's job into its run and the grid's cell row).
   * @throws ValidationError / NotFoundError (from the persistence layer) with nothing recorded.
   */
  submit(spec: JobSpec, options?: SubmitOptions, persistence?: JobPersistence): SubmittedJob;
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
  /** Where this job's runs are recorded: the runner's persistence, or the one its submit named (a grid's). */
  persistence: JobPersistence;
  workerUrl: URL | string;
  /** Fold threads asked for (submit or runner option); undefined = decided by dataset size at start. */
  workers: number | undefined;
  abort: AbortController;
  queuedAt: string;
  startedAt: string | null;
  startMs: number;
  /** Resolves once the job no longer holds a worker (finished, stopped after cancel, or its worker exited). */
  exited: Promise<void>;
  markExited: () => void;
  /** Whether the running job has a dataset matrix of its own, outside the shared cache (see acquireDataset). */
  ownsDataset: boolean;
  finalized: boolean;
  resolve: (value: Awaited<SubmittedJob['done']>) => void;
  reject: (error: Error) => void;
}

const MAX_IDLE_DATASETS = 4;

/**
 * Features and labels in SharedArrayBuffers, so workers read them without a copy: as given when the persistence
 * loaded them there already (the runs service does), else copied once.
 */
function shareDataset(data: DatasetMatrix): DatasetMatrix {
  if (data.features.buffer instanceof SharedArrayBuffer && (!data.labels || data.labels.buffer instanceof SharedArrayBuffer)) return data;
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

/** The job queue and the runs' records, on top of the worker pool (pool.ts), which runs each job as one task. */
class Runner implements JobRunner {
  readonly concurrency: number;
  private readonly options: JobRunnerOptions;
  private readonly budget: ThreadBudget;
  private readonly pools = new Map<string, WorkerPool>();
  private readonly jobs = new Map<string, JobState>();
  private readonly queue: JobState[] = [];
  private readonly running = new Set<JobState>();
  private readonly listeners = new Set<(event: JobEvent) => void>();
  private readonly datasets = new Map<string, { matrix: DatasetMatrix; users: number }>();
  private closed = false;

  constructor(options: JobRunnerOptions) {
    if (!options.persistence) throw new TypeError('createJobRunner needs a persistence (e.g. createRunsService(store)).');
    this.options = options;
    this.concurrency = Math.max(1, Math.floor(options.concurrency ?? defaultConcurrency()));
    this.budget = options.budget ?? processThreadBudget();
    if (options.recover ?? true) options.persistence.recoverInterrupted();
  }

  submit(spec: JobSpec, submitOptions?: SubmitOptions, persistence: JobPersistence = this.options.persistence): SubmittedJob {
    if (this.closed) throw new WorkbenchError('INTERNAL', 'The job runner is closed.');
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
      persistence,
      workerUrl: this.workerUrlOf(prepared.spec),
      workers: submitOptions?.workers ?? this.options.workers,
      abort: new AbortController(),
      queuedAt: new Date().toISOString(),
      startedAt: null,
      startMs: 0,
      exited,
      markExited,
      ownsDataset: false,
      finalized: false,
      resolve,
      reject,
    };
    this.jobs.set(jobId, job);
    this.queue.push(job);
    this.emit({ type: 'status', jobId, status: 'queued' });
    this.emit({ type: 'progress', progress: job.info.progress! });
    this.pump();
    return { jobId, runIds: prepared.runIds, done };
  }

  cancel(jobId: string): boolean {
    const job = this.jobs.get(jobId);
    if (!job || job.finalized) return false;
    const queuedAt = this.queue.indexOf(job);
    if (queuedAt >= 0) {
      this.queue.splice(queuedAt, 1);
      this.fail(job, { code: 'JOB_CANCELLED', message: 'The job was cancelled before it started.' }, 'cancelled');
      job.markExited();
      return true;
    }
    this.fail(job, { code: 'JOB_CANCELLED', message: 'The job was cancelled while running.' }, 'cancelled');
    job.abort.abort();
    return true;
  }

  list(): JobInfo[] {
    return [...this.jobs.values()].map((j) => structuredClone(j.info));
  }

  get(jobId: string): JobInfo | undefined {
    const job = this.jobs.get(jobId);
    return job ? structuredClone(job.info) : undefined;
  }

  subscribe(listener: (event: JobEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  stats(): { queued: number; running: number; idleWorkers: number } {
    let idleWorkers = 0;
    for (const pool of this.pools.values()) idleWorkers += pool.stats().idleWorkers;
    return { queued: this.queue.length, running: this.running.size, idleWorkers };
  }

  async warmUp(workerUrl?: URL | string): Promise<void> {
    if (this.closed) return;
    const fixed = this.options.workerUrl;
    const url = workerUrl ?? (typeof fixed === 'function' || fixed === undefined ? DEFAULT_WORKER_URL : fixed);
    await this.poolFor(url).warmUp(this.concurrency);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const job of [...this.queue, ...this.running]) this.cancel(job.info.jobId);
    this.closed = true;
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
    await Promise.all([...this.running].map((j) => j.exited));
    this.listeners.clear();
    this.options.persistence.dispose?.();
  }

  private emit(event: JobEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break the runner or the other listeners.
      }
    }
  }

  private setStatus(job: JobState, status: JobStatus): void {
    job.info.status = status;
    this.emit({ type: 'status', jobId: job.info.jobId, status });
  }

  private workerUrlOf(spec: JobSpec): URL | string {
    const w = this.options.workerUrl;
    if (w === undefined) return DEFAULT_WORKER_URL;
    return typeof w === 'function' ? w(spec) : w;
  }

  /** The pool of a worker script: jobs and the helper tasks they ask for run on it, drawing from the budget. */
  private poolFor(url: URL | string): WorkerPool {
    const key = String(url);
    let pool = this.pools.get(key);
    if (!pool) {
      pool = new WorkerPool({
        workerUrl: url,
        budget: this.budget,
        graceMs: this.options.cancelGraceMs ?? 2000,
        idleMs: this.options.idleWorkerMs ?? 30_000,
        maxIdle: this.concurrency,
        closedMessage: 'The job runner is closed.',
      });
      this.pools.set(key, pool);
    }
    return pool;
  }

  private pump(): void {
    while (!this.closed && this.running.size < this.concurrency && this.queue.length > 0) this.start(this.queue.shift()!);
  }

  private start(job: JobState): void {
    this.running.add(job);
    job.startedAt = new Date().toISOString();
    job.startMs = performance.now();
    let dataset: DatasetMatrix;
    try {
      job.persistence.markRunning(job.info.runIds, job.startedAt);
      dataset = this.acquireDataset(job);
    } catch (error) {
      this.running.delete(job);
      this.fail(job, toErrorPayload(error));
      job.markExited();
      return;
    }
    this.setStatus(job, 'running');
    const payload: WorkerJobPayload = {
      jobId: job.info.jobId,
      runIds: job.info.runIds,
      spec: job.spec,
      dataset: { ...dataset, name: job.prepared.dataset.name },
      constraints: job.prepared.constraints,
      ...(job.prepared.comparisons ? { comparisons: job.prepared.comparisons } : {}),
      workers: foldWorkers(job.workers, dataset.nRows, dataset.nFeatures),
      workerUrl: String(job.workerUrl),
      ...(job.ownsDataset ? { ownsFeatures: true } : {}),
    };
    this.poolFor(job.workerUrl)
      .run(
        { kind: 'job', payload },
        {
          signal: job.abort.signal,
          onProgress: (progress) => {
            if (job.finalized) return;
            job.info.progress = { ...progress, jobId: job.info.jobId };
            this.emit({ type: 'progress', progress: job.info.progress });
          },
          onReleased: () => this.end(job),
        },
      )
      .then(
        (result) => this.succeed(job, result),
        (error: unknown) => {
          const payload = toErrorPayload(error);
          this.fail(job, payload, payload.code === 'JOB_CANCELLED' ? 'cancelled' : 'failed');
        },
      );
  }

  /** The job no longer holds a worker: its dataset is let go, and the next job may start. */
  private end(job: JobState): void {
    if (!this.running.delete(job)) return;
    this.releaseDataset(job);
    job.markExited();
    this.pump();
  }

  private succeed(job: JobState, result: JobResult): void {
    if (job.finalized) return;
    try {
      job.persistence.complete(job.info.runIds, result, this.timings(job));
    } catch (error) {
      this.fail(job, { code: 'INTERNAL', message: `Saving the result failed: ${toErrorPayload(error).message}` });
      return;
    }
    job.finalized = true;
    job.info.progress = job.info.progress ? { ...job.info.progress, phase: 'done', fraction: 1, etaMs: 0 } : null;
    this.setStatus(job, 'succeeded');
    const outcome = { jobId: job.info.jobId, status: 'succeeded' as const, runIds: job.info.runIds, result };
    this.emit({ type: 'finished', outcome });
    job.resolve(outcome);
    this.pruneFinished();
  }

  /** Records the unsuccessful end of a job once; later news of its worker is ignored. */
  private fail(job: JobState, error: ErrorPayload, status: 'failed' | 'cancelled' = 'failed'): void {
    if (job.finalized) return;
    job.finalized = true;
    const { jobId, runIds } = job.info;
    try {
      job.persistence.finishUnsuccessfully(runIds, status, error.message, this.timings(job));
    } catch {
      // The database is gone (closing); the runs stay `running` and become `interrupted` at the next start.
    }
    job.info.error = error.message;
    this.setStatus(job, status);
    this.emit({ type: 'finished', outcome: { jobId, status, runIds, error } });
    job.reject(status === 'cancelled' ? new JobCancelledError(error.message) : fromErrorPayload(error));
    this.pruneFinished();
  }

  private timings(job: JobState): JobTimings {
    return {
      queuedAt: job.queuedAt,
      startedAt: job.startedAt,
      finishedAt: new Date().toISOString(),
      runMs: job.startedAt ? performance.now() - job.startMs : 0,
    };
  }

  private pruneFinished(): void {
    const finished = [...this.jobs.values()].filter((j) => j.finalized && !this.running.has(j));
    const keep = this.options.keepFinished ?? 200;
    for (const j of finished.slice(0, Math.max(0, finished.length - keep))) this.jobs.delete(j.info.jobId);
  }

  private datasetKey(p: PreparedJob): string {
    return `${p.dataset.id}:${p.dataset.contentHash}`;
  }

  /**
   * The matrix a starting job reads. Jobs share one cached matrix per dataset content, except a learn job when no
   * other job is reading it: a learn job fits on the rows once and never reads them raw again, so it gets the matrix
   * for itself (the idle cached one, taken out of the cache, or a fresh load) and its fit preprocesses the rows in
   * place (`ownsFeatures`): one copy of the data less while it fits. Later jobs load the dataset again.
   */
  private acquireDataset(job: JobState): DatasetMatrix {
    const p = job.prepared;
    const key = this.datasetKey(p);
    let entry = this.datasets.get(key);
    job.ownsDataset = job.spec.kind === 'learn' && (!entry || entry.users === 0);
    if (job.ownsDataset) {
      this.datasets.delete(key);
      return entry?.matrix ?? shareDataset(p.loadDataset());
    }
    if (!entry) {
      entry = { matrix: shareDataset(p.loadDataset()), users: 0 };
      this.datasets.set(key, entry);
    }
    entry.users++;
    return entry.matrix;
  }

  private releaseDataset(job: JobState): void {
    const entry = job.ownsDataset ? undefined : this.datasets.get(this.datasetKey(job.prepared));
    if (entry) entry.users--;
    const idle = [...this.datasets.entries()].filter(([, e]) => e.users <= 0);
    for (const [key] of idle.slice(0, Math.max(0, idle.length - MAX_IDLE_DATASETS))) this.datasets.delete(key);
  }
}

export function createJobRunner(options: JobRunnerOptions): JobRunner {
  return new Runner(options);
}
