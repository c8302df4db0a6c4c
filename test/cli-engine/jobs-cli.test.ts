import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEARNERS } from '../../shared/engine/registry.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { main } from '../../src-main/cli/main.ts';
import { runCli } from '../cli/helpers.ts';

let dir: string;
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-engine-'));
  db = join(dir, 'test.sqlite');
  expect((await cli('samples', 'add', 'iris')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench methods', () => {
  it('lists every method with its parameters, types, defaults and rules', async () => {
    const r = await cli('methods');
    expect(r.code).toBe(0);
    const methods = (r.json as { methods: Array<{ name: string; input: string; params: Array<Record<string, unknown>> }> }).methods;
    expect(methods.map((m) => m.name)).toEqual(LEARNERS.map((l) => l.name));
    const nca = methods.find((m) => m.name === 'nca')!;
    expect(nca.input).toBe('labels');
    const maxIter = nca.params.find((p) => p.name === 'maxIter')!;
    expect(maxIter).toMatchObject({ type: 'int', min: 1, rule: 'an integer ≥ 1' });
    expect(maxIter.default).toBe(LEARNERS.find((l) => l.name === 'nca')!.params.maxIter!.default);
  });
});

describe('workbench learn / run / runs / export', () => {
  let runId: number;

  it('learn prints the run contract and stores the metric', async () => {
    const r = await cli('learn', '--dataset', 'iris', '--method', 'nca', '--param', 'maxIter=40', '--seed', '3');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(''); // silent with --json
    const run = (r.json as { run: Record<string, unknown> }).run;
    expect(Object.keys(run)).toEqual(
      expect.arrayContaining(['id', 'method', 'params', 'fitSeconds', 'iterations', 'converged', 'stopReason', 'objective', 'components']),
    );
    // One meaning of converged: true exactly when the tolerance test was met. NCA's objective is Σ p_i ≤ n = 150.
    expect(['tolerance', 'maxIter', 'saturated', 'stalled']).toContain(run.stopReason);
    expect(run.converged).toBe(run.stopReason === 'tolerance');
    expect(run.objective as number).toBeGreaterThan(140);
    expect(run.objective as number).toBeLessThanOrEqual(150);
    expect(run).toMatchObject({ method: 'nca', seed: 3, components: [4, 4] });
    expect(run.params).toMatchObject({ maxIter: 40 });
    runId = run.id as number;
    const store = openStore(db);
    try {
      expect(store.runs.require(runId)).toMatchObject({ kind: 'learn', status: 'succeeded', seed: 3 });
      expect(store.metrics.get(runId)!.nComponents).toBe(4);
    } finally {
      store.close();
    }
  });

  it('runs lists it, run show shows inputs and the metric with M = LᵀL', async () => {
    const list = (await cli('runs', '--dataset', 'iris')).json as { runs: Array<{ id: number; components: number[] }> };
    expect(list.runs.find((x) => x.id === runId)!.components).toEqual([4, 4]);
    const shown = (await cli('run', 'show', String(runId))).json as { run: { metric: { L: number[]; M: number[]; shape: [number, number] }; appVersion: string } };
    const { L, M, shape } = shown.run.metric;
    expect(shape).toEqual([4, 4]);
    for (let a = 0; a < 4; a++) {
      for (let b = 0; b < 4; b++) {
        let s = 0;
        for (let c = 0; c < 4; c++) s += L[c * 4 + a]! * L[c * 4 + b]!;
        expect(M[a * 4 + b]).toBeCloseTo(s, 12);
      }
    }
    expect(shown.run.appVersion).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('run show reports the stored stop reason and final objective (JSON and text)', async () => {
    const learned = (await cli('learn', '--dataset', 'iris', '--method', 'nca', '--param', 'maxIter=2')).json as {
      run: { id: number; converged: boolean; stopReason: string; objective: number };
    };
    // Two iterations cannot meet the tolerance on iris: the run says so.
    expect(learned.run).toMatchObject({ converged: false, stopReason: 'maxIter' });
    const shown = (await cli('run', 'show', String(learned.run.id))).json as {
      run: { metric: { summary: { converged: boolean; stopReason: string; objective: number; objectiveTrace: number[] } } };
    };
    const summary = shown.run.metric.summary;
    expect(summary).toMatchObject({ converged: false, stopReason: 'maxIter', objective: learned.run.objective });
    expect(summary.objective).toBe(summary.objectiveTrace[summary.objectiveTrace.length - 1]);
    const text = await runCli(['--db', db, 'run', 'show', String(learned.run.id)], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('Stop reason: maxIter (not converged: stopped at the iteration limit)');
    expect(text.stdout).toMatch(new RegExp(`Final objective: ${String(Number(learned.run.objective.toPrecision(6))).replace('.', '\\.')}\\n`));
  });

  it('run rerun reproduces a bit-for-bit identical L', async () => {
    const r = await cli('run', 'rerun', String(runId));
    expect(r.code).toBe(0);
    const out = r.json as { rerun: { of: number; runIds: number[]; identical: boolean } };
    expect(out.rerun).toMatchObject({ of: runId, identical: true });
    expect(out.rerun.runIds[0]).toBeGreaterThan(runId);
  });

  it('export writes every format, and numpy / scipy load them with M = LᵀL (when python3 is present)', async () => {
    const out = (format: string, name: string) => cli('export', '--run', String(runId), '--format', format, '--out', join(dir, name));
    for (const [format, name] of [['json', 'm.json'], ['csv', 'm.csv'], ['npy', 'm.npy'], ['npz', 'm.npz'], ['mat', 'm.mat'], ['transformed', 't.csv']]) {
      const r = await out(format!, name!);
      expect(r.code, r.stderr).toBe(0);
    }
    expect(['m.json', 'm.csv', 'm_L.npy', 'm_M.npy', 'm.npz', 'm.mat', 't.csv'].every((f) => existsSync(join(dir, f)))).toBe(true);
    const doc = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8'));
    expect(doc).toMatchObject({ schema: 'metric-workbench/metric', version: 1, method: 'nca', seed: 3, runId, dataset: { name: 'iris' } });
    expect(readFileSync(join(dir, 't.csv'), 'utf8').split('\n')[1]).toMatch(/,setosa$/);

    const python = spawnSync('python3', ['-c', 'import numpy, scipy.io'], { encoding: 'utf8' });
    if (python.error || python.status !== 0) {
      console.warn('[test/cli-engine] python3 with numpy and scipy not found: the Python load check of CLI exports is skipped.');
      return;
    }
    const check = spawnSync(
      'python3',
      [
        '-c',
        `
import json, sys, numpy as np, scipy.io
d = sys.argv[1]
doc = json.load(open(d + '/m.json'))
L = np.array(doc['L'])
z = np.load(d + '/m.npz'); m = scipy.io.loadmat(d + '/m.mat')
for name, got in [('npy L', np.load(d + '/m_L.npy')), ('npz L', z['L']), ('mat L', m['L'])]:
    assert np.array_equal(got, L), name
for name, got in [('npy M', np.load(d + '/m_M.npy')), ('npz M', z['M']), ('mat M', m['M'])]:
    assert np.allclose(got, L.T @ L, rtol=1e-13, atol=1e-13), name
assert np.array_equal(z['mean'], np.array(doc['preprocessing']['mean']))
assert np.array_equal(m['scale'][0], np.array(doc['preprocessing']['scale']))
print('OK', L.shape)
`,
        dir,
      ],
      { encoding: 'utf8' },
    );
    expect(check.stderr).toBe('');
    expect(check.stdout.trim()).toBe('OK (4, 4)');
  });

  it('export refuses a run without a metric and an unknown format; an evaluate run re-runs identically', async () => {
    const ev = await cli('evaluate', '--dataset', 'iris', '--method', 'euclidean', '--folds', '3');
    const evalRun = (ev.json as { evaluation: { runId: number } }).evaluation.runId;
    const again = await cli('run', 'rerun', String(evalRun));
    expect((again.json as { rerun: unknown }).rerun).toMatchObject({ of: evalRun, kind: 'evaluate', identical: true });
    const r = await cli('export', '--run', String(evalRun), '--format', 'json', '--out', join(dir, 'x.json'));
    expect(r.code).toBe(1);
    expect(r.errorJson).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: `Run ${evalRun} has no learned metric: it is an evaluate run (only learn runs store a metric; run \`workbench learn\`).` },
    });
    const bad = await cli('export', '--run', String(runId), '--format', 'hdf5', '--out', join(dir, 'x'));
    expect(bad.code).toBe(2);
    expect(bad.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "--format must be one of json, csv, npy, npz, mat, transformed, got 'hdf5'." } });
  });
});

