import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAnswersSweep } from '../../shared/domain/job.ts';
import { createClient, createHttpTransport, type WorkbenchClient } from '../../shared/ipc/client.ts';
import { CHANNELS, type ResponseOf } from '../../shared/ipc/contract.ts';
import { serve, type ServeHandle } from '../../src-main/server/main.ts';
import { api } from './helpers.ts';

/**
 * Compare and sweep runs through the real gateway (HTTP server → contract validation → handlers → store).
 * Regression: runs.get on a compare parent answered 500 "Invalid response … run.evaluation.method", and
 * runs.list never showed a comparison's per-method runs.
 */
const TOKEN = 'compare-token-0123456789abcdef';
let dir: string;
let handle: ServeHandle;
let client: WorkbenchClient;
let datasetId: number;
let parentId: number;
let childIds: number[];

/** Starts a job and resolves when it has finished, with its final status. */
async function runJob(spec: Parameters<WorkbenchClient['jobs.start']>[0]['spec']): Promise<{ runIds: number[]; status: string }> {
  // Listen before starting: the job may finish before jobs.start has answered.
  const finished = new Map<string, string>();
  let wake = (): void => undefined;
  const off = handle.workbench.events.on('job.finished', (payload) => {
    finished.set(payload.jobId, payload.status);
    wake();
  });
  try {
    const { jobId, runIds } = await client['jobs.start']({ spec });
    while (!finished.has(jobId)) await new Promise<void>((resolve) => (wake = resolve));
    return { runIds, status: finished.get(jobId)! };
  } finally {
    off();
  }
}

/** POSTs to /api/<channel> and checks the raw body against the channel's response schema (which is strict about kinds). */
async function rawGet<C extends 'runs.get' | 'runs.list'>(channel: C, body: unknown): Promise<ResponseOf<C>> {
  const response = await api(handle.server.port, TOKEN, channel, body);
  expect(response.status, response.body).toBe(200);
  const parsed = CHANNELS[channel].response.safeParse(JSON.parse(response.body));
  expect(parsed.error?.issues ?? []).toEqual([]);
  return parsed.data as ResponseOf<C>;
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'workbench-compare-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  handle = await serve({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'db.sqlite'), token: TOKEN, rendererDir: join(dir, 'renderer'), concurrency: 1 });
  client = createClient(createHttpTransport({ token: TOKEN, baseUrl: handle.server.origin }));
  datasetId = (await client['samples.add']({ name: 'iris' })).dataset.id;
  const job = await runJob({ kind: 'compare', datasetId, methods: [{ method: 'euclidean' }, { method: 'lda' }], protocol: { folds: 3 } });
  expect(job.status).toBe('succeeded');
  [parentId, ...childIds] = job.runIds as [number, ...number[]];
}, 120_000);

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('a compare job through the gateway', () => {
  it('makes a parent run and one evaluate run per method', () => {
    expect(childIds).toHaveLength(2);
    expect(childIds).toEqual([parentId + 1, parentId + 2]);
  });

  it('shows the parent with a per-method comparison and its children with their evaluations', async () => {
    const { run } = await client['runs.get']({ runId: parentId });
    expect(run).toMatchObject({ id: parentId, kind: 'compare', method: null, status: 'succeeded', parentRunId: null, metric: null, evaluation: null, sweep: null });
    expect(run.comparison!.map((c) => [c.runId, c.method])).toEqual([
      [childIds[0], 'euclidean'],
      [childIds[1], 'lda'],
    ]);
    expect(run.children.map((c) => [c.id, c.kind, c.method, c.status, c.parentRunId])).toEqual([
      [childIds[0], 'evaluate', 'euclidean', 'succeeded', parentId],
      [childIds[1], 'evaluate', 'lda', 'succeeded', parentId],
    ]);
    for (const [k, child] of run.children.entries()) {
      const evaluation = child.evaluation!;
      expect(evaluation.method).toBe(child.method);
      expect(evaluation.protocol.folds).toBe(3);
      expect(evaluation.folds).toHaveLength(3);
      expect(evaluation.accuracy!.folds).toHaveLength(3);
      // The list item's headline, the parent's summary and the child's own evaluation agree.
      expect(child.accuracy).toBe(evaluation.accuracy!.mean);
      expect(run.comparison![k]!.accuracy).toEqual(evaluation.accuracy);
      expect(run.comparison![k]!.fitSeconds).toEqual(evaluation.fitSeconds);
      expect(evaluation.accuracy!.mean).toBeGreaterThan(0.8);
    }
    // The raw HTTP body satisfies the contract too (the client above validated it the same way).
    expect((await rawGet('runs.get', { runId: parentId })).run.children).toHaveLength(2);
  });

  it('shows each child as an evaluate run with its own evaluation and folds', async () => {
    for (const [k, method] of ['euclidean', 'lda'].entries()) {
      const { run } = await rawGet('runs.get', { runId: childIds[k]! });
      expect(run).toMatchObject({ id: childIds[k], kind: 'evaluate', method, parentRunId: parentId, metric: null, comparison: null, sweep: null, children: [] });
      expect(run.evaluation!.method).toBe(method);
      expect(run.evaluation!.folds.map((f) => f.fold)).toEqual([0, 1, 2]);
      expect(run.evaluation!.folds.reduce((n, f) => n + f.testSize, 0)).toBe(150);
    }
  });

  it('lists only the parent by default and the per-method runs with includeChildren', async () => {
    const top = await rawGet('runs.list', { datasetId });
    expect(top.runs.map((r) => [r.id, r.kind, r.parentRunId])).toEqual([[parentId, 'compare', null]]);
    const all = await client['runs.list']({ datasetId, includeChildren: true });
    expect(all.runs.map((r) => [r.id, r.kind, r.method, r.parentRunId])).toEqual([
      [childIds[1], 'evaluate', 'lda', parentId],
      [childIds[0], 'evaluate', 'euclidean', parentId],
      [parentId, 'compare', null, null],
    ]);
    expect(all.runs.slice(0, 2).every((r) => typeof r.accuracy === 'number')).toBe(true);
    expect((await client['runs.list']({ includeChildren: false })).runs.map((r) => r.id)).toEqual([parentId]);
  });

  it('refuses a malformed runs.list request, naming the field', async () => {
    const response = await api(handle.server.port, TOKEN, 'runs.list', { includeChildren: 'yes' });
    expect(response.status).toBe(400);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: "Invalid request for 'runs.list': includeChildren: Invalid input: expected boolean, received string" },
    });
  });

  it('shows a sweep run with its curve and nothing else', async () => {
    const job = await runJob({ kind: 'sweep', datasetId, method: 'mmc-diagonal', counts: [10, 30], seeds: 1, constraintSource: 'generated', protocol: { folds: 3 } });
    expect(job.status).toBe('succeeded');
    const { run } = await rawGet('runs.get', { runId: job.runIds[0]! });
    expect(run).toMatchObject({ kind: 'sweep', method: 'mmc-diagonal', metric: null, evaluation: null, comparison: null, children: [] });
    const sweep = run.sweep!;
    if (isAnswersSweep(sweep)) throw new Error('expected one method\'s sweep curve');
    expect(sweep.points.map((p) => p.count)).toEqual([10, 30]);
  }, 120_000);
});
