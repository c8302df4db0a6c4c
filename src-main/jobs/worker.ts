/**
 * Entry of the product job worker: runs the job in `workerData` with the engine's executor. The runner starts
 * it through `worker-entry.mjs` under plain Node; the Electron build bundles this file (electron-vite
 * `?modulePath`) and passes that URL as `workerUrl`.
 */
import { executeJob } from './execute.ts';
import { runWorker } from './worker-host.ts';

runWorker(executeJob);