describe('workbench evaluate / compare / sweep', () => {
  it('evaluate prints the evaluation contract with accuracies as fractions', async () => {
    const r = await cli('evaluate', '--dataset', 'iris', '--method', 'lda', '--folds', '4', '--k', '5', '--seed', '2');
    expect(r.code).toBe(0);
    const e = (r.json as { evaluation: Record<string, unknown> & { accuracy: { mean: number; std: number; folds: number[] }; fitSeconds: { folds: number[] } } }).evaluation;
    expect(Object.keys(e)).toEqual(
      expect.arrayContaining(['dataset', 'method', 'params', 'protocol', 'accuracy', 'fitSeconds', 'nmi', 'ari', 'precisionAt1', 'mapAtR', 'pairAuc']),
    );
    expect(e.protocol).toEqual({ folds: 4, k: 5, seed: 2, preprocess: 'zscore' });
    expect(e.accuracy.folds).toHaveLength(4);
    expect(e.fitSeconds.folds).toHaveLength(4);
    expect(e.accuracy.mean).toBeGreaterThan(0.5);
    expect(e.accuracy.mean).toBeLessThanOrEqual(1);
  });

  it('compare prints one evaluation per method on the same folds', async () => {
    const r = await cli('compare', '--dataset', 'iris', '--methods', 'euclidean,lda', '--folds', '3', '--param', 'lda.components=1');
    expect(r.code, r.stderr).toBe(0);
    const out = r.json as { comparison: Array<{ method: string; params: Record<string, unknown>; protocol: unknown; runId: number }>; runId: number };
    expect(out.comparison.map((e) => e.method)).toEqual(['euclidean', 'lda']);
    expect(out.comparison[1]!.params).toMatchObject({ components: 1 });
    expect(out.comparison[0]!.protocol).toEqual(out.comparison[1]!.protocol);
    expect(out.runId).toBeLessThan(out.comparison[0]!.runId);
  });

  it('sweep prints mean ± std per N and refuses a method without pairs', async () => {
    const r = await cli('sweep', '--dataset', 'iris', '--method', 'mmc-diagonal', '--counts', '0,20', '--seeds', '2', '--folds', '3');
    expect(r.code, r.stderr).toBe(0);
    const sweep = (r.json as { sweep: { runId: number; points: Array<{ count: number; accuracies: number[]; mean: number; std: number }> } }).sweep;
    expect(sweep.points.map((p) => [p.count, p.accuracies.length])).toEqual([[0, 2], [20, 2]]);
    const bad = await cli('sweep', '--dataset', 'iris', '--method', 'lda');
    expect(bad.code).toBe(1);
    expect((bad.errorJson as { error: { message: string } }).error.message).toMatch(/^sweep: method 'lda' does not learn from constraints \(pairs, chunklets, comparisons or quadruplets\); use one of /);
  });

  it('sweep --constraints suggested: one point per N with N active-learning pairs per fold, repeatable from the seed', async () => {
    const args = ['sweep', '--dataset', 'iris', '--method', 'mmc-diagonal', '--counts', '0,10,20', '--seeds', '2', '--folds', '3', '--constraints', 'suggested'];
    const r = await cli(...args);
    expect(r.code, r.stderr).toBe(0);
    type Out = { sweep: { runId: number; constraintSource: string; seeds: number[]; points: Array<{ count: number; used: number[]; accuracies: number[]; mean: number }> } };
    const sweep = (r.json as Out).sweep;
    expect(sweep.constraintSource).toBe('suggested');
    expect(sweep.seeds).toEqual([0, 1]);
    expect(sweep.points.map((p) => [p.count, p.used, p.accuracies.length])).toEqual([[0, [0, 0], 2], [10, [10, 10], 2], [20, [20, 20], 2]]);
    const again = (await cli(...args)).json as Out;
    expect(again.sweep.runId).not.toBe(sweep.runId);
    expect(again.sweep.points).toEqual(sweep.points);
    const store = openStore(db);
    try {
      expect(store.runs.require(sweep.runId)).toMatchObject({ kind: 'sweep', status: 'succeeded' });
    } finally {
      store.close();
    }

    const bad = await cli('evaluate', '--dataset', 'iris', '--method', 'mmc', '--constraints', 'suggested');
    expect(bad.code).toBe(2);
    expect(bad.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "--constraints must be 'labeled' or 'generated', got 'suggested'." } });
    const badSweep = await cli('sweep', '--dataset', 'iris', '--method', 'mmc', '--constraints', 'active');
    expect(badSweep.code).toBe(2);
    expect(badSweep.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "--constraints must be 'labeled', 'generated' or 'suggested', got 'active'." } });
  });

  it('sweep --answers --pairs-method --comparisons-method: the contract shape, one curve per supervision, 0 answers = Euclidean', async () => {
    const args = ['sweep', '--dataset', 'iris', '--answers', '0,10,20', '--pairs-method', 'itml', '--comparisons-method', 'scml', '--constraints', 'generated', '--seeds', '2', '--folds', '3'];
    const r = await cli(...args);
    expect(r.code, r.stderr).toBe(0);
    type Point = { answers: number; mean: number; std: number; accuracies: number[] };
    type Out = { sweep: { runId: number; curves: Array<{ supervision: string; method: string; source: string; points: Point[] }> } };
    const sweep = (r.json as Out).sweep;
    expect(Number.isInteger(sweep.runId)).toBe(true);
    expect(sweep.curves.map((c) => [c.supervision, c.method, c.source])).toEqual([['pairs', 'itml', 'generated'], ['comparisons', 'scml', 'generated']]);
    for (const curve of sweep.curves) {
      expect(curve.points.map((p) => [p.answers, p.accuracies.length, typeof p.mean, typeof p.std])).toEqual([[0, 2, 'number', 'number'], [10, 2, 'number', 'number'], [20, 2, 'number', 'number']]);
    }
    const euclidean = await cli('evaluate', '--dataset', 'iris', '--method', 'euclidean', '--folds', '3', '--seed', '1');
    expect(sweep.curves[1]!.points[0]!.accuracies[1]).toBe((euclidean.json as { evaluation: { accuracy: { mean: number } } }).evaluation.accuracy.mean);
    // The same figures from the same seeds, and run show prints the stored run.
    expect(((await cli(...args)).json as Out).sweep.curves).toEqual(sweep.curves);
    const shown = await runCli(['--db', db, 'run', 'show', String(sweep.runId)], { cwd: dir });
    expect(shown.stdout).toMatch(/ANSWERS +PAIRS \(itml\) +COMPARISONS \(scml\)/);

    const wrong = await cli('sweep', '--dataset', 'iris', '--answers', '0,10', '--pairs-method', 'scml', '--comparisons-method', 'scml');
    expect(wrong.code).toBe(1);
    expect((wrong.errorJson as { error: { message: string } }).error.message).toMatch(/^sweep: --pairs-method must learn from must-link \/ cannot-link pairs/);
    const mixed = await cli('sweep', '--dataset', 'iris', '--method', 'itml', '--answers', '0,10', '--pairs-method', 'itml', '--comparisons-method', 'scml');
    expect(mixed.code).toBe(2);
    const badAnswers = await cli('sweep', '--dataset', 'iris', '--answers', '0,x', '--pairs-method', 'itml', '--comparisons-method', 'scml');
    expect(badAnswers.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "--answers must be a comma-separated list of integers ≥ 0, got '0,x'." } });
  }, 300_000);

  it('rejects an unknown parameter naming the method and the known ones', async () => {
    const r = await cli('learn', '--dataset', 'iris', '--method', 'lda', '--param', 'foo=1');
    expect(r.code).toBe(2);
    expect(r.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: 'lda: unknown parameter \'foo\'. Known parameters: components, regularization.' } });
  });
});

