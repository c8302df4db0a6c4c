import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../shared/errors.ts';
import { generateApples } from '../../shared/samples/apples.ts';
import { listSamples, loadSample, SAMPLE_NAMES } from '../../src-main/samples/index.ts';

const manifest = JSON.parse(
  readFileSync(join(import.meta.dirname, '..', '..', 'src-main', 'samples', 'data', 'manifest.json'), 'utf8'),
) as Record<string, { n_samples: number; n_features: number; classes: string[]; class_counts: number[] }>;

describe('listSamples', () => {
  it('lists the five samples with sizes and classes that match what loadSample gives', async () => {
    const list = listSamples();
    expect(list.map((s) => s.name)).toEqual(['iris', 'wine', 'breast_cancer', 'digits', 'diabetes', 'apples']);
    for (const info of list) {
      expect(info.title.length).toBeGreaterThan(0);
      expect(info.description.length).toBeGreaterThan(20);
      const { matrix } = await loadSample(info.name);
      expect([matrix.nRows, matrix.nFeatures, matrix.classNames]).toEqual([info.rows, info.features, info.classes]);
    }
  });
});

describe('loadSample', () => {
  it.each(SAMPLE_NAMES.filter((n) => n !== 'apples' && n !== 'diabetes'))('%s matches the manifest: rows, features, class names and counts', async (name) => {
    const entry = manifest[name]!;
    const { matrix, sourceFile, format } = await loadSample(name);
    expect(format).toBe('csv');
    expect(sourceFile).toBe(`${name}.csv`);
    expect(matrix.nRows).toBe(entry.n_samples);
    expect(matrix.nFeatures).toBe(entry.n_features);
    expect(matrix.classNames).toEqual(entry.classes);
    const counts = new Array<number>(entry.classes.length).fill(0);
    for (const c of matrix.labels!) counts[c]!++;
    expect(counts).toEqual(entry.class_counts);
  });

  it('iris has the species names; digits keeps its 8×8 pixel layout', async () => {
    expect((await loadSample('iris')).matrix.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    const digits = await loadSample('digits');
    expect(digits.matrix.imageShape).toEqual([8, 8]);
    expect(digits.matrix.featureNames[9]).toBe('pixel_1_1');
    expect(digits.warnings).toEqual([
      'digits.csv: 3 features are constant (the same value in every row): "pixel_0_0", "pixel_4_0", "pixel_4_7"',
    ]);
  });

  it('apples is the default generator output, identical on every load', async () => {
    const a = await loadSample('apples');
    const b = await loadSample('apples');
    expect(a.matrix).toEqual(generateApples());
    expect(a.sourceSha256).toBe(b.sourceSha256);
    expect(a.sourceSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('an unknown name is a NotFoundError listing the samples', async () => {
    await expect(loadSample('mnist')).rejects.toThrow(
      new NotFoundError('unknown sample "mnist"; the samples are iris, wine, breast_cancer, digits, diabetes, apples'),
    );
  });
});
