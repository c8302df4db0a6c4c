import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import type { JobEvent } from '../../shared/domain/job.ts';
import type { JobRunner } from '../../src-main/jobs/runner.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';

const SAMPLES = new URL('../../src-main/samples/data/', import.meta.url);

/** Reads one of the bundled sample CSVs (numeric features, last column = class index). */
export function loadSample(name: 'iris' | 'wine' | 'digits' | 'breast_cancer'): DatasetMatrix {
  const manifest = JSON.parse(readFileSync(new URL('manifest.json', SAMPLES), 'utf8')) as Record<string, { classes: string[] }>;
  const lines = readFileSync(new URL(`${name}.csv`, SAMPLES), 'utf8').trim().split('\n');
  const header = lines[0]!.split(',');
  const d = header.length - 1;
  const rows = lines.slice(1);
  const features = new Float64Array(rows.length * d);
  const labels = new Int32Array(rows.length);
  rows.forEach((line, i) => {
    const cells = line.split(',');
    for (let f = 0; f < d; f++) features[i * d + f] = Number(cells[f]);
    labels[i] = Number(cells[d]);
  });
  return { nRows: rows.length, nFeatures: d, features, featureNames: header.slice(0, d), labels, classNames: manifest[name]!.classes };
}

/** A fresh on-disk store in a temp folder; `cleanup()` closes it and removes the folder. */
export function tempStore(): { store: Store; path: string; dir: string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'mw-jobs-'));
  const path = join(dir, 'workbench.db');
  const handle = {
    store: openStore(path),
    path,
    dir,
    cleanup() {
      handle.store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return handle;
}

export function addDataset(store: Store, name: 'iris' | 'wine' | 'digits' | 'breast_cancer', as: string = name): number {
  return store.datasets.insert({ name: as, matrix: loadSample(name), format: 'sample' }).id;
}

/** Resolves at the first event `match` accepts (deterministic synchronization, no sleeps). */
export function nextEvent(runner: JobRunner, match: (event: JobEvent) => boolean): Promise<JobEvent> {
  return new Promise((resolve) => {
    const off = runner.subscribe((event) => {
      if (match(event)) {
        off();
        resolve(event);
      }
    });
  });
}

/** Resolves when job `jobId` reports progress phase `phase` (e.g. 'started', 'fit'). */
export function phaseReached(runner: JobRunner, jobId: () => string, phase: string): Promise<JobEvent> {
  return nextEvent(runner, (e) => e.type === 'progress' && e.progress.jobId === jobId() && e.progress.phase === phase);
}

/** The fixture worker (test/jobs/fixtures/fixture-worker.mjs). */
export const FIXTURE_WORKER = new URL('./fixtures/fixture-worker.mjs', import.meta.url);

/**
 * Counts event-loop turns (setImmediate after setImmediate) until `stop()`, which returns the count: a main thread
 * blocked by synchronous work turns a few times, a free one continuously.
 */
export function countTurns(): { stop(): number } {
  let turns = 0;
  let finished = false;
  const spin = (): void => {
    if (finished) return;
    turns++;
    setImmediate(spin);
  };
  setImmediate(spin);
  return {
    stop() {
      finished = true;
      return turns;
    },
  };
}
