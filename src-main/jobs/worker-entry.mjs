// Worker entry under plain Node (CLI, tests, bench): teach this thread TypeScript, then run the job worker.
// The Electron build bundles src-main/jobs/worker.ts itself and passes that URL to createJobRunner.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
