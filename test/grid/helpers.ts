/** Shared checks of the grid tests: a collected cell against the same cell run locally, bit for bit. */
import { expect } from 'vitest';
import type { Store } from '../../src-main/storage/store.ts';

const bytes = (a: Float64Array): Buffer => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

/** The stored evaluation of a run with the wall-clock figures (fit seconds) removed. */
export function figures(store: Store, runId: number): unknown {
  const e = store.evaluations.get<Record<string, unknown>, Record<string, unknown>>(runId);
  expect(e, `run ${runId} has an evaluation`).not.toBeNull();
  const { fitSeconds: _fit, ...summary } = e!.summary;
  void _fit;
  return { summary, folds: e!.folds.map(({ fitSeconds: _f, ...rest }) => (void _f, rest)) };
}

/**
 * Expects run `b` (e.g. collected from Slurm) to hold exactly what run `a` (run locally) holds: the same L,
 * preprocessing center and scale (bytes), the same figures (every value but timings), method, params and seed.
 */
export function expectSameCell(store: Store, a: number, b: number): void {
  const ma = store.metrics.get(a)!;
  const mb = store.metrics.get(b)!;
  expect(ma, `run ${a} has a metric`).toBeTruthy();
  expect(mb, `run ${b} has a metric`).toBeTruthy();
  expect(bytes(mb.L).equals(bytes(ma.L)), `L of run ${b} is bitwise the L of run ${a}`).toBe(true);
  expect(bytes(mb.preprocessing.center).equals(bytes(ma.preprocessing.center))).toBe(true);
  expect(bytes(mb.preprocessing.scale).equals(bytes(ma.preprocessing.scale))).toBe(true);
  expect([mb.nComponents, mb.nFeatures, mb.method, mb.seed, mb.params]).toEqual([ma.nComponents, ma.nFeatures, ma.method, ma.seed, ma.params]);
  expect(figures(store, b)).toEqual(figures(store, a));
  const ra = store.runs.require(a);
  const rb = store.runs.require(b);
  expect([rb.kind, rb.method, rb.params, rb.seed, rb.datasetId, rb.datasetHash, rb.status]).toEqual([ra.kind, ra.method, ra.params, ra.seed, ra.datasetId, ra.datasetHash, 'succeeded']);
  const { grid: _ga, ...pa } = ra.protocol as Record<string, unknown>;
  const { grid: _gb, ...pb } = rb.protocol as Record<string, unknown>;
  void _ga;
  void _gb;
  expect(pb).toEqual(pa);
}
