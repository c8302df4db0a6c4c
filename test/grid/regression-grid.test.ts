/**
 * A grid on a regression data set (the diabetes sample): run locally, and as a Slurm bundle whose tasks run in-process
 * (the bundle carries the Float64 targets) — collected into another store, the cells are bit for bit the local ones.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runGridTask } from '../../src-main/grid/task.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { runCli } from '../cli/helpers.ts';
import { figures } from './helpers.ts';

let dir: string;
let fakeBin: string;
const GRID = ['--datasets', 'diabetes', '--methods', 'euclidean,mlkr', '--seeds', '0', '--param', 'mlkr.maxIter=15', '--folds', '3'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-grid-regression-'));
  fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'sbatch'), '#!/bin/sh\necho "77;local"\n');
  chmodSync(join(fakeBin, 'sbatch'), 0o755);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cli = (db: string, ...args: string[]) => runCli(['--db', join(dir, db), '--json', ...args], { cwd: dir, env: { PATH: fakeBin } });

describe('grids on a regression data set', () => {
  it('run locally, and through a Slurm bundle collected elsewhere: the same RMSE figures bit for bit', async () => {
    expect((await cli('a.sqlite', 'samples', 'add', 'diabetes')).code).toBe(0);
    const local = (await cli('a.sqlite', 'grid', 'run', ...GRID)).json as { grid: { runs: number[] } };
    expect(local.grid.runs).toHaveLength(2);
    const bundle = join(dir, 'bundle');
    expect((await cli('a.sqlite', 'grid', 'submit', ...GRID, '--slurm', '--out', bundle)).code).toBe(0);
    expect(readdirSync(join(bundle, 'datasets')).sort()).toEqual(['d0.features.f64', 'd0.json', 'd0.targets.f64']);
    for (const k of [0, 1]) expect(runGridTask(bundle, k, {}).status).toBe('succeeded');
    const collected = (await cli('b.sqlite', 'grid', 'collect', '--bundle', bundle)).json as { grid: { collected: number; runs: number[] } };
    expect(collected.grid.collected).toBe(2);
    const a = openStore(join(dir, 'a.sqlite'));
    const b = openStore(join(dir, 'b.sqlite'));
    try {
      local.grid.runs.forEach((id, k) => {
        const summary = (figures(a, id) as { summary: { rmse: { folds: number[] } } }).summary;
        expect(summary.rmse.folds).toHaveLength(3);
        expect(figures(b, collected.grid.runs[k]!)).toEqual(figures(a, id));
      });
      expect(b.datasets.list()[0]).toMatchObject({ task: 'regression', target: 'target', contentHash: a.datasets.list()[0]!.contentHash });
    } finally {
      a.close();
      b.close();
    }
  });
});
