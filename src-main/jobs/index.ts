/** Background jobs: the worker-thread job runner and its types (see runner.ts). */
export { createJobRunner, defaultConcurrency, DEFAULT_WORKER_URL, type JobRunner, type JobRunnerOptions, type SubmittedJob } from './runner.ts';
export { executeJob } from './execute.ts';
export { createReporter, PROGRESS_PER_SECOND, type JobReporter } from './reporter.ts';
export { runWorker, type JobExecutor } from './worker-host.ts';
export type { JobPersistence, JobResult, JobTimings, PreparedJob, SubmitOptions, WorkerJobPayload, WorkerMessage, WorkerRequest } from './types.ts';
