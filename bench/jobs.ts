/**
 * Job overhead benchmark: what running a fit as a background job costs on top of the fit itself.
 *
 * For a small (iris, 150×4) and a large (digits, 1797×64) dataset and two methods, it times
 *   - the fit in-process (`fitMetric`, what the job computes),
 *   - a cold job: a fresh runner, so the worker thread starts (tsx registration + module loading) and the
 *     dataset is copied once into a SharedArrayBuffer,
 *   - warm jobs: the next jobs on the same runner, which reuse the parked worker and the shared dataset,
 * and prints, per case, submit → worker has the job ("dispatch"), the total, and the overhead
 * (job total − the fit time measured inside the worker).
 *
 *   node --import tsx bench/jobs.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { JobSpec } from '../shared/domain/job.ts';
import { fitMetric } from '../shared/engine/fit.ts';
import { createJobRunner, type JobRunner } from '../src-main/jobs/runner.ts';
import { openStore } from '../src-main/storage/store.ts';
import { readSample } from './common.ts';
import { createRunsService } from '../src-main/services/runs.ts';

interface Timing {
  dispatchMs: number;
  totalMs: number;
  fitMs: number;
}

async function timeJob(runner: JobRunner, spec: JobSpec): Promise<Timing> {
  const t0 = performance.now();
  let dispatched = Number.NaN;
  const job = runner.submit(spec);
  const off = runner.subscribe((e) => {
    if (e.type === 'progress' && e.progress.jobId === job.jobId && e.progress.phase === 'started') dispatched = performance.now() - t0;
  });
  const { result } = await job.done;
  const totalMs = performance.now() - t0;
  off();
  if (result.kind !== 'learn') throw new Error('bench: expected a learn result');
  return { dispatchMs: dispatched, totalMs, fitMs: result.metric.summary.fitSeconds * 1000 };
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const ms = (x: number): string => `${x.toFixed(1)}`;

export async function runJobsBench(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-jobs-'));
  const store = openStore(join(dir, 'bench.db'));
  const rows: string[][] = [];
  try {
    for (const name of ['iris', 'digits']) {
      const data = readSample(name);
      const datasetId = store.datasets.insert({ name, matrix: data, format: 'sample' }).id;
      for (const [method, params] of [
        ['lda', {}],
        ['nca', { maxIter: 10 }],
      ] as const) {
        const spec: JobSpec = { kind: 'learn', datasetId, method, params };
        const local: number[] = [];
        for (let r = 0; r < 3; r++) {
          const t = performance.now();
          fitMetric(data, { method, params });
          local.push(performance.now() - t);
        }
        const runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1 });
        const cold = await timeJob(runner, spec);
        const warm: Timing[] = [];
        for (let r = 0; r < 3; r++) warm.push(await timeJob(runner, spec));
        await runner.close();
        const warmTotal = median(warm.map((w) => w.totalMs));
        const warmFit = median(warm.map((w) => w.fitMs));
        rows.push([
          `${name} ${data.nRows}×${data.nFeatures}`,
          method,
          ms(median(local)),
          ms(cold.dispatchMs),
          ms(cold.totalMs),
          ms(cold.totalMs - cold.fitMs),
          ms(median(warm.map((w) => w.dispatchMs))),
          ms(warmTotal),
          ms(warmTotal - warmFit),
        ]);
      }
    }
  } finally {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const header = ['dataset', 'method', 'in-process fit ms', 'cold dispatch ms', 'cold job ms', 'cold overhead ms', 'warm dispatch ms', 'warm job ms', 'warm overhead ms'];
  const widths = header.map((h, k) => Math.max(h.length, ...rows.map((r) => r[k]!.length)));
  const line = (cells: string[]) => cells.map((c, k) => (k < 2 ? c.padEnd(widths[k]!) : c.padStart(widths[k]!))).join('  ');
  console.log('\nJob overhead (worker start + data transfer) against the in-process fit; medians of 3 where repeated');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows) console.log(line(r));
  console.log('cold = a fresh runner (worker thread started, dataset copied once into shared memory);');
  console.log('warm = the next jobs, on the parked worker and the already shared dataset; overhead = job − fit in the worker.');
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await runJobsBench();
}
