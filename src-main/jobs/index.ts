/** Background jobs: the worker pool, the job runner on it and its clients (see pool.ts, runner.ts). */
export { createJobRunner, defaultConcurrency, type JobRunner, type JobRunnerOptions, type SubmittedJob } from './runner.ts';
export { DEFAULT_WORKER_URL, processThreadBudget, ThreadBudget, WorkerPool } from './pool.ts';
export { executeJob } from './execute.ts';
export { createImportWorkers, type ImportWorkers, type ImportWorkersOptions, type WorkerImportOptions } from './import-worker.ts';
export { executeImport, IMPORT_CANCELLED_MESSAGE, parsedTransferList } from './import-execute.ts';
export { createScoreWorkers, SCORE_CANCELLED_MESSAGE, type ScoreCallOptions, type ScoreInput, type ScoreWorkers } from './score-worker.ts';
export { executeScore } from './score-execute.ts';
export { createWorkerCalls, type WorkerCalls, type WorkerCallsOptions } from './worker-calls.ts';
export { createReporter, PROGRESS_PER_SECOND, type JobReporter } from './reporter.ts';
export { runWorker, type JobExecutor } from './worker-host.ts';
export type { FromWorker, PoolTask, TaskKinds, ToWorker } from './protocol.ts';
export type { JobPersistence, JobResult, JobTimings, PreparedJob, SubmitOptions, WorkerJobPayload, ImportSource, ScoreTask } from './types.ts';
