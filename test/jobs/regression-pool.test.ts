import { describe, expect, it } from 'vitest';
import { evaluateMethod, type EvaluationResult } from '../../shared/engine/evaluation/evaluate.ts';
import { evaluateInPool } from '../../src-main/jobs/fold-pool.ts';
import { DEFAULT_WORKER_URL } from '../../src-main/jobs/pool.ts';
import { loadSample } from '../../src-main/samples/index.ts';

/** Everything but the measured fit times, floats as their exact bit patterns. */
function bits(result: EvaluationResult): unknown {
  return JSON.parse(
    JSON.stringify({ ...result, fitSeconds: null, folds: result.folds.map((f) => ({ ...f, fitSeconds: null })) }, (_, v: unknown) =>
      typeof v === 'number' ? Array.from(new Uint32Array(Float64Array.of(v).buffer)).join(':') : v,
    ),
  );
}

describe('fold pool on a regression data set', () => {
  it('MLKR and Euclidean folds on 2 workers give the bits of one thread (the trailing Euclidean fold is scored whole)', async () => {
    const { matrix } = await loadSample('diabetes');
    // 5 + 5 folds on 2 workers… with a third method, 15 folds: the last (Euclidean, a trivial fit) would run alone.
    const specs = [{ method: 'mlkr', seed: 0, params: { maxIter: 10 } }, { method: 'pca', seed: 0, params: { components: 4 } }, { method: 'euclidean', seed: 0 }];
    const pooled = await evaluateInPool(matrix, specs, { workers: 2, workerUrl: DEFAULT_WORKER_URL, cancelFlag: new SharedArrayBuffer(4) });
    expect(pooled.map(bits)).toEqual(specs.map((spec) => bits(evaluateMethod(matrix, spec))));
    expect(pooled[2]!.rmse!.folds).toHaveLength(5);
  });
});
