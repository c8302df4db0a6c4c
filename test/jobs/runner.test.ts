import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobCancelledError, WorkbenchError } from '../../shared/errors.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { createRunsService } from '../../src-main/services/runs.ts';
import type { Store } from '../../src-main/storage/store.ts';
import { addDataset, FIXTURE_WORKER, phaseReached, tempStore } from './helpers.ts';

// Fixture behaviours by method (see fixtures/fixture-worker.mjs): lda loops until stopped, mmc ignores the stop
// flag, pca's learner throws, covariance's worker exits with code 7, euclidean succeeds.

describe('job runner (fixture worker)', () => {
  let t: ReturnType<typeof tempStore>;
  let store: Store;
  let datasetId: number;
  let runner: JobRunner;

  beforeEach(() => {
    t = tempStore();
    store = t.store;
    datasetId = addDataset(store, 'iris');
  });
  afterEach(async () => {
    await runner?.close();
    t.cleanup();
  });

  const learn = (method: string) => runner.submit({ kind: 'learn', datasetId, method });
  const status = (runId: number) => store.runs.require(runId).status;

  it('cancels a queued job at once and a running one cooperatively through shouldStop()', async () => {
    // A long grace period: if the looping learner did not stop by itself, the next job could not start.
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER, cancelGraceMs: 600_000 });
    let loopId = '';
    const fitting = phaseReached(runner, () => loopId, 'fit');
    const loop = learn('lda');
    loopId = loop.jobId;
    const queued = learn('euclidean');
    await fitting;
    expect(runner.get(loop.jobId)!.status).toBe('running');
    expect(runner.get(queued.jobId)!.status).toBe('queued');

    expect(runner.cancel(queued.jobId)).toBe(true);
    await expect(queued.done).rejects.toThrow(new JobCancelledError('The job was cancelled before it started.'));
    expect(status(queued.runIds[0]!)).toBe('cancelled');

    expect(runner.cancel(loop.jobId)).toBe(true);
    await expect(loop.done).rejects.toBeInstanceOf(JobCancelledError);
    const run = store.runs.require(loop.runIds[0]!);
    expect(run).toMatchObject({ status: 'cancelled', errorCode: 'JOB_CANCELLED', error: 'The job was cancelled while running.' });
    expect(runner.cancel(loop.jobId)).toBe(false);

    const next = learn('euclidean');
    await expect(next.done).resolves.toMatchObject({ status: 'succeeded' });
    expect(status(next.runIds[0]!)).toBe('succeeded');
    expect(status(loop.runIds[0]!)).toBe('cancelled'); // the late stop of the worker did not overwrite it
  });

  it('terminates a worker that ignores the stop flag after the grace period; the next job runs', async () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER, cancelGraceMs: 50 });
    let stubbornId = '';
    const fitting = phaseReached(runner, () => stubbornId, 'fit');
    const stubborn = learn('mmc');
    stubbornId = stubborn.jobId;
    const next = learn('euclidean');
    await fitting;
    runner.cancel(stubborn.jobId);
    await expect(stubborn.done).rejects.toBeInstanceOf(JobCancelledError);
    await expect(next.done).resolves.toMatchObject({ status: 'succeeded' });
    expect(status(stubborn.runIds[0]!)).toBe('cancelled');
  });

  it('records a learner that throws as failed with its message, and runs the next job', async () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER });
    const failing = learn('pca');
    const next = learn('euclidean');
    await expect(failing.done).rejects.toThrow(new WorkbenchError('INTERNAL', 'fixture learner exploded at iteration 3'));
    expect(store.runs.require(failing.runIds[0]!)).toMatchObject({
      status: 'failed',
      errorCode: 'JOB_FAILED',
      error: 'fixture learner exploded at iteration 3',
    });
    await expect(next.done).resolves.toMatchObject({ status: 'succeeded' });
    expect(store.metrics.get(next.runIds[0]!)).not.toBeNull();
  });

  it('records a worker that exits without a result as failed, and runs the next job', async () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER });
    const dying = learn('covariance');
    const next = learn('euclidean');
    await expect(dying.done).rejects.toThrow('The job worker exited with code 7 before finishing.');
    expect(store.runs.require(dying.runIds[0]!)).toMatchObject({ status: 'failed', error: 'The job worker exited with code 7 before finishing.' });
    await expect(next.done).resolves.toMatchObject({ status: 'succeeded' });
  });

  it('streams queued, started, progress and finished events with the job id; list() shows the jobs', async () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER });
    const events: string[] = [];
    runner.subscribe((e) => events.push(e.type === 'progress' ? `progress:${e.progress.phase}` : e.type === 'status' ? `status:${e.status}` : `finished:${e.outcome.status}`));
    const job = learn('euclidean');
    await job.done;
    expect(events[0]).toBe('status:queued');
    expect(events).toContain('progress:queued');
    expect(events).toContain('status:running');
    expect(events).toContain('progress:started');
    expect(events.slice(-3)).toEqual(['progress:done', 'status:succeeded', 'finished:succeeded']);
    expect(runner.list().map((j) => [j.jobId, j.status, j.runIds])).toEqual([[job.jobId, 'succeeded', job.runIds]]);
  });

  it('warmUp() starts idle workers up to the concurrency; jobs reuse them; close() ends them', async () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 2, workerUrl: FIXTURE_WORKER });
    expect(runner.stats()).toEqual({ queued: 0, running: 0, idleWorkers: 0 });
    await runner.warmUp();
    expect(runner.stats()).toEqual({ queued: 0, running: 0, idleWorkers: 2 });
    await learn('euclidean').done;
    await learn('euclidean').done;
    expect(runner.stats()).toEqual({ queued: 0, running: 0, idleWorkers: 2 });
    // A worker that exits is not reused: the pool shrinks, and the next job starts a new one.
    await expect(learn('covariance').done).rejects.toThrow('The job worker exited with code 7 before finishing.');
    expect(runner.stats().idleWorkers).toBe(1);
    await runner.close();
    expect(runner.stats()).toEqual({ queued: 0, running: 0, idleWorkers: 0 });
  });

  it('rejects an invalid spec at submit with nothing recorded', () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER });
    expect(() => runner.submit({ kind: 'learn', datasetId: 999, method: 'nca' })).toThrow('No dataset with id 999.');
    expect(() => runner.submit({ kind: 'learn', datasetId, method: 'nope' })).toThrow(/^Unknown method 'nope'\. Known methods: euclidean, /);
    expect(() => runner.submit({ kind: 'learn', datasetId, method: 'nca', params: { maxIter: 0 } })).toThrow(
      "nca: parameter 'maxIter' must be an integer ≥ 1, got 0.",
    );
    expect(store.runs.list()).toEqual([]);
  });

  it('close() cancels running and queued jobs and waits for their workers', async () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER, cancelGraceMs: 50 });
    let id = '';
    const fitting = phaseReached(runner, () => id, 'fit');
    const a = learn('mmc');
    id = a.jobId;
    const b = learn('euclidean');
    await fitting;
    await runner.close();
    await expect(a.done).rejects.toBeInstanceOf(JobCancelledError);
    await expect(b.done).rejects.toBeInstanceOf(JobCancelledError);
    expect([status(a.runIds[0]!), status(b.runIds[0]!)]).toEqual(['cancelled', 'cancelled']);
    expect(() => learn('euclidean')).toThrow('The job runner is closed.');
  });

  it('leaves runs owned by a live runner alone at start-up, and recovers those of a closed one', async () => {
    runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, workerUrl: FIXTURE_WORKER, cancelGraceMs: 600_000 });
    let id = '';
    const fitting = phaseReached(runner, () => id, 'fit');
    const loop = learn('lda');
    id = loop.jobId;
    await fitting;
    // A second process-level runner (say, the CLI while the app runs) must not interrupt the live run.
    const other = createRunsService(store);
    expect(other.recoverInterrupted()).toBe(0);
    expect(status(loop.runIds[0]!)).toBe('running');
    other.dispose();
    runner.cancel(loop.jobId);
    await expect(loop.done).rejects.toBeInstanceOf(JobCancelledError);
  });
});
