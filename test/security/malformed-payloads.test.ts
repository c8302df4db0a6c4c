import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHANNEL_NAMES, CHANNELS } from '../../shared/ipc/contract.ts';
import { serve, type ServeHandle } from '../../src-main/server/main.ts';
import { api } from '../server/helpers.ts';
import { dumpDatabase } from './db-dump.ts';
import { malformedCases } from './payload-generator.ts';

/**
 * Every channel gets requests generated from its own schema with one thing wrong at a time, through both
 * transports' common gateway: over HTTP (JSON-able values) and directly through `dispatch`, the path every
 * Electron IPC message takes (which can also carry NaN and ±Infinity). Each must be refused with a clear
 * error naming the field; afterwards the server still answers and the database is unchanged.
 */
const TOKEN = 'security-token-0123456789';
let dir: string;
let handle: ServeHandle;
let irisId: number;
let wineId: number;
let runId: number;
let before: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'malformed-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  handle = await serve({ port: 0, host: '127.0.0.1', dbPath: join(dir, 'db.sqlite'), token: TOKEN, rendererDir: join(dir, 'renderer'), concurrency: 1 });
  const d = handle.workbench.dispatch;
  const iris = await d('samples.add', { name: 'iris' });
  const wine = await d('samples.add', { name: 'wine' });
  if (!iris.ok || !wine.ok) throw new Error('samples could not be added');
  irisId = (iris.value as { dataset: { id: number } }).dataset.id;
  wineId = (wine.value as { dataset: { id: number } }).dataset.id;
  await d('constraints.set', { datasetId: irisId, i: 0, j: 1, kind: 'must' });
  await d('constraints.set', { datasetId: irisId, i: 0, j: 100, kind: 'cannot' });
  const finished = new Promise((resolve) => handle.workbench.events.on('job.finished', resolve));
  const job = await d('jobs.start', { spec: { kind: 'learn', datasetId: irisId, method: 'euclidean' } });
  if (!job.ok) throw new Error(job.error.message);
  runId = (job.value as { runIds: number[] }).runIds[0]!;
  await finished;
  before = dumpDatabase(handle.workbench.store);
}, 60_000);

