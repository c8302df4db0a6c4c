import { describe, expect, it } from 'vitest';
import type { JobSpec } from '../../shared/domain/job.ts';
import { parseRequest } from '../../shared/ipc/validate.ts';

describe("jobs.start 'workers' (threads for a job's folds)", () => {
  const spec: JobSpec = { kind: 'evaluate', datasetId: 2, method: 'nca' };

  it('is optional and accepted as an integer in 1…256', () => {
    expect(parseRequest('jobs.start', { spec })).toEqual({ spec });
    expect(parseRequest('jobs.start', { spec, workers: 2 })).toEqual({ spec, workers: 2 });
  });

  it('is refused when not an integer in range, naming the field', () => {
    for (const workers of [0, 1.5, 257, '2', -1]) {
      expect(() => parseRequest('jobs.start', { spec, workers }), String(workers)).toThrow(/Invalid request for 'jobs\.start': workers/);
    }
  });
});
