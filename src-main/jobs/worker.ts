/**
 * Entry of the product job worker: runs the jobs it is sent with the engine's executor, parses the dataset
 * imports it is sent (import-worker.ts), transferring the parsed arrays back, scores metrics on test sets
 * (score-worker.ts) and serves the fold pool's helper tasks. The runner starts
 * it through `worker-entry.mjs` under plain Node; the Electron build bundles this file (electron-vite
 * `?modulePath`) and passes that URL as `workerUrl`.
 */
import { executeJob } from './execute.ts';
import { serveHelperTask } from './fold-pool.ts';
import { executeImport, parsedTransferList } from './import-execute.ts';
import { executeScore } from './score-execute.ts';
import { runWorker } from './worker-host.ts';

runWorker(executeJob, { importer: executeImport, transferList: parsedTransferList, scorer: executeScore, helper: serveHelperTask });
