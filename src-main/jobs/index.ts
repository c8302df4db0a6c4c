/** Background jobs: the worker-thread job runner and its types (see runner.ts). */
export { createJobRunner, defaultConcurrency, DEFAULT_WORKER_URL, type JobRunner, type JobRunnerOptions, type SubmittedJob } from './runner.ts';
export { executeJob } from './execute.ts';
export { createImportWorkers, type ImportWorkers, type ImportWorkersOptions, type WorkerImportOptions } from './import-worker.ts';
export { executeImport, IMPORT_CANCELLED_MESSAGE, parsedTransferList } from './import-execute.ts';
export { createReporter, PROGRESS_PER_SECOND, type JobReporter } from './reporter.ts';
export { runWorker, type JobExecutor } from './worker-host.ts';
export type { JobPersistence, JobResult, JobTimings, PreparedJob, SubmitOptions, WorkerJobPayload, WorkerMessage, WorkerRequest, ImportSource, ImportWorkerMessage, WorkerImportRequest } from './types.ts';
