import type { EventOf } from '../../../../shared/ipc/contract.ts';
import type { Backend } from '../backend/backend.ts';
import { errorMessage } from '../backend/backend.ts';
import type { JobInfo, JobProgress } from '../backend/types.ts';

/** What the jobs panel shows for one job. */
export interface JobView {
  jobId: string;
  kind: JobInfo['kind'];
  datasetId: number;
  title: string;
  status: JobInfo['status'];
  runIds: number[];
  progress: JobProgress | null;
  /** Objective values of the fit in progress (one series per run and fold; the latest is shown). */
  trace: number[];
  traceLabel: string;
  error: string | null;
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

  /** Registers a job the UI has just started, with a human title. */
  track(jobId: string, title: string, kind: JobInfo['kind'], datasetId: number, runIds: number[]): void {
    this.#upsert(jobId, { title, kind, datasetId, runIds, status: 'queued' });
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
    if (typeof p.objective === 'number' && Number.isFinite(p.objective)) trace = [...trace, p.objective].slice(-2000);
    this.#upsert(p.jobId, { progress: p, trace, traceLabel: label, status: p.phase === 'queued' ? 'queued' : 'running' });
  }

  #upsert(jobId: string, patch: Partial<JobView>): void {
    const index = this.#jobs.findIndex((j) => j.jobId === jobId);
    if (index < 0) {
      const fresh: JobView = {
        jobId, kind: 'evaluate', datasetId: 0, title: `Job ${jobId}`, status: 'queued', runIds: [],
        progress: null, trace: [], traceLabel: '', error: null, ...patch,
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
