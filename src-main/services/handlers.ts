/**
 * The handler table: every contract channel → the service call that answers it. Each service is the module of its
 * area (datasets, constraints, comparisons, files, methods, scores, jobs and runs, grids, reports, export) and owns
 * its channels' logic, mappers and transactions; this table only names them. Requests arrive already validated by
 * the gateway (shared/ipc/validate.ts); the services still look every id up, so an id that does not exist (or belongs
 * to nothing) is a clean NOT_FOUND.
 *
 * A new channel: its schema in shared/ipc/contract.ts, its implementation in its area's service, one line here.
 */
import type { AppMode } from '../../shared/domain/enums.ts';
import type { HandlerMap } from '../../shared/ipc/contract.ts';
import type { ImportWorkers } from '../jobs/import-worker.ts';
import type { JobRunner } from '../jobs/runner.ts';
import type { ScoreWorkers } from '../jobs/score-worker.ts';
import type { Store } from '../storage/store.ts';
import { createAppService } from './app.ts';
import { createComparisonsService } from './comparisons.ts';
import { createConstraintsService } from './constraints.ts';
import { createDatasetsService } from './datasets.ts';
import { createExportService } from './export.ts';
import type { GridsService } from './grids.ts';
import { createJobsService } from './jobs.ts';
import { listMethods } from './methods.ts';
import { committedNotifier, type WorkbenchDialogs, type WorkbenchEvents } from './ports.ts';
import { createReportService } from './report.ts';
import type { RunsService } from './runs.ts';
import { createScoresService } from './score.ts';
import { createFilesService, type FileRegistry } from './uploads.ts';

export interface HandlerDeps {
  store: Store;
  runner: JobRunner;
  /** Parses imported files and samples in worker threads; the services store the result on this thread. */
  imports: ImportWorkers;
  /** Fits and scores test-set scores in worker threads; the services store run scores on this thread. */
  scores: ScoreWorkers;
  runs: RunsService;
  /** Experiment grids on the local worker pool. */
  grids: GridsService;
  files: FileRegistry;
  events: WorkbenchEvents;
  mode: AppMode;
  dialogs: WorkbenchDialogs | null;
  /** Logs what must not fail a call (an event listener's error after a commit); default: nothing. */
  log?: (message: string) => void;
}

export function createHandlers(deps: HandlerDeps): HandlerMap {
  const { store, runner, imports, scores, runs, grids, files, events, mode, dialogs } = deps;
  const notify = committedNotifier(events, deps.log);
  const app = createAppService({ store, mode });
  const datasets = createDatasetsService({ store, imports, files, events, notify });
  const upload = createFilesService({ files, dialogs });
  const constraints = createConstraintsService({ store, files, notify });
  const comparisons = createComparisonsService({ store, files });
  const scoring = createScoresService({ store, scores, events });
  const jobs = createJobsService({ store, runner, runs });
  const report = createReportService({ store, dialogs });
  const exports = createExportService({ store, dialogs });

  return {
    'app.info': app.info,

    'samples.list': datasets.samples,
    'samples.add': datasets.sample,

    'datasets.list': datasets.list,
    'datasets.resolve': datasets.resolve,
    'datasets.get': datasets.get,
    'datasets.data': datasets.data,
    'datasets.delete': datasets.remove,
    'datasets.rename': datasets.rename,
    'datasets.preview': datasets.preview,
    'datasets.import': datasets.import,
    'datasets.cancelImport': datasets.cancelImport,

    'files.openDialog': upload.openDialog,
    'files.upload': upload.upload,

    'constraints.list': constraints.list,
    'constraints.set': constraints.set,
    'constraints.remove': constraints.remove,
    'constraints.clear': constraints.clear,
    'constraints.generate': constraints.generate,
    'constraints.import': constraints.import,
    'constraints.export': constraints.export,

    'comparisons.list': comparisons.list,
    'comparisons.add': comparisons.add,
    'comparisons.replace': comparisons.replace,
    'comparisons.remove': comparisons.remove,
    'comparisons.clear': comparisons.clear,
    'comparisons.generate': comparisons.generate,
    'comparisons.import': comparisons.import,
    'comparisons.export': comparisons.export,
    'comparisons.derived': comparisons.derived,

    'methods.list': listMethods,
    'methods.score': scoring.method,

    'jobs.start': jobs.start,
    'jobs.cancel': jobs.cancel,
    'jobs.list': jobs.list,

    'grids.start': ({ spec }) => ({ grid: grids.start(spec) }),
    'grids.list': () => ({ grids: grids.list() }),
    'grids.cancel': ({ gridId }) => ({ cancelled: grids.cancel(gridId) }),

    'runs.list': jobs.listRuns,
    'runs.get': jobs.showRun,
    'runs.score': scoring.run,
    'scores.cancel': scoring.cancel,
    'runs.rerun': jobs.rerun,
    'runs.report': report.build,
    'runs.reportSaveDialog': report.saveDialog,

    'export.build': exports.build,
    'export.saveDialog': exports.saveDialog,
  };
}
