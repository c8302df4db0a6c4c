/**
 * Every error that can cross a process boundary (worker → main, main → renderer, server → browser,
 * CLI → stderr) carries one of these codes. The table is the single source of truth: the IPC
 * contract, the HTTP server and the CLI all read codes from here.
 */
export const ERROR_CODES = {
  INVALID_ARGUMENT: 'A parameter or payload failed validation.',
  NOT_FOUND: 'The requested dataset, run or constraint does not exist.',
  IMPORT_FAILED: 'The file could not be imported.',
  CONSTRAINT_INVALID: 'A pair constraint is not valid for its dataset.',
  DATABASE_TOO_NEW: 'The database was written by a newer version of Metric Workbench.',
  DATABASE_READ_ONLY: 'The database file or its folder cannot be written (reading still works).',
  DATABASE_TRUNCATED: 'The database file is shorter than its header says: it was cut off.',
  DATABASE_DAMAGED: 'A page of the database file is malformed.',
  DATABASE_DISK_FULL: 'The disk holding the database is full.',
  EXPORT_FAILED: 'A file could not be written; an existing file at that path was left unchanged.',
  DATASET_DAMAGED: "A dataset's stored data failed its checksum; it must be re-imported.",
  NON_PSD: 'A matrix that must be positive semidefinite is not.',
  NUMERICAL: 'A numerical method failed (singular matrix, non-finite value).',
  JOB_CANCELLED: 'The job was cancelled.',
  JOB_FAILED: 'The job failed.',
  UNAUTHORIZED: 'Missing or wrong access token.',
  FORBIDDEN: 'The request came from a host or origin that is not allowed.',
  INTERNAL: 'An unexpected internal error.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;
export const ERROR_CODE_LIST = Object.keys(ERROR_CODES) as ErrorCode[];

/** The shape every error has when it crosses a boundary. */
export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

/** Base class of every domain error; `code` says which row of {@link ERROR_CODES} it is. */
export class WorkbenchError extends Error {
  readonly code: ErrorCode;
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'WorkbenchError';
    this.code = code;
  }
  toPayload(): ErrorPayload {
    return { code: this.code, message: this.message };
  }
}

/** A parameter, payload or file field failed validation. The message names the field, its value and the rule. */
export class ValidationError extends WorkbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('INVALID_ARGUMENT', message, options);
    this.name = 'ValidationError';
  }
}

export class NotFoundError extends WorkbenchError {
  constructor(message: string) {
    super('NOT_FOUND', message);
    this.name = 'NotFoundError';
  }
}

export class ImportError extends WorkbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('IMPORT_FAILED', message, options);
    this.name = 'ImportError';
  }
}

export class ConstraintError extends WorkbenchError {
  constructor(message: string) {
    super('CONSTRAINT_INVALID', message);
    this.name = 'ConstraintError';
  }
}

/** A file the app writes (export, constraint CSV, report, bundle) could not be written. The message names the path and the cause. */
export class ExportError extends WorkbenchError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('EXPORT_FAILED', message, options);
    this.name = 'ExportError';
  }
}

/** "Matrix is not positive semidefinite (PSD)." */
export class NonPsdError extends WorkbenchError {
  constructor(message = 'Matrix is not positive semidefinite (PSD).') {
    super('NON_PSD', message);
    this.name = 'NonPsdError';
  }
}

export class NumericalError extends WorkbenchError {
  constructor(message: string) {
    super('NUMERICAL', message);
    this.name = 'NumericalError';
  }
}

/**
 * A dataset's stored features or labels no longer match the checksum written with them (a damaged database
 * file): the data is refused rather than served.
 */
export class DatasetDamagedError extends WorkbenchError {
  readonly datasetId: number;
  constructor(dataset: { id: number; name: string }, detail: string) {
    super('DATASET_DAMAGED', `The stored data of dataset '${dataset.name}' (id ${dataset.id}) is damaged (${detail}); re-import it.`);
    this.name = 'DatasetDamagedError';
    this.datasetId = dataset.id;
  }
}

/** Thrown (or used to reject) when a job is cancelled, whether it was queued or running. */
export class JobCancelledError extends WorkbenchError {
  constructor(message = 'The job was cancelled.') {
    super('JOB_CANCELLED', message);
    this.name = 'JobCancelledError';
  }
}

/** Turns anything thrown into the `{code, message}` payload that crosses boundaries. */
export function toErrorPayload(error: unknown): ErrorPayload {
  if (error instanceof WorkbenchError) return error.toPayload();
  if (isErrorPayload(error)) return { code: error.code, message: error.message };
  if (error instanceof Error) return { code: 'INTERNAL', message: error.message };
  return { code: 'INTERNAL', message: String(error) };
}

export function isErrorPayload(value: unknown): value is ErrorPayload {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { code?: unknown }).code === 'string' &&
    (value as { code: string }).code in ERROR_CODES &&
    typeof (value as { message?: unknown }).message === 'string'
  );
}

/**
 * Rebuilds a typed error from a payload (the inverse of {@link toErrorPayload}), with its class where the code has
 * one (a worker's ImportError is an ImportError on the main thread too) and its exact message.
 */
export function fromErrorPayload(payload: ErrorPayload): WorkbenchError {
  switch (payload.code) {
    case 'JOB_CANCELLED':
      return new JobCancelledError(payload.message);
    case 'IMPORT_FAILED':
      return new ImportError(payload.message);
    case 'NOT_FOUND':
      return new NotFoundError(payload.message);
    case 'INVALID_ARGUMENT':
      return new ValidationError(payload.message);
    default:
      return new WorkbenchError(payload.code, payload.message);
  }
}