describe('Ctrl-C', () => {
  it('cancels the running job cleanly: exit 130 and the run is recorded as cancelled', async () => {
    expect((await cli('samples', 'add', 'digits')).code).toBe(0);
    const controller = new AbortController();
    let stderr = '';
    const code = await main(['--db', db, 'learn', '--dataset', 'digits', '--method', 'nca', '--param', 'maxIter=100000', '--param', 'tol=0'], {
      cwd: dir,
      env: {},
      signal: controller.signal,
      stderrIsTTY: false,
      stdout: () => {},
      stderr: (text: string) => {
        stderr += text;
        // The first iteration line means the learner is running in its worker: press Ctrl-C now.
        if (/iteration \d+/.test(stderr) && !controller.signal.aborted) controller.abort();
      },
    });
    expect(code).toBe(130);
    expect(stderr).toContain('learn nca: cancelled.');
    const store = openStore(db);
    try {
      const run = store.runs.list({ method: 'nca' }).find((x) => x.datasetId !== null && store.datasets.get(x.datasetId)!.name === 'digits')!;
      expect(run).toMatchObject({ status: 'cancelled', errorCode: 'JOB_CANCELLED' });
      expect(store.metrics.get(run.id)).toBeNull();
    } finally {
      store.close();
    }
  });
});

