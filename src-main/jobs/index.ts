/** Background jobs: the worker-thread job runner and its types (see runner.ts). */
export { createJobRunner, defaultConcurrency, DEFAULT_WORKER_URL, type JobRunner, type JobRunnerOptions, type SubmittedJob } from './runner.ts';
export { executeJob } from './execute.ts';
export { createImportWorkers, type ImportWorkers, type ImportWorkersOptions, type WorkerImportOptions } from './import-worker.ts';
export { executeImport, IMPORT_CANCELLED_MESSAGE, parsedTransferList } from './import-execute.ts';
export { createScoreWorkers, SCORE_CANCELLED_MESSAGE, type ScoreCallOptions, type ScoreInput, type ScoreWorkers } from './score-worker.ts';
export { executeScore } from './score-execute.ts';
export { createWorkerCalls, type WorkerCalls, type WorkerCallsOptions } from './worker-calls.ts';
export { createReporter, PROGRESS_PER_SECOND, type JobReporter } from './reporter.ts';
export { runWorker, type JobExecutor } from './worker-host.ts';
export type { JobPersistence, JobResult, JobTimings, PreparedJob, SubmitOptions, WorkerJobPayload, WorkerMessage, WorkerRequest, ImportSource, ScoreTask, WorkerCallKinds, WorkerCallMessage, WorkerCallRequest } from './types.ts';
