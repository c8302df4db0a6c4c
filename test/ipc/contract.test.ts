import { describe, expect, expectTypeOf, it } from 'vitest';
import type { JobProgress, JobSpec } from '../../shared/domain/job.ts';
import { ERROR_CODE_LIST, WorkbenchError } from '../../shared/errors.ts';
import { base64ToBytes, bytesToBase64 } from '../../shared/ipc/base64.ts';
import {
  createClient,
  createPreloadTransport,
  createSseParser,
  tokenFromHash,
  type Transport,
} from '../../shared/ipc/client.ts';
import {
  CHANNEL_NAMES,
  CHANNELS,
  EVENT_NAMES,
  EVENTS,
  type EventOf,
  type ParsedRequestOf,
  type PreloadApi,
} from '../../shared/ipc/contract.ts';
import { ErrorCodeSchema } from '../../shared/ipc/schemas.ts';
import { parseRequest, parseResponse } from '../../shared/ipc/validate.ts';

describe('the contract', () => {
  it('declares every channel once with a request schema, a response schema and a description', () => {
    expect(new Set(CHANNEL_NAMES).size).toBe(CHANNEL_NAMES.length);
    for (const name of CHANNEL_NAMES) {
      expect(name).toMatch(/^[a-z]+\.[a-zA-Z]+$/);
      expect(typeof CHANNELS[name].request.safeParse).toBe('function');
      expect(typeof CHANNELS[name].response.safeParse).toBe('function');
      expect(CHANNELS[name].doc.length).toBeGreaterThan(10);
    }
    expect(CHANNEL_NAMES).toEqual(
      expect.arrayContaining(['app.info', 'datasets.import', 'constraints.set', 'jobs.start', 'runs.get', 'export.build', 'export.saveDialog', 'files.openDialog']),
    );
    expect(EVENT_NAMES).toEqual(expect.arrayContaining(['job.progress', 'job.finished', 'dataset.imported', 'constraints.changed', 'import.progress']));
  });

  it('uses the error codes of shared/errors.ts', () => {
    expect(ErrorCodeSchema.options).toEqual(ERROR_CODE_LIST);
  });

  it('mirrors the job types of shared/domain/job.ts', () => {
    expectTypeOf<ParsedRequestOf<'jobs.start'>['spec']>().toExtend<JobSpec>();
    expectTypeOf<EventOf<'job.progress'>>().toExtend<JobProgress>();
    const spec: JobSpec = { kind: 'sweep', datasetId: 3, method: 'mmc', counts: [0, 10], seeds: 2, constraintSource: 'generated', protocol: { folds: 3, k: 1, seed: 0, preprocess: 'zscore' } };
    expect(parseRequest('jobs.start', { spec })).toEqual({ spec });
  });

  it('rejects unknown fields, wrong types, fractions, negatives and NaN, naming the field', () => {
    const cases: [unknown, string][] = [
      [{ id: '3' }, "Invalid request for 'datasets.get': id: Invalid input: expected number, received string"],
      [{ id: 1.5 }, "Invalid request for 'datasets.get': id: Invalid input: expected int, received number"],
      [{ id: Number.NaN }, "Invalid request for 'datasets.get': id: Invalid input: expected number, received NaN"],
      [{ id: 0 }, "Invalid request for 'datasets.get': id: Too small: expected number to be >=1"],
      [{ id: 1, path: '/etc/passwd' }, `Invalid request for 'datasets.get': (root): Unrecognized key: "path"`],
      [{}, "Invalid request for 'datasets.get': id: Invalid input: expected number, received undefined"],
      [null, "Invalid request for 'datasets.get': (root): Invalid input: expected object, received null"],
    ];
    for (const [request, message] of cases) {
      let caught: unknown;
      try {
        parseRequest('datasets.get', request);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(WorkbenchError);
      expect((caught as WorkbenchError).code).toBe('INVALID_ARGUMENT');
      expect((caught as WorkbenchError).message).toBe(message);
    }
    expect(() => parseRequest('constraints.set', { datasetId: 1, i: -1, j: 2, kind: 'maybe' })).toThrow(
      `Invalid request for 'constraints.set': i: Too small: expected number to be >=0; kind: Invalid option: expected one of "must"|"cannot"`,
    );
    expect(() => parseRequest('jobs.start', { spec: { kind: 'learn', datasetId: 1, method: 'nca', params: { maxIter: 10 }, extra: 1 } })).toThrow(
      `Invalid request for 'jobs.start': spec: Unrecognized key: "extra"`,
    );
    expect(() => parseRequest('samples.add', { name: 'x'.repeat(201) })).toThrow(
      "Invalid request for 'samples.add': name: Too big: expected string to have <=200 characters",
    );
  });

  it('strips unknown response fields and flags a malformed response as INTERNAL', () => {
    expect(parseResponse('jobs.cancel', { cancelled: true, secret: 'x' })).toEqual({ cancelled: true });
    expect(() => parseResponse('jobs.cancel', { cancelled: 'yes' })).toThrow(
      "Invalid response from 'jobs.cancel': cancelled: Invalid input: expected boolean, received string",
    );
  });

  it('describes each run kind with its own result: a compare parent has a comparison and children, no evaluation', () => {
    const record = {
      datasetId: 1, datasetHash: 'h', params: {}, protocol: null, seed: 0, status: 'succeeded', appVersion: '0.1.0', createdAt: 't',
      startedAt: 't', finishedAt: 't', timings: null, errorCode: null, error: null, metric: null, evaluation: null, comparison: null, sweep: null, children: [], testScores: [],
    };
    const evaluation = {
      method: 'euclidean', params: {}, protocol: { folds: 2, k: 3, seed: 0, preprocess: 'zscore' },
      accuracy: { mean: 0.9, std: 0.1, folds: [0.8, 1] }, fitSeconds: { median: 0.01, folds: [0.01, 0.01] },
      nmi: 0.5, ari: 0.4, precisionAt1: null, mapAtR: null, pairAuc: null, folds: [],
    };
    const child = {
      id: 2, datasetId: 1, datasetHash: 'h', kind: 'evaluate', method: 'euclidean', params: {}, seed: 0, status: 'succeeded', createdAt: 't',
      finishedAt: 't', parentRunId: 1, error: null, accuracy: 0.9, components: null, testScore: null, evaluation, testScores: [],
    };
    const comparison = [{ runId: 2, method: 'euclidean', accuracy: evaluation.accuracy, fitSeconds: evaluation.fitSeconds }];
    const parent = { ...record, id: 1, kind: 'compare', method: null, parentRunId: null, comparison, children: [child] };
    expect(parseResponse('runs.get', { run: parent }).run).toEqual(parent);
    const alone = { ...record, id: 2, kind: 'evaluate', method: 'euclidean', parentRunId: 1, evaluation };
    expect(parseResponse('runs.get', { run: alone }).run.evaluation).toEqual(evaluation);

    expect(() => parseResponse('runs.get', { run: { ...parent, evaluation } })).toThrow(
      "Invalid response from 'runs.get': run.evaluation: must be null for a run of kind 'compare' (its result is 'comparison')",
    );
    expect(() => parseResponse('runs.get', { run: { ...alone, comparison, children: [child] } })).toThrow(
      "Invalid response from 'runs.get': run.comparison: must be null for a run of kind 'evaluate' (its result is 'evaluation'); run.children: must be empty for a run of kind 'evaluate' (only compare runs have children)",
    );
    // What the compare parent used to send: its stored summary as if it were an evaluation.
    expect(() => parseResponse('runs.get', { run: { ...parent, evaluation: { comparison, folds: [] } } })).toThrow(
      "Invalid response from 'runs.get': run.evaluation.method: Invalid input: expected string, received undefined",
    );
  });

  it('lets runs.list include the per-method runs of comparisons', () => {
    expect(parseRequest('runs.list', { datasetId: 3, includeChildren: true })).toEqual({ datasetId: 3, includeChildren: true });
    expect(() => parseRequest('runs.list', { children: true })).toThrow(`Invalid request for 'runs.list': (root): Unrecognized key: "children"`);
  });
});

function fakeTransport(reply: (channel: string, request: unknown) => unknown): Transport & { sent: [string, unknown][]; emit(event: string, payload: unknown): void } {
  const sent: [string, unknown][] = [];
  const listeners = new Map<string, Set<(p: unknown) => void>>();
  return {
    kind: 'http',
    sent,
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
    invoke: async (channel, request) => {
      sent.push([channel, request]);
      const value = reply(channel, request);
      return value instanceof Error ? { ok: false, error: { code: 'NOT_FOUND', message: value.message } } : { ok: true, value };
    },
    subscribe: (event, listener) => {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event)!.add(listener);
      return () => listeners.get(event)!.delete(listener);
    },
    upload: async () => ({ ok: true, value: { fileId: 'abc', name: 'a.csv', size: 3 } }),
  };
}

