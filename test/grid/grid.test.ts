/**
 * Grids without a cluster (issue 13): cell expansion, `grid run` on the local worker pool, and the Slurm path
 * with the array tasks run in-process (`runGridTask`, exactly what `workbench grid task DIR INDEX` runs) and a
 * stand-in `sbatch` on PATH — then collect, compared bit for bit with the local grid; failures; idempotence.
 * test/grid/slurm.test.ts runs the same against a real Slurm.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expandGrid, parameterCombinations } from '../../shared/domain/grid.ts';
import { readBundle } from '../../src-main/grid/bundle.ts';
import { startLocalGrid } from '../../src-main/grid/local.ts';
import { createJobRunner, type JobRunner } from '../../src-main/jobs/runner.ts';
import { createRunsService } from '../../src-main/services/runs.ts';
import { runGridTask } from '../../src-main/grid/task.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';
import { LATEST_SCHEMA_VERSION, MIGRATIONS } from '../../src-main/storage/migrations/index.ts';
import { runCli } from '../cli/helpers.ts';
import { expectSameCell, figures } from './helpers.ts';

let dir: string;
let db: string;
let fakeBin: string;
// PATH holds only the stand-ins for sbatch and squeue (so a real Slurm on this machine is not asked).
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir, env: { PATH: fakeBin } });
const withStore = <T>(fn: (store: Store) => T): T => {
  const store = openStore(db);
  try {
    return fn(store);
  } finally {
    store.close();
  }
};
const GRID = ['--datasets', 'iris,wine', '--methods', 'euclidean,lda,itml', '--seeds', '0,1', '--param', 'itml.maxIter=40', '--folds', '3'];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-grid-'));
  db = join(dir, 'grid.sqlite');
  // A stand-in sbatch: records its arguments and answers a job id, as `sbatch --parsable` does.
  fakeBin = join(dir, 'bin');
  mkdirSync(fakeBin);
  writeFileSync(join(fakeBin, 'sbatch'), `#!/bin/sh\necho "$@" >> "${join(dir, 'sbatch-calls')}"\necho "4242;local"\n`);
  chmodSync(join(fakeBin, 'sbatch'), 0o755);
  // A stand-in squeue: prints DIR/squeue-out (lines "TASK STATE") when present, else fails as an unreachable squeue.
  writeFileSync(join(fakeBin, 'squeue'), `#!/bin/sh\n[ -f "${join(dir, 'squeue-out')}" ] || exit 1\n/bin/cat "${join(dir, 'squeue-out')}"\n`);
  chmodSync(join(fakeBin, 'squeue'), 0o755);
  // A stand-in sacct: prints DIR/sacct-out (lines "JOB_TASK|STATE") when present, else fails as with accounting off.
  writeFileSync(join(fakeBin, 'sacct'), `#!/bin/sh\n[ -f "${join(dir, 'sacct-out')}" ] || exit 1\n/bin/cat "${join(dir, 'sacct-out')}"\n`);
  chmodSync(join(fakeBin, 'sacct'), 0o755);
  expect((await cli('samples', 'add', 'iris')).code).toBe(0);
  expect((await cli('samples', 'add', 'wine')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('expandGrid', () => {
  const pairs = (m: string) => m === 'itml';
  it('orders cells datasets → methods → parameter values → counts → seeds, counts only for pair methods', () => {
    const cells = expandGrid({ datasets: [1, 2], methods: ['lda', 'itml'], seeds: [0, 1], counts: [10, 20], params: { itml: { gamma: [0.5, 2] } } }, pairs);
    // per dataset: lda 2 seeds + itml 2 gammas × 2 counts × 2 seeds
    expect(cells).toHaveLength(2 * (2 + 8));
    expect(cells.map((c) => c.index)).toEqual(cells.map((_, k) => k));
    expect(cells.slice(0, 4).map((c) => [c.datasetId, c.method, c.count, c.seed, c.params])).toEqual([
      [1, 'lda', null, 0, {}],
      [1, 'lda', null, 1, {}],
      [1, 'itml', 10, 0, { gamma: 0.5 }],
      [1, 'itml', 10, 1, { gamma: 0.5 }],
    ]);
    expect(cells[6]).toMatchObject({ method: 'itml', count: 10, params: { gamma: 2 }, spec: { kind: 'evaluate', constraintSource: 'generated', pairs: 10, params: { gamma: 2 } } });
    expect(cells[2]!.spec).not.toHaveProperty('protocol');
    expect(cells[0]!.spec).not.toHaveProperty('pairs');
  });

  it('refuses empty lists and bad seeds or counts, naming them', () => {
    expect(() => expandGrid({ datasets: [], methods: ['lda'], seeds: [0] }, pairs)).toThrow(/at least one of datasets/);
    expect(() => expandGrid({ datasets: [1], methods: ['lda'], seeds: [-1] }, pairs)).toThrow(/seeds must be integers ≥ 0, got -1/);
    expect(() => expandGrid({ datasets: [1], methods: ['itml'], seeds: [0], counts: [0] }, pairs)).toThrow(/counts must be integers ≥ 1, got 0/);
    expect(() => parameterCombinations({ gamma: [] })).toThrow(/'gamma' has no values/);
    expect(parameterCombinations({ a: [1, 2], b: ['x', 'y'] })).toEqual([{ a: 1, b: 'x' }, { a: 1, b: 'y' }, { a: 2, b: 'x' }, { a: 2, b: 'y' }]);
  });
});

describe('grid run, submit, task, status, collect', () => {
  let local: { id: string; cells: number; runs: number[] };
  let bundle: string;

  it('migration 3 adds the grid tables', () => {
    expect(MIGRATIONS.find((m) => m.name === 'grids')).toBeTruthy();
    withStore((s) => {
      expect(s.schemaVersion).toBe(LATEST_SCHEMA_VERSION);
      expect(s.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('grids', 'grid_cells') ORDER BY name`).all()).toEqual([{ name: 'grid_cells' }, { name: 'grids' }]);
    });
  });

  it('grid run runs every cell as an evaluation with its metric, one run per cell, marked local', async () => {
    const r = await cli('grid', 'run', ...GRID);
    expect(r.code, r.stderr).toBe(0);
    local = (r.json as { grid: typeof local }).grid;
    expect(local).toMatchObject({ cells: 12 });
    expect(local.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(local.runs).toHaveLength(12);
    withStore((s) => {
      const cells = s.grids.cells(local.id);
      expect(cells.map((c) => [c.cell, c.status, c.runId])).toEqual(local.runs.map((id, k) => [k, 'succeeded', id]));
      local.runs.forEach((id, k) => {
        const run = s.runs.require(id);
        expect(run).toMatchObject({ kind: 'evaluate', status: 'succeeded', parentRunId: null });
        expect((run.protocol as { grid: unknown }).grid).toMatchObject({ id: local.id, cell: k, where: 'local' });
        expect(s.metrics.get(id)).not.toBeNull();
      });
      // cell 4 is iris × itml × seed 0: the parameter reached the learner, the folds are 3
      expect(s.runs.require(local.runs[4]!)).toMatchObject({ method: 'itml', seed: 0, params: { maxIter: 40 } });
      expect(s.evaluations.get<{ protocol: { folds: number } }>(local.runs[4]!)!.summary.protocol.folds).toBe(3);
    });
    // like any run: listed, shown with both the evaluation and the metric, exported
    const shown = (await cli('run', 'show', String(local.runs[0]))).json as { run: { evaluation: { accuracy: { mean: number } }; metric: { shape: number[] } } };
    expect(shown.run.metric.shape).toEqual([4, 4]);
    expect(shown.run.evaluation.accuracy.mean).toBeGreaterThan(0.9);
    const out = join(dir, 'cell0.npz');
    expect((await cli('export', '--run', String(local.runs[0]), '--format', 'npz', '--out', out)).code).toBe(0);
    expect(existsSync(out)).toBe(true);
  });

  it('grid submit --slurm writes a self-contained bundle and an array script, and submits it with sbatch', async () => {
    bundle = join(dir, 'bundle');
    const r = await cli('grid', 'submit', ...GRID, '--slurm', '--out', bundle, '--max-parallel', '3', '--partition', 'short', '--time', '00:10:00', '--cpus-per-task', '2', '--workbench', '/shared/node24/bin/node /shared/mw/bin/workbench.mjs');
    expect(r.code, r.stderr).toBe(0);
    const g = (r.json as { grid: Record<string, unknown> }).grid;
    expect(g).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), bundle, cells: 12, slurmJobId: '4242' });
    expect(readFileSync(join(dir, 'sbatch-calls'), 'utf8').trim()).toBe(`--parsable ${join(bundle, 'grid.sbatch')}`);
    const script = readFileSync(join(bundle, 'grid.sbatch'), 'utf8');
    for (const line of ['#SBATCH --array=0-11%3', '#SBATCH --partition=short', '#SBATCH --time=00:10:00', '#SBATCH --cpus-per-task=2']) expect(script).toContain(line);
    expect(script).toContain(`exec /shared/node24/bin/node /shared/mw/bin/workbench.mjs grid task '${bundle}' "$SLURM_ARRAY_TASK_ID"`);
    const manifest = readBundle(bundle);
    expect(manifest.gridId).toBe(g.id);
    expect(manifest.cells).toHaveLength(12);
    expect(readdirSync(join(bundle, 'datasets')).sort()).toEqual(['d0.features.f64', 'd0.json', 'd0.labels.i32', 'd1.features.f64', 'd1.json', 'd1.labels.i32']);
    // the same Float64 bytes as the store holds
    withStore((s) => {
      const iris = s.datasets.loadMatrix(manifest.datasets[0]!.id);
      expect(Buffer.from(iris.features.buffer, iris.features.byteOffset, iris.features.byteLength).equals(readFileSync(join(bundle, 'datasets', 'd0.features.f64')))).toBe(true);
    });
    expect(((await cli('grid', 'status', '--bundle', bundle)).json as { grid: unknown }).grid).toEqual({ cells: 12, done: 0, failed: 0, pending: 12 });
  });

  it('each task writes its result atomically; status counts them', async () => {
    for (let k = 0; k < 6; k++) expect(runGridTask(bundle, k, { SLURM_ARRAY_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: String(k) }).status).toBe('succeeded');
    expect(((await cli('grid', 'status', '--bundle', bundle)).json as { grid: unknown }).grid).toEqual({ cells: 12, done: 6, failed: 0, pending: 6 });
    // squeue still has tasks 6…11 (queued or running): they are pending; once it lets go of 10 and 11 without a
    // result file, those count as failed.
    writeFileSync(join(dir, 'squeue-out'), '6 RUNNING\n7 RUNNING\n8 PENDING\n9 PENDING\n');
    expect(((await cli('grid', 'status', '--bundle', bundle)).json as { grid: unknown }).grid).toEqual({ cells: 12, done: 6, failed: 2, pending: 4 });
    rmSync(join(dir, 'squeue-out'));
    for (let k = 6; k < 12; k++) runGridTask(bundle, k, { SLURM_ARRAY_JOB_ID: '4242', SLURM_ARRAY_TASK_ID: String(k) });
    const files = readdirSync(join(bundle, 'results'));
    expect(files).toHaveLength(12);
    expect(files.every((f) => /^cell-\d{5}\.json$/.test(f))).toBe(true); // no temp file left behind
    const result = JSON.parse(readFileSync(join(bundle, 'results', 'cell-00004.json'), 'utf8'));
    expect(result).toMatchObject({ status: 'succeeded', cell: 4, seed: 0, ranOn: { slurmJobId: '4242', slurmArrayTaskId: 4 }, versions: { node: process.version } });
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['spec', 'evaluation', 'metric', 'timings', 'versions']));
    const task = await cli('grid', 'task', bundle, '99');
    expect(task.code).toBe(1);
    expect((task.errorJson as { error: { message: string } }).error.message).toMatch(/INDEX must be a cell of the grid, 0…11, got 99/);
  });

  it('collect imports every cell: bitwise the same L and figures as the local grid; collecting again adds nothing', async () => {
    const r = await cli('grid', 'collect', '--bundle', bundle);
    expect(r.code, r.stderr).toBe(0);
    const c = (r.json as { grid: { collected: number; failed: unknown[]; runs: number[] } }).grid;
    expect(c.collected).toBe(12);
    expect(c.failed).toEqual([]);
    expect(c.runs).toHaveLength(12);
    withStore((s) => {
      c.runs.forEach((id, k) => {
        expectSameCell(s, local.runs[k]!, id);
        expect((s.runs.require(id).protocol as { grid: unknown }).grid).toEqual({ id: readBundle(bundle).gridId, cell: k, where: 'slurm', host: expect.any(String), slurmJobId: '4242', slurmArrayTaskId: k });
      });
    });
    const before = withStore((s) => s.runs.list().length);
    const again = await cli('grid', 'collect', '--bundle', bundle);
    expect((again.json as { grid: unknown }).grid).toEqual({ collected: 0, failed: [], runs: [] });
    expect(withStore((s) => s.runs.list().length)).toBe(before);
  });

  it('PCA first (--reduce) reaches every cell, locally and through a bundle task: composed metrics, bitwise the same', async () => {
    const args = ['--datasets', 'wine', '--methods', 'itml', '--seeds', '0', '--reduce', '3', '--folds', '3', '--param', 'itml.maxIter=40'];
    const here = ((await cli('grid', 'run', ...args)).json as { grid: { runs: number[] } }).grid;
    const out = join(dir, 'reduce-bundle');
    const submitted = await cli('grid', 'submit', ...args, '--slurm', '--out', out);
    expect(submitted.code, submitted.stderr).toBe(0);
    expect(runGridTask(out, 0, { SLURM_ARRAY_JOB_ID: '4243', SLURM_ARRAY_TASK_ID: '0' }).status).toBe('succeeded');
    const c = ((await cli('grid', 'collect', '--bundle', out)).json as { grid: { runs: number[] } }).grid;
    withStore((s) => {
      expectSameCell(s, here.runs[0]!, c.runs[0]!);
      const m = s.metrics.get(here.runs[0]!)!;
      expect([m.nComponents, m.nFeatures]).toEqual([3, 13]);
      expect((s.runs.require(here.runs[0]!).protocol as { reduce?: number }).reduce).toBe(3);
    });
  });

  it('collects into another store too: the data sets come from the bundle, L and figures are still bitwise the same', async () => {
    const otherDb = join(dir, 'other.sqlite');
    const r = await runCli(['--db', otherDb, '--json', 'grid', 'collect', '--bundle', bundle], { cwd: dir, env: { PATH: fakeBin } });
    expect(r.code, r.stderr).toBe(0);
    const c = (r.json as { grid: { collected: number; runs: number[] } }).grid;
    expect(c.collected).toBe(12);
    const other = openStore(otherDb);
    try {
      expect(other.datasets.list().map((d) => d.name)).toEqual(['iris', 'wine']);
      withStore((s) => {
        c.runs.forEach((id, k) => {
          const here = s.metrics.get(local.runs[k]!)!;
          const there = other.metrics.get(id)!;
          expect(Buffer.from(there.L.buffer).equals(Buffer.from(here.L.buffer))).toBe(true);
          expect(figures(other, id)).toEqual(figures(s, local.runs[k]!));
          expect(other.runs.require(id).datasetHash).toBe(s.runs.require(local.runs[k]!).datasetHash);
        });
      });
      // Deleting a data set deletes its runs: collecting again brings those cells (and the data set) back, only those.
      expect(other.datasets.delete(other.datasets.getByName('iris')!.id)).toBe(true);
    } finally {
      other.close();
    }
    const again = (await runCli(['--db', otherDb, '--json', 'grid', 'collect', '--bundle', bundle], { cwd: dir, env: { PATH: fakeBin } })).json as { grid: { collected: number } };
    expect(again.grid.collected).toBe(6);
    expect(((await runCli(['--db', otherDb, '--json', 'grid', 'collect', '--bundle', bundle], { cwd: dir, env: { PATH: fakeBin } })).json as { grid: { collected: number } }).grid.collected).toBe(0);
  });

  it('a task Slurm let go of without a result is failed (with its sacct state); a late result still lands', async () => {
    const out = join(dir, 'timeout');
    expect((await cli('grid', 'submit', '--datasets', 'iris', '--methods', 'euclidean,lda', '--folds', '3', '--slurm', '--out', out)).code).toBe(0);
    runGridTask(out, 0, {});
    writeFileSync(join(dir, 'squeue-out'), ''); // squeue answers: no task of the job is queued or running
    writeFileSync(join(dir, 'sacct-out'), '4242_0|COMPLETED\n4242_1|TIMEOUT\n');
    try {
      expect(((await cli('grid', 'status', '--bundle', out)).json as { grid: unknown }).grid).toEqual({ cells: 2, done: 1, failed: 1, pending: 0 });
      const c = ((await cli('grid', 'collect', '--bundle', out)).json as { grid: { collected: number; failed: Array<{ cell: number; error: string }> } }).grid;
      expect(c.collected).toBe(1);
      expect(c.failed).toEqual([{ cell: 1, error: `Slurm job 4242 task 1 ended TIMEOUT without writing a result; see ${join(out, 'logs', 'cell-1.err')}.` }]);
      runGridTask(out, 1, {});
      const late = ((await cli('grid', 'collect', '--bundle', out)).json as { grid: { collected: number; failed: unknown[] } }).grid;
      expect(late).toMatchObject({ collected: 1, failed: [] });
    } finally {
      rmSync(join(dir, 'squeue-out'));
      rmSync(join(dir, 'sacct-out'));
    }
  });

  it('a bad parameter value fails its cells with the error; the others land (locally and collected)', async () => {
    const args = ['--datasets', 'iris', '--methods', 'euclidean,itml', '--param', 'itml.gamma=1,-1', '--param', 'itml.maxIter=40', '--folds', '3'];
    const r = await cli('grid', 'run', ...args);
    expect(r.code, r.stderr).toBe(0);
    const g = (r.json as { grid: { cells: number; runs: number[]; failed: Array<{ cell: number; error: string }> } }).grid;
    expect(g.cells).toBe(3);
    expect(g.runs).toHaveLength(2);
    expect(g.failed).toEqual([{ cell: 2, error: expect.stringMatching(/gamma/) }]);

    const out = join(dir, 'bad-bundle');
    expect((await cli('grid', 'submit', ...args, '--slurm', '--out', out)).code).toBe(0);
    for (let k = 0; k < 3; k++) runGridTask(out, k, {});
    const failedTask = await cli('grid', 'task', out, '2');
    expect(failedTask.code).toBe(1);
    expect(((await cli('grid', 'status', '--bundle', out)).json as { grid: unknown }).grid).toEqual({ cells: 3, done: 2, failed: 1, pending: 0 });
    const c = (await cli('grid', 'collect', '--bundle', out)).json as { grid: { collected: number; failed: Array<{ cell: number; error: string }>; runs: number[] } };
    expect(c.grid.collected).toBe(2);
    expect(c.grid.failed).toEqual([{ cell: 2, error: g.failed[0]!.error }]);
    withStore((s) => {
      expectSameCell(s, g.runs[0]!, c.grid.runs[0]!);
      expectSameCell(s, g.runs[1]!, c.grid.runs[1]!);
      expect(s.grids.getCell(readBundle(out).gridId, 2)).toMatchObject({ status: 'failed', runId: null, error: g.failed[0]!.error });
    });
    const again = (await cli('grid', 'collect', '--bundle', out)).json as { grid: { collected: number; failed: unknown[] } };
    expect(again.grid.collected).toBe(0);
    expect(again.grid.failed).toHaveLength(1);
  });

  it('a changed data set file or a corrupt result is reported with the file, the other cells are kept', async () => {
    const out = join(dir, 'tampered');
    expect((await cli('grid', 'submit', '--datasets', 'iris', '--methods', 'euclidean,lda', '--folds', '3', '--slurm', '--out', out)).code).toBe(0);
    runGridTask(out, 0, {});
    writeFileSync(join(out, 'results', 'cell-00001.json'), '{"format": "metric-workbench-grid-result", "gridId": "x"');
    const c = (await cli('grid', 'collect', '--bundle', out)).json as { grid: { collected: number; failed: Array<{ cell: number; error: string }> } };
    expect(c.grid.collected).toBe(1);
    expect(c.grid.failed).toEqual([{ cell: 1, error: expect.stringContaining(join(out, 'results', 'cell-00001.json')) }]);
    // a bundle whose features were changed after submit: the task refuses it, naming the data set and the hashes
    const features = join(out, 'datasets', 'd0.features.f64');
    const bytes = readFileSync(features);
    bytes[0] = bytes[0]! ^ 1;
    writeFileSync(features, bytes);
    const r = runGridTask(out, 1, {});
    expect(r.status).toBe('failed');
    expect(r.status === 'failed' && r.error.message).toMatch(/data set 'iris' has content hash .* but the manifest records/);
  });

  it('a local grid shows its cells running as soon as the pool starts them; cancel stops every cell', async () => {
    const store = openStore(db);
    let runner: JobRunner | undefined;
    try {
      const iris = store.datasets.getByName('iris')!.id;
      runner = createJobRunner({ persistence: createRunsService(store), concurrency: 1, recover: false });
      const g = startLocalGrid(store, { datasets: [iris], methods: ['euclidean', 'lda'], seeds: [0, 1] }, { runner });
      expect(g.progress().status).toEqual(['running', 'queued', 'queued', 'queued']);
      expect(store.grids.cells(g.grid.id).map((c) => c.status)).toEqual(['running', 'queued', 'queued', 'queued']);
      g.cancel();
      const end = await g.done;
      expect(end.status).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
      expect(end.runIds.map((id) => store.runs.require(id!).status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
      expect(store.grids.cells(g.grid.id).map((c) => c.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'cancelled']);
    } finally {
      await runner?.close();
      store.close();
    }
  });

  it('without sbatch, grid submit --slurm says so in one line, suggests grid run, and writes nothing', async () => {
    const out = join(dir, 'no-slurm');
    const r = await runCli(['--db', db, 'grid', 'submit', '--datasets', 'iris', '--methods', 'lda', '--slurm', '--out', out], { cwd: dir, env: { PATH: '/nonexistent' } });
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/sbatch is not on PATH.*workbench grid run/);
    expect(existsSync(out)).toBe(false);
    const spaced = await cli('grid', 'submit', '--datasets', 'iris', '--methods', 'lda', '--slurm', '--out', join(dir, 'my study'));
    expect(spaced.code).toBe(2);
    expect((spaced.errorJson as { error: { message: string } }).error.message).toMatch(/without spaces or %/);
    const usage = await cli('grid', 'submit', '--datasets', 'iris', '--methods', 'lda', '--out', out);
    expect(usage.code).toBe(2);
    expect((usage.errorJson as { error: { message: string } }).error.message).toMatch(/needs --slurm/);
  });

  it('refuses unknown parameters and a bundle folder that already holds a grid', async () => {
    const r = await cli('grid', 'run', '--datasets', 'iris', '--methods', 'itml', '--param', 'itml.gama=1');
    expect(r.code).toBe(2);
    expect((r.errorJson as { error: { message: string } }).error.message).toMatch(/itml has no parameter 'gama'. Known parameters: gamma/);
    const again = await cli('grid', 'submit', '--datasets', 'iris', '--methods', 'lda', '--slurm', '--out', bundle);
    expect(again.code).toBe(1);
    expect((again.errorJson as { error: { message: string } }).error.message).toMatch(/already holds a grid bundle/);
  });
});
