/** The experiment store (SQLite). See store.ts. */
export { openStore, Store, type OpenStoreOptions } from './store.ts';
export { defaultDatabasePath, userDataDirectory, APP_NAME, DATABASE_FILE_NAME } from './paths.ts';
export { migrate, schemaVersion, DatabaseTooNewError } from './migrate.ts';
export { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.ts';
export { APP_VERSION } from './app-version.ts';
export { datasetContentHash, validateDatasetMatrix, type DatasetDetails, type NewDataset } from './datasets-repository.ts';
export type { StoredConstraint, SetOutcome, BulkOutcome } from './constraints-repository.ts';
export {
  RUN_KINDS,
  RUN_STATUSES,
  FINAL_RUN_STATUSES,
  INTERRUPTED_MESSAGE,
  type RunKind,
  type RunStatus,
  type RunRecord,
  type NewRun,
  type RunFilter,
  type RunTimings,
  type StatusDetails,
} from './runs-repository.ts';
export type { StoredEvaluation } from './evaluations-repository.ts';
