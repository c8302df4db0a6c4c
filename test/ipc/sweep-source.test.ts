import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../../shared/domain/job.ts';
import { parseRequest } from '../../shared/ipc/validate.ts';
import { SweepResultSchema } from '../../shared/ipc/schemas.ts';

describe("constraintSource 'suggested' in the contract", () => {
  it('is accepted for a sweep job', () => {
    const spec: JobSpec = { kind: 'sweep', datasetId: 2, method: 'mmc-diagonal', counts: [0, 10, 20], seeds: 3, constraintSource: 'suggested' };
    expect(parseRequest('jobs.start', { spec })).toEqual({ spec });
  });

  it('is refused for learn, evaluate and compare jobs, naming the field', () => {
    const specs = [
      { kind: 'learn', datasetId: 2, method: 'mmc', constraintSource: 'suggested' },
      { kind: 'evaluate', datasetId: 2, method: 'mmc', constraintSource: 'suggested' },
      { kind: 'compare', datasetId: 2, methods: [{ method: 'mmc' }], constraintSource: 'suggested' },
    ];
    for (const spec of specs) {
      expect(() => parseRequest('jobs.start', { spec })).toThrow(
        `Invalid request for 'jobs.start': spec.constraintSource: Invalid option: expected one of "labeled"|"generated"`,
      );
    }
    expect(() => parseRequest('jobs.start', { spec: { kind: 'sweep', datasetId: 2, method: 'mmc', constraintSource: 'active' } })).toThrow(
      `Invalid request for 'jobs.start': spec.constraintSource: Invalid option: expected one of "labeled"|"generated"|"suggested"`,
    );
  });

  it('a sweep result with source suggested passes the response schema', () => {
    const result = {
      method: 'mmc-diagonal',
      params: {},
      constraintSource: 'suggested',
      protocol: { folds: 5, k: 3, seed: 0, preprocess: 'zscore' },
      seeds: [0],
      points: [{ count: 10, used: [10], accuracies: [0.9], mean: 0.9, std: 0 }],
    };
    expect(SweepResultSchema.parse(result)).toEqual(result);
    expect(SweepResultSchema.safeParse({ ...result, constraintSource: 'random' }).success).toBe(false);
  });
});