describe('workbench evaluate / compare / sweep --workers', () => {
  const strip = (evaluation: Record<string, unknown>): unknown => ({
    ...evaluation,
    runId: null,
    fitSeconds: null,
    folds: (evaluation.folds as Array<Record<string, unknown>>).map((f) => ({ ...f, fitSeconds: null })),
  });

  it('gives the same figures with 1 and 2 workers, and refuses a bad count with a usage error', async () => {
    const args = ['--dataset', 'iris', '--method', 'nca', '--param', 'maxIter=30', '--folds', '3'];
    const one = await cli('evaluate', ...args, '--workers', '1');
    const two = await cli('evaluate', ...args, '--workers', '2');
    expect(one.code).toBe(0);
    expect(two.code).toBe(0);
    expect(strip((two.json as { evaluation: Record<string, unknown> }).evaluation)).toEqual(strip((one.json as { evaluation: Record<string, unknown> }).evaluation));
    const compareOne = await cli('compare', '--dataset', 'iris', '--methods', 'euclidean,lda', '--folds', '3', '--workers', '1');
    const compareTwo = await cli('compare', '--dataset', 'iris', '--methods', 'euclidean,lda', '--folds', '3', '--workers', '2');
    const comparison = (r: typeof compareOne) => (r.json as { comparison: Array<Record<string, unknown>> }).comparison.map(strip);
    expect(comparison(compareTwo)).toEqual(comparison(compareOne));
    const sweepArgs = ['sweep', '--dataset', 'iris', '--method', 'mmc-diagonal', '--counts', '0,20', '--seeds', '2', '--folds', '3'];
    const sweep = async (workers: string) => {
      const r = await cli(...sweepArgs, '--workers', workers);
      expect(r.code).toBe(0);
      return { ...(r.json as { sweep: Record<string, unknown> }).sweep, runId: null };
    };
    expect(await sweep('2')).toEqual(await sweep('1'));
    const bad = await cli('evaluate', ...args, '--workers', '0');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--workers/);
  });

  it('learn: the same metric on 1 and 2 threads of the fit', async () => {
    const learn = async (workers: string) => {
      const r = await cli('learn', '--dataset', 'iris', '--method', 'nca', '--param', 'maxIter=30', '--workers', workers);
      expect(r.code).toBe(0);
      const { objective, iterations, stopReason } = (r.json as { run: Record<string, unknown> }).run;
      return { objective, iterations, stopReason };
    };
    const one = await learn('1');
    expect(typeof one.objective).toBe('number');
    expect(await learn('2')).toEqual(one);
    expect((await cli('learn', '--dataset', 'iris', '--method', 'nca', '--workers', '0')).code).toBe(2);
  });
});
