import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exportCsv, exportTransformedCsv } from '../../shared/export/csv.ts';
import { exportJson } from '../../shared/export/json.ts';
import { writeMat } from '../../shared/export/mat.ts';
import { metricArrays } from '../../shared/export/metric-record.ts';
import { writeNpy } from '../../shared/export/npy.ts';
import { writeNpz } from '../../shared/export/npz.ts';
import { FEATURE_NAMES, sampleData, sampleMetric } from './fixtures.ts';

function pythonStatus(): string | null {
  const probe = spawnSync('python3', ['-c', 'import numpy, scipy.io'], { encoding: 'utf8' });
  if (probe.error) return `python3 is not installed (${probe.error.message})`;
  if (probe.status !== 0) return `python3 lacks numpy or scipy: ${probe.stderr.trim().split('\n').pop()}`;
  return null;
}

const missing = pythonStatus();
if (missing) console.warn(`[test/export/python] SKIPPED: ${missing}. Install python3-numpy and python3-scipy to run it.`);

describe.skipIf(missing !== null)('exports load in numpy / scipy (python3 present)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mw-export-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('np.load / np.load(npz) / scipy.io.loadmat / json / csv give back L, M = LᵀL, mean and scale', () => {
    const metric = sampleMetric();
    const arrays = metricArrays(metric);
    writeFileSync(join(dir, 'L.npy'), writeNpy(arrays.L.data, arrays.L.shape));
    writeFileSync(join(dir, 'M.npy'), writeNpy(arrays.M.data, arrays.M.shape));
    writeFileSync(join(dir, 'metric.npz'), writeNpz(arrays));
    writeFileSync(join(dir, 'metric-deflated.npz'), writeNpz(arrays, { compress: true }));
    writeFileSync(join(dir, 'metric.mat'), writeMat(arrays));
    writeFileSync(join(dir, 'metric.csv'), exportCsv(metric, FEATURE_NAMES));
    writeFileSync(join(dir, 'transformed.csv'), exportTransformedCsv(sampleData(), metric));
    writeFileSync(
      join(dir, 'metric.json'),
      exportJson({ metric, inputFeatureNames: FEATURE_NAMES, dataset: { name: 'x', contentHash: 'h' }, created: '2026-01-01T00:00:00Z' }),
    );
    const expected = {
      L: Array.from(metric.L),
      mean: Array.from(metric.preprocessing.center),
      scale: Array.from(metric.preprocessing.scale),
      X: Array.from(sampleData().features),
    };
    const script = `
import json, sys, csv
import numpy as np, scipy.io
d = sys.argv[1]
exp = json.load(open(d + '/expected.json'))
L = np.array(exp['L']).reshape(2, 3)
M = L.T @ L
def check(name, got, want, exact=True):
    got = np.asarray(got)
    assert got.dtype == np.float64, (name, got.dtype)
    assert got.shape == want.shape, (name, got.shape, want.shape)
    ok = np.array_equal(got, want) if exact else np.allclose(got, want, rtol=1e-14, atol=1e-15)
    assert ok, (name, got, want)
a = np.load(d + '/L.npy'); check('npy L', a, L); assert a.flags['C_CONTIGUOUS']
check('npy M', np.load(d + '/M.npy'), M, exact=False)
for f in ('metric.npz', 'metric-deflated.npz'):
    z = np.load(d + '/' + f)
    assert sorted(z.files) == ['L', 'M', 'kept', 'mean', 'scale'], z.files
    check(f + ' L', z['L'], L); check(f + ' M', z['M'], M, exact=False)
    check(f + ' M=LtL', z['M'], z['L'].T @ z['L'], exact=False)
    check(f + ' mean', z['mean'], np.array(exp['mean'])); check(f + ' scale', z['scale'], np.array(exp['scale']))
    check(f + ' kept', z['kept'], np.array([0., 1., 3.]))
m = scipy.io.loadmat(d + '/metric.mat')
check('mat L', m['L'], L); check('mat M', m['M'], M, exact=False)
check('mat M=LtL', m['M'], m['L'].T @ m['L'], exact=False)
check('mat mean', m['mean'], np.array([exp['mean']])); check('mat scale', m['scale'], np.array([exp['scale']]))
j = json.load(open(d + '/metric.json'))
check('json L', np.array(j['L']), L); check('json M', np.array(j['M']), M, exact=False)
rows = list(csv.reader(open(d + '/metric.csv')))
assert rows[0] == ['matrix', 'row', 'sepal length', 'sepal "width"', 'petal,width'], rows[0]
check('csv L', np.array([[float(v) for v in r[2:]] for r in rows[1:] if r[0] == 'L']), L)
check('csv M', np.array([[float(v) for v in r[2:]] for r in rows[1:] if r[0] == 'M']), M, exact=False)
X = np.array(exp['X']).reshape(3, 4)[:, [0, 1, 3]]
Z = (X - np.array(exp['mean'])) / np.array(exp['scale'])
t = list(csv.reader(open(d + '/transformed.csv')))
assert t[0] == ['component_1', 'component_2', 'label'], t[0]
check('transformed', np.array([[float(v) for v in r[:2]] for r in t[1:]]), Z @ L.T, exact=False)
assert [r[2] for r in t[1:]] == ['setosa', 'versicolor', 'virginica']
print('OK')
`;
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
    writeFileSync(join(dir, 'check.py'), script);
    const result = spawnSync('python3', [join(dir, 'check.py'), dir], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('OK');
  });
});