describe('createClient', () => {
  it('offers every channel as a method and validates responses', async () => {
    const transport = fakeTransport((channel) => (channel === 'jobs.cancel' ? { cancelled: true, extra: 1 } : { cancelled: 'no' }));
    const client = createClient(transport);
    for (const name of CHANNEL_NAMES) expect(typeof client[name]).toBe('function');
    await expect(client['jobs.cancel']({ jobId: 'j1' })).resolves.toEqual({ cancelled: true });
    await expect(client.call('jobs.list', {})).rejects.toThrow("Invalid response from 'jobs.list': jobs: Invalid input: expected array, received undefined");
    expect(transport.sent).toEqual([
      ['jobs.cancel', { jobId: 'j1' }],
      ['jobs.list', {}],
    ]);
  });

  it('turns an error envelope into a typed WorkbenchError', async () => {
    const client = createClient(fakeTransport(() => new Error('No dataset with id 9.')));
    const error = await client['datasets.get']({ id: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WorkbenchError);
    expect(error).toMatchObject({ code: 'NOT_FOUND', message: 'No dataset with id 9.' });
  });

  it('delivers only event payloads that match the contract', () => {
    const transport = fakeTransport(() => ({}));
    const client = createClient(transport);
    const seen: unknown[] = [];
    const off = client.subscribe('constraints.changed', (payload) => seen.push(payload));
    transport.emit('constraints.changed', { datasetId: 1, count: 4 });
    transport.emit('constraints.changed', { datasetId: 'x' });
    off();
    transport.emit('constraints.changed', { datasetId: 2, count: 5 });
    expect(seen).toEqual([{ datasetId: 1, count: 4 }]);
  });

  it('sends uploads through the preload bridge as base64 on files.upload', async () => {
    const calls: [string, unknown][] = [];
    const bridge: PreloadApi = {
      channels: CHANNEL_NAMES,
      events: EVENT_NAMES,
      invoke: async (channel, request) => {
        calls.push([channel, request]);
        return { ok: true, value: { fileId: 'f1', name: 'a.csv', size: 3 } };
      },
      on: () => () => undefined,
    };
    const client = createClient(createPreloadTransport(bridge));
    await expect(client.upload('a.csv', new Uint8Array([97, 44, 98]))).resolves.toEqual({ fileId: 'f1', name: 'a.csv', size: 3 });
    expect(calls).toEqual([['files.upload', { name: 'a.csv', base64: 'YSxi' }]]);
  });
});

describe('helpers', () => {
  it('parses server-sent events split across chunks', () => {
    const got: [string, string][] = [];
    const feed = createSseParser((event, data) => got.push([event, data]));
    feed(': hello\n\nevent: job.progress\ndata: {"a"');
    feed(':1}\n\nevent: x\r\ndata: 1\r\ndata: 2\r\n\r\n');
    expect(got).toEqual([
      ['job.progress', '{"a":1}'],
      ['x', '1\n2'],
    ]);
  });

  it('round-trips base64 like Buffer does', () => {
    for (const length of [0, 1, 2, 3, 4, 5, 100, 65_537]) {
      const bytes = Uint8Array.from({ length }, (_, k) => (k * 37 + 11) & 255);
      const text = bytesToBase64(bytes);
      expect(text).toBe(Buffer.from(bytes).toString('base64'));
      expect(base64ToBytes(text)).toEqual(bytes);
    }
    expect(() => base64ToBytes('abc')).toThrow('Base64 text length 3 is not a multiple of 4.');
    expect(() => base64ToBytes('ab*d')).toThrow('Invalid base64 character at position 2.');
  });

  it('reads the token from the page fragment', () => {
    expect(tokenFromHash('#token=abc_DEF-1')).toBe('abc_DEF-1');
    expect(tokenFromHash('#/label?x=1&token=t2')).toBe('t2');
    expect(tokenFromHash('#/label')).toBeNull();
  });

  it('declares a schema for every event', () => {
    for (const name of EVENT_NAMES) expect(typeof EVENTS[name].safeParse).toBe('function');
  });
});
