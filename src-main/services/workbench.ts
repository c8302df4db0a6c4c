/**
 * The composition root shared by the desktop app, the browser mode and the `workbench` CLI: opens and
 * migrates the store (or takes the CLI's open one), starts the job runner, and builds the handler map for
 * every contract channel plus the gateway that validates around it. Nothing here imports Electron; the desktop app adds native dialogs through
 * {@link WorkbenchOptions.dialogs}.
 */
import type { AppMode } from '../../shared/domain/enums.ts';
import type { JobEvent } from '../../shared/domain/job.ts';
import { definedFields } from '../../shared/objects.ts';
import type { EventName, EventOf, HandlerMap } from '../../shared/ipc/contract.ts';
import { parseEvent } from '../../shared/ipc/validate.ts';
import { createImportWorkers, type ImportWorkers } from '../jobs/import-worker.ts';
import { createJobRunner, type JobRunner } from '../jobs/runner.ts';
import { createScoreWorkers, type ScoreWorkers } from '../jobs/score-worker.ts';
import { diagnoseStorageError } from '../storage/storage-errors.ts';
import { openStore, type Store } from '../storage/store.ts';
import { createGateway, type Dispatch } from './gateway.ts';
import { createGridsService } from './grids.ts';
import { createHandlers } from './handlers.ts';
import { createRunsService, type RunsService } from './runs.ts';
import { createFileRegistry, type FileRegistry } from './uploads.ts';
import type { WorkbenchDialogs, WorkbenchEvents } from './ports.ts';

export type { WorkbenchDialogs, WorkbenchEvents } from './ports.ts';

export interface WorkbenchOptions {
  dbPath: string;
  mode: AppMode;
  /**
   * An already open store on `dbPath` (the CLI's) to use instead of opening one; `close()` then leaves it
   * open for its owner to close.
   */
  store?: Store;
  /** Jobs at once; default max(1, cores − 1). */
  concurrency?: number;
  /** The job worker script, also used for imports and scores (the Electron build passes its bundled worker); default the tsx entry. */
  workerUrl?: URL | string;
  dialogs?: WorkbenchDialogs;
  /** Logs unexpected errors; default console.error. */
  log?: (message: string) => void;
}

export interface Workbench {
  readonly store: Store;
  readonly runner: JobRunner;
  /** Parses dataset imports and samples in worker threads (the main thread only stores them). */
  readonly imports: ImportWorkers;
  /** Fits and scores held-out test-set scores in worker threads (the main thread only stores them). */
  readonly scores: ScoreWorkers;
  readonly runs: RunsService;
  readonly files: FileRegistry;
  readonly handlers: HandlerMap;
  /** Validate → handler → validate, errors as `{code, message}`; used by IPC and HTTP alike. */
  readonly dispatch: Dispatch;
  readonly events: WorkbenchEvents;
  /** Cancels running jobs, waits for workers, closes the database and deletes uploads. */
  close(): Promise<void>;
}

export function createEventHub(): WorkbenchEvents {
  const listeners = new Set<(event: EventName, payload: unknown) => void>();
  return {
    on(event, listener) {
      return this.onAny((name, payload) => {
        if (name === event) listener(payload as EventOf<typeof event>);
      });
    },
    onAny(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    emit(event, payload) {
      const checked = parseEvent(event, payload);
      for (const listener of [...listeners]) {
        try {
          listener(event, checked);
        } catch {
          // One failing subscriber (a closed stream) must not stop the others.
        }
      }
    },
  };
}

/** Turns runner events into contract events. */
export function forwardJobEvents(runner: Pick<JobRunner, 'subscribe'>, events: WorkbenchEvents): () => void {
  return runner.subscribe((event: JobEvent) => {
    switch (event.type) {
      case 'progress':
        events.emit('job.progress', event.progress);
        break;
      case 'status':
        events.emit('job.status', { jobId: event.jobId, status: event.status });
        break;
      case 'finished': {
        const outcome = event.outcome;
        events.emit('job.finished', {
          jobId: outcome.jobId,
          runIds: outcome.runIds,
          status: outcome.status,
          error: outcome.status === 'succeeded' ? null : outcome.error.message,
        });
        break;
      }
    }
  });
}

export async function createWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const log = options.log ?? ((message: string) => console.error(message));
  const store = options.store ?? openStore(options.dbPath);
  const ownsStore = options.store === undefined;
  let runs: RunsService | undefined;
  let runner: JobRunner | undefined;
  try {
    runs = createRunsService(store);
    runner = createJobRunner({
      persistence: runs,
      ...definedFields({ concurrency: options.concurrency, workerUrl: options.workerUrl }),
    });
  } catch (error) {
    runs?.dispose();
    if (ownsStore) store.close();
    throw error;
  }
  const files = createFileRegistry();
  const workerCalls = definedFields({ workerUrl: options.workerUrl });
  const imports = createImportWorkers(workerCalls);
  const scores = createScoreWorkers(workerCalls);
  const events = createEventHub();
  const stopForwarding = forwardJobEvents(runner, events);
  const grids = createGridsService(store, {
    runner,
    emit: (view) => events.emit('grid.progress', view),
  });
  const handlers = createHandlers({ store, runner, imports, scores, runs, grids, files, events, mode: options.mode, dialogs: options.dialogs ?? null, log });
  const dispatch = createGateway(handlers, {
    onInternalError: (channel, error) => log(`[workbench] ${channel}: ${(error as Error)?.stack ?? String(error)}`),
    diagnose: (error) => diagnoseStorageError(store.path, error),
  });

  let closed: Promise<void> | null = null;
  const finalRunner = runner;
  const finalRuns = runs;
  return {
    store,
    runner: finalRunner,
    imports,
    scores,
    runs: finalRuns,
    files,
    handlers,
    dispatch,
    events,
    close() {
      closed ??= (async () => {
        stopForwarding();
        await grids.close();
        await imports.close();
        await scores.close();
        await finalRunner.close();
        finalRuns.dispose();
        if (ownsStore) store.close();
        await files.close();
      })();
      return closed;
    },
  };
}
