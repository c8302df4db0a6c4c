import { createJobRunner } from '../src-main/jobs/runner.ts';
import { tempStore, addDataset } from '../test/jobs/helpers.ts';
const t = tempStore();
const id = addDataset(t.store, 'iris');
const runner = createJobRunner({ store: t.store, concurrency: 1 });
for (let k = 0; k < 4; k++) {
  const t0 = performance.now();
  let started = 0;
  const off = runner.subscribe((e) => { if (e.type === 'progress' && e.progress.phase === 'started') started = performance.now() - t0; });
  await runner.submit({ kind: 'learn', datasetId: id, method: 'covariance' }).done;
  off();
  console.log('start', started.toFixed(0), 'total', (performance.now() - t0).toFixed(0));
}
await runner.close(); t.cleanup();
