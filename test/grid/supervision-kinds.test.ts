/**
 * A grid of the learners of every kind of supervision (rca: chunklets, lfda: labels, sdml: pairs, lsml:
 * quadruplets, scml: comparisons) run locally and through the Slurm path — the bundle (which carries the data
 * sets' pairs and comparisons), the array tasks run in-process (`runGridTask`, what `workbench grid task` runs) with a
 * stand-in sbatch — then collected: bit for bit the same L and figures. iris carries labeled pairs and comparisons
 * (the learners take them: 'labeled' is the default source there); wine has none (generated from class labels).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid } from '../../shared/domain/grid.ts';
import { readBundle } from '../../src-main/grid/bundle.ts';
import { methodCountsSupervision } from '../../src-main/grid/local.ts';
import { runGridTask } from '../../src-main/grid/task.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';
import { runCli } from '../cli/helpers.ts';
import { expectSameCell } from './helpers.ts';

let dir: string;
let db: string;
let fakeBin: string;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir, env: { PATH: fakeBin } });
const withStore = <T>(fn: (store: Store) => T): T => {
  const store = openStore(db);
  try {
    return fn(store);
  } finally {
    store.close();
  }
};
const GRID = ['--datasets', 'iris,wine', '--methods', 'rca,lfda,sdml,lsml,scml', '--seeds', '0,1', '--param', 'scml.basis=triplet_diffs', '--folds', '3'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-grid-kinds-'));
  db = join(dir, 'grid.sqlite');
  fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'sbatch'), '#!/bin/sh\necho "4243;local"\n');
  chmodSync(join(fakeBin, 'sbatch'), 0o755);
  for (const sample of ['iris', 'wine']) expect((await cli('samples', 'add', sample)).code).toBe(0);
  expect((await cli('constraints', 'generate', '--dataset', 'iris', '--pairs', '60', '--seed', '0')).code).toBe(0);
  expect((await cli('comparisons', 'generate', '--dataset', 'iris', '--count', '200', '--seed', '0')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a grid of rca, lfda, sdml, lsml and scml', () => {
  it('gives every method that counts its supervision one cell per count, and --derived to every cell', () => {
    const cells = expandGrid({ datasets: [1], methods: ['rca', 'lfda', 'sdml', 'lsml', 'scml'], seeds: [0], counts: [10, 20], derived: true }, methodCountsSupervision);
    expect(cells.map((c) => [c.method, c.count])).toEqual([
      ['rca', 10], ['rca', 20], ['lfda', null], ['sdml', 10], ['sdml', 20], ['lsml', 10], ['lsml', 20], ['scml', 10], ['scml', 20],
    ]);
    expect(cells.every((c) => c.spec.derived === true)).toBe(true);
    expect(cells.find((c) => c.method === 'scml')!.spec).toMatchObject({ constraintSource: 'generated', pairs: 10 });
  });

  it('runs locally and collected from the Slurm path bit for bit equal, each run recording the supervision it learned from', async () => {
    const local = await cli('grid', 'run', ...GRID);
    expect(local.code, local.stderr).toBe(0);
    const localRuns = (local.json as { grid: { runs: number[] } }).grid.runs;
    expect(localRuns).toHaveLength(20);

    const bundle = join(dir, 'bundle');
    const submitted = await cli('grid', 'submit', ...GRID, '--slurm', '--out', bundle);
    expect(submitted.code, submitted.stderr).toBe(0);
    const manifest = readBundle(bundle);
    for (let k = 0; k < manifest.cells.length; k++) {
      const result = runGridTask(bundle, k, { SLURM_ARRAY_JOB_ID: '4243', SLURM_ARRAY_TASK_ID: String(k) });
      expect(result.status, JSON.stringify(result)).toBe('succeeded');
    }
    const collected = await cli('grid', 'collect', '--bundle', bundle);
    expect(collected.code, collected.stderr).toBe(0);
    const c = (collected.json as { grid: { collected: number; failed: unknown[]; runs: number[] } }).grid;
    expect([c.collected, c.failed]).toEqual([20, []]);

    withStore((s) => {
      const iris = s.datasets.getByName('iris')!.id;
      const stored = { pairs: s.constraints.list(iris).length, comparisons: s.comparisons.list(iris).length };
      c.runs.forEach((id, k) => expectSameCell(s, localRuns[k]!, id));
      const byCell = localRuns.map((id) => s.runs.require(id));
      const protocolOf = (method: string, datasetId: number) =>
        byCell.find((r) => r.method === method && r.datasetId === datasetId)!.protocol as { constraintSource?: string; constraints?: unknown[]; comparisons?: unknown[] };
      // iris: the user's supervision, recorded exactly; lfda takes none.
      expect(protocolOf('sdml', iris)).toMatchObject({ constraintSource: 'labeled' });
      expect(protocolOf('sdml', iris).constraints).toHaveLength(stored.pairs);
      expect(protocolOf('sdml', iris).comparisons).toBeUndefined();
      expect(protocolOf('scml', iris).comparisons).toHaveLength(stored.comparisons);
      expect(protocolOf('lsml', iris).comparisons).toHaveLength(stored.comparisons);
      expect(protocolOf('rca', iris)).toMatchObject({ constraintSource: 'labeled' });
      expect(protocolOf('lfda', iris).constraintSource).toBeUndefined();
      // wine: generated from its class labels.
      const wine = s.datasets.getByName('wine')!.id;
      for (const m of ['rca', 'sdml', 'lsml', 'scml']) expect(protocolOf(m, wine)).toMatchObject({ constraintSource: 'generated' });
      // Each fold of a labeled run learned from the user's items inside its training part only.
      const scmlFolds = s.evaluations.get<Record<string, unknown>, { trainPairs: number }>(byCell.find((r) => r.method === 'scml' && r.datasetId === iris)!.id)!.folds;
      for (const f of scmlFolds) expect(f.trainPairs).toBeLessThan(stored.comparisons);
    });
  }, 600_000);
});
