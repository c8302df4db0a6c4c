import type { EventOf } from '../../../../shared/ipc/contract.ts';
import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { JobInfo, JobProgress, JobSpec } from '../backend/types.ts';

/** What the jobs panel shows for one job. */
export interface JobView {
  jobId: string;
  kind: JobInfo['kind'];
  datasetId: number;
  title: string;
  status: JobInfo['status'];
  runIds: number[];
  progress: JobProgress | null;
  /**
   * Objective of the fit in progress at the iterations the worker reported (one series per run and fold; the
   * latest is shown). Progress messages are throttled, so iterations can be skipped: each point keeps its own.
   */
  trace: TracePoint[];
  traceLabel: string;
  error: string | null;
  /** What this window submitted (Restart submits it again); null for jobs started elsewhere or before a reload. */
  spec: JobSpec | null;
}

/** One reported learner iteration: its number (1-based, from the progress event) and its objective. */
export interface TracePoint {
  iteration: number;
  objective: number;
}

const ACTIVE = new Set(['queued', 'running']);

/** Follows every job of this session through job.queued / job.progress / job.finished events. */
export class JobMonitor {
  #backend: Backend;
  #jobs = $state.raw<JobView[]>([]);
  #finishedListeners: ((event: EventOf<'job.finished'>) => void)[] = [];
  #unsubscribe: (() => void)[];
  error = $state<string | null>(null);

  constructor(backend: Backend) {
    this.#backend = backend;
    this.#unsubscribe = [
      backend.on('job.status', ({ jobId, status }) => this.#upsert(jobId, { status })),
      backend.on('job.progress', (p) => this.#onProgress(p)),
      backend.on('job.finished', (event) => {
        this.#upsert(event.jobId, { status: event.status, runIds: event.runIds, error: event.error ?? null });
        for (const listener of this.#finishedListeners) listener(event);
      }),
    ];
  }

  /** Stops following the backend's events and drops the listeners (the window is going away). */
  dispose(): void {
    for (const off of this.#unsubscribe.splice(0)) off();
    this.#finishedListeners = [];
  }

  get jobs(): JobView[] { return this.#jobs; }
  readonly active = $derived(this.#jobs.filter((j) => ACTIVE.has(j.status)));

  onFinished(listener: (event: EventOf<'job.finished'>) => void): void {
    this.#finishedListeners.push(listener);
  }

  /** Registers a job the UI has just started, with a human title and the spec it was started with. */
  track(jobId: string, title: string, kind: JobInfo['kind'], datasetId: number, runIds: number[], spec: JobSpec | null = null): void {
    this.#upsert(jobId, { title, kind, datasetId, runIds, status: 'queued', spec });
  }

  /** Submits a cancelled, failed or interrupted job's spec again as a new job; returns its id, or null with `error` set. */
  async restart(jobId: string): Promise<string | null> {
    const job = this.#jobs.find((j) => j.jobId === jobId);
    if (!job?.spec) return null;
    try {
      const { jobId: fresh, runIds } = await this.#backend.call('jobs.start', { spec: job.spec });
      this.track(fresh, job.title, job.kind, job.datasetId, runIds, job.spec);
      return fresh;
    } catch (error) {
      this.error = `Could not restart ${job.title}: ${errorMessage(error)}`;
      return null;
    }
  }

  async refresh(): Promise<void> {
    try {
      const { jobs } = await this.#backend.call('jobs.list', {});
      for (const info of jobs) {
        this.#upsert(info.jobId, { kind: info.kind, datasetId: info.datasetId, status: info.status, runIds: info.runIds, progress: info.progress ?? null, error: info.error ?? null });
      }
    } catch (error) {
      this.error = `Could not list jobs: ${errorMessage(error)}`;
    }
  }

  async cancel(jobId: string): Promise<void> {
    try {
      await this.#backend.call('jobs.cancel', { jobId });
    } catch (error) {
      this.error = `Could not cancel job ${jobId}: ${errorMessage(error)}`;
    }
  }

  #onProgress(p: JobProgress): void {
    const job = this.#jobs.find((j) => j.jobId === p.jobId);
    const label = `${p.runId ?? ''}:${p.fold ?? ''}`;
    let trace = job?.trace ?? [];
    if (job && job.traceLabel !== label) trace = [];
    if (typeof p.objective === 'number' && Number.isFinite(p.objective)) {
      const iteration = typeof p.iteration === 'number' ? p.iteration : (trace.at(-1)?.iteration ?? 0) + 1;
      trace = [...trace, { iteration, objective: p.objective }].slice(-2000);
    }
    this.#upsert(p.jobId, { progress: p, trace, traceLabel: label, status: p.phase === 'queued' ? 'queued' : 'running' });
  }

  #upsert(jobId: string, patch: Partial<JobView>): void {
    const index = this.#jobs.findIndex((j) => j.jobId === jobId);
    if (index < 0) {
      const fresh: JobView = {
        jobId, kind: 'evaluate', datasetId: 0, title: `Job ${jobId}`, status: 'queued', runIds: [],
        progress: null, trace: [], traceLabel: '', error: null, spec: null, ...patch,
      };
      this.#jobs = [fresh, ...this.#jobs];
      return;
    }
    const current = this.#jobs[index]!;
    // A finished job never goes back to running because of a late progress message.
    const status = !ACTIVE.has(current.status) && patch.status && ACTIVE.has(patch.status) ? current.status : (patch.status ?? current.status);
    const next = { ...current, ...patch, status, title: patch.title ?? current.title };
    this.#jobs = this.#jobs.map((j, k) => (k === index ? next : j));
  }
}
