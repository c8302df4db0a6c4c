import { describe, expect, it } from 'vitest';
import { exportCsv, exportTransformedCsv } from '../../shared/export/csv.ts';
import { exportJson } from '../../shared/export/json.ts';
import { METRIC_SCHEMA, metricArrays, type MetricDocumentV1 } from '../../shared/export/metric-record.ts';
import { FEATURE_NAMES, naiveM, sampleData, sampleMetric } from './fixtures.ts';

const input = () => ({
  metric: sampleMetric(),
  inputFeatureNames: FEATURE_NAMES,
  dataset: { id: 3, name: 'iris', contentHash: 'abc123' },
  runId: 9,
  results: { accuracy: { mean: 0.95 } },
  created: '2026-11-25T20:00:00.000Z',
  appVersion: '0.1.0',
});

describe('exportJson', () => {
  it('writes schema, version, L, M = LᵀL, shapes, kept feature names and the preprocessing', () => {
    const doc = JSON.parse(exportJson(input())) as MetricDocumentV1;
    expect(doc.schema).toBe(METRIC_SCHEMA);
    expect(doc.version).toBe(1);
    expect(doc.shape).toEqual({ L: [2, 3], M: [3, 3] });
    expect(doc.L).toEqual([[1.5, -0.25, 0.1], [1 / 3, 2.75, -1e-7]]);
    const M = naiveM(sampleMetric());
    doc.M.forEach((row, a) => row.forEach((v, b) => expect(v).toBeCloseTo(M[a]![b]!, 14)));
    expect(doc.featureNames).toEqual(['sepal length', 'sepal "width"', 'petal,width']);
    expect(doc.preprocessing.kept).toEqual([0, 1, 3]);
    expect(doc.preprocessing.dropped).toEqual([2]);
    expect(doc.preprocessing.droppedNames).toEqual(['constant']);
    expect(doc.preprocessing.mean).toEqual(Array.from(sampleMetric().preprocessing.center));
    expect(doc.preprocessing.scale).toEqual(Array.from(sampleMetric().preprocessing.scale));
    expect(doc).toMatchObject({
      method: 'nca',
      params: { components: 2, init: 'pca', maxIter: 50 },
      seed: 7,
      dataset: { id: 3, name: 'iris', contentHash: 'abc123' },
      runId: 9,
      results: { accuracy: { mean: 0.95 } },
      created: '2026-11-25T20:00:00.000Z',
      appVersion: '0.1.0',
    });
    // The fit's verdict and final objective travel with the metric.
    expect(doc.summary).toEqual({ iterations: 12, converged: true, stopReason: 'tolerance', objective: 1, fitSeconds: 0.25 });
  });

  it('rejects a metric with a non-finite entry, naming it', () => {
    const bad = input();
    bad.metric.L[4] = Number.NaN;
    expect(() => exportJson(bad)).toThrow('export: L[4] is NaN, not a finite number.');
  });

  it('rejects feature names that do not match the input features', () => {
    expect(() => exportJson({ ...input(), inputFeatureNames: ['a'] })).toThrow('export: 1 feature names given for 4 input features.');
  });
});

describe('exportCsv', () => {
  it('writes L then M under a header of the kept feature names, quoting where needed', () => {
    const lines = exportCsv(sampleMetric(), FEATURE_NAMES).trimEnd().split('\n');
    expect(lines[0]).toBe('matrix,row,sepal length,"sepal ""width""","petal,width"');
    expect(lines[1]).toBe('L,component_1,1.5,-0.25,0.1');
    expect(lines[2]).toBe(`L,component_2,${1 / 3},2.75,-1e-7`);
    expect(lines).toHaveLength(1 + 2 + 3);
    const M = naiveM(sampleMetric());
    const mRow = lines[3]!.split(',');
    expect(mRow.slice(0, 2)).toEqual(['M', 'sepal length']);
    mRow.slice(2).forEach((v, b) => expect(Number(v)).toBeCloseTo(M[0]![b]!, 14));
  });
});

describe('exportTransformedCsv', () => {
  it('writes the preprocessed rows times Lᵀ with the class name of each row', () => {
    const metric = sampleMetric();
    const data = sampleData();
    const lines = exportTransformedCsv(data, metric).trimEnd().split('\n');
    expect(lines[0]).toBe('component_1,component_2,label');
    expect(lines).toHaveLength(4);
    const pre = metric.preprocessing;
    for (let i = 0; i < 3; i++) {
      const z = pre.kept.map((f, c) => (data.features[i * 4 + f]! - pre.center[c]!) / pre.scale[c]!);
      const fields = lines[i + 1]!.split(',');
      for (let c = 0; c < 2; c++) {
        const expected = z.reduce((s, v, f) => s + v * metric.L[c * 3 + f]!, 0);
        expect(Number(fields[c])).toBeCloseTo(expected, 12);
      }
      expect(fields[2]).toBe(data.classNames[i]);
    }
  });

  it('omits the label column for unlabeled data and checks the feature count', () => {
    const data = { ...sampleData(), labels: null, classNames: [] };
    expect(exportTransformedCsv(data, sampleMetric()).split('\n')[0]).toBe('component_1,component_2');
    const narrow = { ...sampleData(), nFeatures: 2 };
    expect(() => exportTransformedCsv(narrow, sampleMetric())).toThrow('export: the dataset has 2 features, the metric expects 4.');
  });
});

describe('metricArrays', () => {
  it('holds L, M, mean, scale and the 0-based kept indices with their shapes', () => {
    const a = metricArrays(sampleMetric());
    expect(a.L.shape).toEqual([2, 3]);
    expect(a.M.shape).toEqual([3, 3]);
    expect(a.mean.shape).toEqual([3]);
    expect(Array.from(a.kept.data)).toEqual([0, 1, 3]);
  });
});
