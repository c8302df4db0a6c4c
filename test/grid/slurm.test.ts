/**
 * Grids on a real Slurm (issue 13): the single-node cluster of scripts/slurm-local.sh (`.ci/run` starts it).
 * A 2 data sets × 3 methods × 2 seeds grid is submitted, run by Slurm as a job array, collected and compared bit
 * for bit with the same grid run locally; a grid with a bad parameter value reports the failed cell while the
 * others land; collecting twice adds nothing; a grid of the learners of every kind of supervision (chunklets, labels,
 * pairs, quadruplets, comparisons) on labeled pairs and comparisons is bitwise the same on Slurm as locally.
 *
 * Needs `sbatch` on PATH and `sinfo` showing a node up. Under CI=true a missing cluster FAILS the test (CI starts
 * it); elsewhere the tests are skipped with the reason printed.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findOnPath } from '../../src-main/grid/slurm.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';
import { runCli } from '../cli/helpers.ts';
import { expectSameCell } from './helpers.ts';

/** Why Slurm cannot be used here, or null when a node answers. */
function slurmMissing(): string | null {
  if (!findOnPath('sbatch', process.env)) return 'sbatch is not on PATH';
  const r = spawnSync('sinfo', ['-h', '-o', '%T'], { encoding: 'utf8', timeout: 20_000 });
  if (r.status !== 0) return `sinfo does not answer (${(r.stderr || r.error?.message || `exit ${r.status}`).trim()})`;
  if (!/^(idle|mixed|allocated|completing)/m.test(r.stdout)) return `no Slurm node is up (sinfo: ${r.stdout.trim() || 'no nodes'})`;
  return null;
}

const missing = slurmMissing();
const inCi = process.env.CI === 'true';
if (missing && !inCi) console.log(`test/grid/slurm.test.ts skipped: ${missing}; start a local cluster with scripts/slurm-local.sh start`);

describe('Slurm is available under CI', () => {
  it.runIf(inCi)('has a cluster (.ci/run starts one with scripts/slurm-local.sh)', () => {
    expect(missing, 'CI=true but Slurm is not up').toBeNull();
  });
});