afterAll(async () => {
  await handle?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('malformed payloads generated from the contract', () => {
  it.each(CHANNEL_NAMES.map((c) => [c]))('%s refuses every malformed request, naming the field', async (channel) => {
    const cases = malformedCases(CHANNELS[channel].request);
    expect(cases.length).toBeGreaterThanOrEqual(4);
    const port = handle.server.port;
    for (const c of cases) {
      const prefix = `Invalid request for '${channel}': `;
      const direct = await handle.workbench.dispatch(channel, c.request);
      expect({ label: c.label, ok: direct.ok }).toEqual({ label: c.label, ok: false });
      if (direct.ok) continue;
      expect({ label: c.label, code: direct.error.code }).toEqual({ label: c.label, code: 'INVALID_ARGUMENT' });
      expect(direct.error.message.startsWith(prefix), `${c.label}: ${direct.error.message}`).toBe(true);
      const namesField = [`${c.path}: `, `${c.path}.`, `${c.path}[`].some((p) => direct.error.message.includes(p));
      expect(namesField, `${c.label} should name ${c.path}: ${direct.error.message}`).toBe(true);
      expect(direct.error.message.length).toBeLessThan(1000);
      if (!c.json) continue;
      const response = await api(port, TOKEN, channel, JSON.stringify(c.request) ?? 'null');
      expect({ label: c.label, status: response.status }).toEqual({ label: c.label, status: 400 });
      expect(JSON.parse(response.body)).toEqual({ error: { code: 'INVALID_ARGUMENT', message: expect.stringContaining(prefix) } });
    }
  });

  it('answers NOT_FOUND for ids that do not exist, and CONSTRAINT_INVALID for rows of another dataset', async () => {
    const port = handle.server.port;
    const missing = 987_654;
    const cases: [string, unknown, number, string, string][] = [
      ['datasets.get', { id: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['datasets.data', { id: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['datasets.delete', { id: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['datasets.rename', { id: missing, name: 'x' }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['datasets.resolve', { ref: 'passwd' }, 404, 'NOT_FOUND', "No dataset with id or name 'passwd'."],
      ['datasets.resolve', { ref: String(missing) }, 404, 'NOT_FOUND', `No dataset with id or name '${missing}'.`],
      ['constraints.export', { datasetId: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['constraints.import', { datasetId: missing, fileId: 'nope' }, 404, 'NOT_FOUND', "Unknown file id 'nope': upload or choose the file again."],
      ['methods.score', { method: 'euclidean', trainDatasetId: missing, testDatasetId: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['methods.score', { method: 'no-such-method', trainDatasetId: irisId, testDatasetId: irisId }, 400, 'INVALID_ARGUMENT', expect.stringContaining("Unknown method 'no-such-method'") as unknown as string],
      ['constraints.list', { datasetId: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['constraints.set', { datasetId: missing, i: 0, j: 1, kind: 'must' }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['constraints.remove', { datasetId: missing, i: 0, j: 1 }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['constraints.clear', { datasetId: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['constraints.generate', { datasetId: missing, pairs: 4, seed: 0 }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['runs.list', { datasetId: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['runs.get', { runId: missing }, 404, 'NOT_FOUND', `No run with id ${missing}.`],
      ['runs.rerun', { runId: missing }, 404, 'NOT_FOUND', `No run with id ${missing}.`],
      ['export.build', { runId: missing, format: 'json' }, 404, 'NOT_FOUND', `No run with id ${missing}.`],
      ['datasets.preview', { fileId: 'nope' }, 404, 'NOT_FOUND', "Unknown file id 'nope': upload or choose the file again."],
      ['datasets.import', { fileId: 'nope' }, 404, 'NOT_FOUND', "Unknown file id 'nope': upload or choose the file again."],
      ['samples.add', { name: 'passwd' }, 404, 'NOT_FOUND', 'unknown sample "passwd"; the samples are iris, wine, breast_cancer, digits, diabetes, apples'],
      // wine has 178 rows, iris 150: row 160 exists in wine only.
      ['constraints.set', { datasetId: irisId, i: 160, j: 2, kind: 'must' }, 400, 'CONSTRAINT_INVALID', "Row index 160 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)."],
      ['constraints.remove', { datasetId: irisId, i: 3, j: 170 }, 400, 'CONSTRAINT_INVALID', "Row index 170 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)."],
      ['constraints.set', { datasetId: irisId, i: 7, j: 7, kind: 'cannot' }, 400, 'CONSTRAINT_INVALID', 'A row cannot be paired with itself (i = j = 7).'],
      ['comparisons.list', { datasetId: missing }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['comparisons.add', { datasetId: irisId, anchor: 0, closer: 160, farther: 2 }, 400, 'CONSTRAINT_INVALID', "Row index 160 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)."],
      ['comparisons.add', { datasetId: irisId, anchor: 4, closer: 9, farther: 4 }, 400, 'CONSTRAINT_INVALID', 'The comparison (4, 9, 4) names row 4 twice (anchor and farther): a comparison needs three different rows.'],
      ['comparisons.remove', { datasetId: missing, anchor: 0, closer: 1, farther: 2 }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['comparisons.generate', { datasetId: missing, count: 4, seed: 0 }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['comparisons.import', { datasetId: missing, fileId: 'nope' }, 404, 'NOT_FOUND', "Unknown file id 'nope': upload or choose the file again."],
      ['jobs.start', { spec: { kind: 'learn', datasetId: missing, method: 'nca' } }, 404, 'NOT_FOUND', `No dataset with id ${missing}.`],
      ['jobs.start', { spec: { kind: 'learn', datasetId: wineId, method: 'no-such-method' } }, 400, 'INVALID_ARGUMENT', expect.stringContaining("Unknown method 'no-such-method'") as unknown as string],
      ['jobs.start', { spec: { kind: 'learn', datasetId: wineId, method: 'nca', params: { maxIter: -3 } } }, 400, 'INVALID_ARGUMENT', expect.stringContaining("'maxIter'") as unknown as string],
      ['files.openDialog', {}, 400, 'INVALID_ARGUMENT', "'files.openDialog' is only available in the desktop app; in the browser, choose or drop the file in the page (it is uploaded to POST /api/upload)."],
      ['export.saveDialog', { runId, format: 'json' }, 400, 'INVALID_ARGUMENT', "'export.saveDialog' is only available in the desktop app; in the browser, use 'export.build' and save the download."],
    ];
    for (const [channel, request, status, code, message] of cases) {
      const response = await api(port, TOKEN, channel, request);
      expect({ channel, request, status: response.status, body: JSON.parse(response.body) }).toEqual({
        channel,
        request,
        status,
        body: { error: { code, message } },
      });
    }
    expect(handle.workbench.runner.list().map((j) => j.runIds)).toEqual([[runId]]);
  });

  it('refuses an oversized body with 413 and a clear message', async () => {
    const response = await api(handle.server.port, TOKEN, 'samples.add', JSON.stringify({ name: 'x'.repeat(33 * 1024 * 1024) }));
    expect(response.status).toBe(413);
    expect(JSON.parse(response.body)).toEqual({
      error: { code: 'INVALID_ARGUMENT', message: `The request body is larger than the limit of ${32 * 1024 * 1024} bytes.` },
    });
  });

  it('keeps serving, and leaves the database exactly as it was', async () => {
    const info = await api(handle.server.port, TOKEN, 'app.info', {});
    expect(info.status).toBe(200);
    expect(JSON.parse(info.body)).toMatchObject({ mode: 'browser', dbPath: join(dir, 'db.sqlite') });
    const list = await api(handle.server.port, TOKEN, 'datasets.list', {});
    expect((JSON.parse(list.body) as { datasets: { name: string }[] }).datasets.map((d) => d.name)).toEqual(['iris', 'wine']);
    expect(dumpDatabase(handle.workbench.store)).toBe(before);
  });
});