describe.skipIf(missing !== null)('grids on a real Slurm', () => {
  let dir: string;
  let db: string;
  const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir, env: process.env });
  const withStore = <T>(fn: (store: Store) => T): T => {
    const store = openStore(db);
    try {
      return fn(store);
    } finally {
      store.close();
    }
  };
  /** Polls `grid status` until no cell is pending (at most `limitS` seconds; not a timing assertion). */
  const waitForBundle = async (bundle: string, limitS = 240): Promise<{ cells: number; done: number; failed: number; pending: number }> => {
    let status = { cells: 0, done: 0, failed: 0, pending: 1 };
    for (let t = 0; t < limitS; t++) {
      status = ((await cli('grid', 'status', '--bundle', bundle)).json as { grid: typeof status }).grid;
      if (status.pending === 0) return status;
      await sleep(1000);
    }
    const squeue = spawnSync('squeue', [], { encoding: 'utf8' }).stdout;
    throw new Error(`The Slurm grid in ${bundle} did not finish within ${limitS} s: ${JSON.stringify(status)}\n${squeue}`);
  };
  const GRID = ['--datasets', 'iris,wine', '--methods', 'euclidean,lda,itml', '--seeds', '0,1', '--param', 'itml.maxIter=40', '--folds', '3'];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'wb-slurm-'));
    db = join(dir, 'slurm.sqlite');
    expect((await cli('samples', 'add', 'iris')).code).toBe(0);
    expect((await cli('samples', 'add', 'wine')).code).toBe(0);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('submits, runs, collects a 12-cell grid: bitwise the same as the local grid; collect is idempotent', async () => {
    const local = ((await cli('grid', 'run', ...GRID)).json as { grid: { runs: number[] } }).grid;
    expect(local.runs).toHaveLength(12);

    const bundle = join(dir, 'bundle');
    const submitted = await cli('grid', 'submit', ...GRID, '--slurm', '--out', bundle, '--max-parallel', '2', '--time', '00:05:00');
    expect(submitted.code, submitted.stderr).toBe(0);
    const grid = (submitted.json as { grid: { id: string; bundle: string; cells: number; slurmJobId: string } }).grid;
    expect(grid).toMatchObject({ bundle, cells: 12, slurmJobId: expect.stringMatching(/^\d+$/) });
    expect(readFileSync(join(bundle, 'grid.sbatch'), 'utf8')).toContain('#SBATCH --array=0-11%2');

    expect(await waitForBundle(bundle)).toEqual({ cells: 12, done: 12, failed: 0, pending: 0 });
    const collected = ((await cli('grid', 'collect', '--bundle', bundle)).json as { grid: { collected: number; failed: unknown[]; runs: number[] } }).grid;
    expect(collected.collected).toBe(12);
    expect(collected.failed).toEqual([]);
    withStore((s) => {
      collected.runs.forEach((id, k) => {
        expectSameCell(s, local.runs[k]!, id);
        expect((s.runs.require(id).protocol as { grid: unknown }).grid).toMatchObject({ id: grid.id, cell: k, where: 'slurm', slurmJobId: grid.slurmJobId, slurmArrayTaskId: k });
      });
    });
    const runsBefore = withStore((s) => s.runs.list().length);
    expect(((await cli('grid', 'collect', '--bundle', bundle)).json as { grid: unknown }).grid).toEqual({ collected: 0, failed: [], runs: [] });
    expect(withStore((s) => s.runs.list().length)).toBe(runsBefore);
  }, 300_000);

  it('reports a cell that fails (bad parameter) while the other cells land', async () => {
    const bundle = join(dir, 'bad');
    const args = ['--datasets', 'iris', '--methods', 'euclidean,itml', '--param', 'itml.gamma=1,-1', '--param', 'itml.maxIter=40', '--folds', '3'];
    expect((await cli('grid', 'submit', ...args, '--slurm', '--out', bundle)).code).toBe(0);
    expect(await waitForBundle(bundle)).toEqual({ cells: 3, done: 2, failed: 1, pending: 0 });
    const c = ((await cli('grid', 'collect', '--bundle', bundle)).json as { grid: { collected: number; failed: Array<{ cell: number; error: string }>; runs: number[] } }).grid;
    expect(c.collected).toBe(2);
    expect(c.failed).toEqual([{ cell: 2, error: expect.stringMatching(/gamma/) }]);
    expect(readFileSync(join(bundle, 'logs', 'cell-2.out'), 'utf8') + readFileSync(join(bundle, 'logs', 'cell-2.err'), 'utf8')).toMatch(/gamma/);
    withStore((s) => expect(c.runs.map((id) => s.runs.require(id).status)).toEqual(['succeeded', 'succeeded']));
  }, 300_000);

  it('runs a grid of rca, lfda, sdml, lsml and scml on labeled pairs and comparisons: bitwise the same as the local grid', async () => {
    expect((await cli('constraints', 'generate', '--dataset', 'iris', '--pairs', '60', '--seed', '0')).code).toBe(0);
    expect((await cli('comparisons', 'generate', '--dataset', 'iris', '--count', '200', '--seed', '0')).code).toBe(0);
    const args = ['--datasets', 'iris,wine', '--methods', 'rca,lfda,sdml,lsml,scml', '--seeds', '0,1', '--param', 'scml.basis=triplet_diffs', '--folds', '3'];
    const local = ((await cli('grid', 'run', ...args)).json as { grid: { runs: number[] } }).grid;
    expect(local.runs).toHaveLength(20);
    const bundle = join(dir, 'kinds');
    const submitted = await cli('grid', 'submit', ...args, '--slurm', '--out', bundle, '--max-parallel', '2', '--time', '00:05:00');
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(await waitForBundle(bundle, 480)).toEqual({ cells: 20, done: 20, failed: 0, pending: 0 });
    const collected = ((await cli('grid', 'collect', '--bundle', bundle)).json as { grid: { collected: number; failed: unknown[]; runs: number[] } }).grid;
    expect([collected.collected, collected.failed]).toEqual([20, []]);
    withStore((s) => collected.runs.forEach((id, k) => expectSameCell(s, local.runs[k]!, id)));
  }, 600_000);
});
