import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DatasetMatrix } from '../../shared/domain/dataset.ts';
import { ImportError, JobCancelledError, WorkbenchError } from '../../shared/errors.ts';
import { importFile } from '../../src-main/import/index.ts';
import type { ParsedDataset } from '../../src-main/import/types.ts';
import { executeImport, IMPORT_CANCELLED_MESSAGE, parsedTransferList } from '../../src-main/jobs/import-execute.ts';
import { createImportWorkers, type ImportWorkers } from '../../src-main/jobs/import-worker.ts';
import { loadSample } from '../../src-main/samples/index.ts';
import { addSample, importDataset, loadDatasetMatrix } from '../../src-main/services/datasets.ts';
import { createWorkbench } from '../../src-main/services/workbench.ts';
import type { DatasetDetails } from '../../src-main/storage/datasets-repository.ts';
import { openStore, type Store } from '../../src-main/storage/store.ts';
import { countTurns } from './helpers.ts';

const FIXTURES = new URL('../fixtures/import/', import.meta.url);
const FIXTURE_WORKER = new URL('./fixtures/import-fixture-worker.mjs', import.meta.url);

let dir: string;
/** ~20 MB: 110 000 rows × 10 features (15 significant digits) + a string label. */
let bigCsv: string;
let workers: ImportWorkers;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-import-worker-'));
  bigCsv = join(dir, 'big.csv');
  const lines = ['a,b,c,d,e,f,g,h,i,j,label'];
  let seed = 12345;
  const next = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let r = 0; r < 110_000; r++) {
    const cells: string[] = [];
    for (let f = 0; f < 10; f++) cells.push((next() * 1000 - 500).toPrecision(15));
    cells.push(r % 3 === 0 ? 'red' : r % 3 === 1 ? 'green' : 'blue');
    lines.push(cells.join(','));
  }
  writeFileSync(bigCsv, `${lines.join('\n')}\n`);
  workers = createImportWorkers();
});

afterAll(async () => {
  await workers.close();
  rmSync(dir, { recursive: true, force: true });
});

const bytesOf = (a: Float64Array | Int32Array | null) => (a ? Buffer.from(a.buffer, a.byteOffset, a.byteLength) : null);

/** Asserts two matrices are bit-for-bit identical (features as bytes, so -0 and NaN payloads count). */
function expectSameMatrix(actual: DatasetMatrix, expected: DatasetMatrix): void {
  const { features: fa, labels: la, ...restA } = actual;
  const { features: fe, labels: le, ...restE } = expected;
  expect(restA).toEqual(restE);
  expect(bytesOf(fa)!.equals(bytesOf(fe)!)).toBe(true);
  expect(la === null).toBe(le === null);
  if (la && le) expect(bytesOf(la)!.equals(bytesOf(le)!)).toBe(true);
}

function expectSameParse(actual: ParsedDataset, expected: ParsedDataset): void {
  const { matrix: ma, ...restA } = actual;
  const { matrix: me, ...restE } = expected;
  expect(restA).toEqual(restE);
  expectSameMatrix(ma, me);
}

type Outcome = { parsed: ParsedDataset } | { error: { name: string; code: string; message: string } };

async function outcome(parse: () => Promise<ParsedDataset>): Promise<Outcome> {
  try {
    return { parsed: await parse() };
  } catch (error) {
    const e = error as WorkbenchError;
    return { error: { name: e.name, code: e.code, message: e.message } };
  }
}

/** The details that must not depend on where the file was parsed. */
function storedFields(d: DatasetDetails) {
  const { id: _id, createdAt: _createdAt, ...rest } = d;
  return rest;
}

/** The database file's bytes after folding the WAL into it. */
function dbBytes(store: Store): Buffer {
  store.db.pragma('wal_checkpoint(TRUNCATE)');
  return readFileSync(store.path);
}

describe('import in a worker thread', () => {
  let stores: Store[] = [];
  const newStore = (name: string): Store => {
    const store = openStore(join(dir, `${name}-${stores.length}.sqlite`));
    stores.push(store);
    return store;
  };
  afterEach(() => {
    for (const s of stores) s.close();
    stores = [];
  });

  it('parses every good and malformed fixture exactly as the in-process importer does', async () => {
    let parsedCount = 0;
    let errorCount = 0;
    for (const folder of ['good', 'bad']) {
      const folderUrl = new URL(`${folder}/`, FIXTURES);
      for (const name of readdirSync(folderUrl).sort()) {
        if (name.endsWith('.py')) continue;
        const path = new URL(name, folderUrl).pathname;
        const local = await outcome(() => importFile(path));
        const remote = await outcome(() => workers.importFile(path));
        if ('parsed' in local) {
          expect('parsed' in remote, `${folder}/${name}: ${JSON.stringify(remote)}`).toBe(true);
          expectSameParse((remote as { parsed: ParsedDataset }).parsed, local.parsed);
          parsedCount++;
        } else {
          expect(remote, `${folder}/${name}`).toEqual(local);
          errorCount++;
        }
      }
    }
    // Both folders were really exercised (the corpus has ≥ 20 malformed files).
    expect(parsedCount).toBeGreaterThanOrEqual(20);
    expect(errorCount).toBeGreaterThanOrEqual(20);
  });

  it('stores a 20 MB CSV parsed in the worker bit-exactly as the in-process path, with the same content hash', async () => {
    const viaWorker = newStore('worker');
    const inProcess = newStore('local');
    const fractions: number[] = [];
    const a = await importDataset(viaWorker, bigCsv, {
      parse: (path, options) => workers.importFile(path, options),
      onProgress: (f) => fractions.push(f),
    });
    const b = await importDataset(inProcess, bigCsv);
    expect(a.dataset.rows).toBe(110_000);
    expect(a.dataset.classes).toEqual(['blue', 'green', 'red']);
    expect(storedFields(a.dataset)).toEqual(storedFields(b.dataset));
    expect(a.dataset.contentHash).toBe(b.dataset.contentHash);
    expect(a.warnings).toEqual(b.warnings);
    expectSameMatrix(loadDatasetMatrix(viaWorker, a.dataset.id), loadDatasetMatrix(inProcess, b.dataset.id));
    // Progress arrived while reading (the first report is always sent), in order, ending at 1.
    expect(fractions.some((f) => f > 0 && f < 1)).toBe(true);
    expect(fractions).toEqual([...fractions].sort((x, y) => x - y));
    expect(fractions.at(-1)).toBe(1);
  });

  it('refuses a malformed file with the same ImportError and leaves the database byte-for-byte unchanged', async () => {
    const store = newStore('refused');
    await importDataset(store, new URL('good/quoted.csv', FIXTURES).pathname, { parse: workers.importFile });
    const before = dbBytes(store);
    const bad = new URL('bad/ragged.csv', FIXTURES).pathname;
    const local = await importDataset(newStore('refused-local'), bad).catch((e: unknown) => e);
    const remote = await importDataset(store, bad, { parse: workers.importFile }).catch((e: unknown) => e);
    expect(local).toBeInstanceOf(ImportError);
    expect(remote).toBeInstanceOf(ImportError);
    expect((remote as ImportError).code).toBe('IMPORT_FAILED');
    expect((remote as ImportError).message).toBe((local as ImportError).message);
    expect((remote as ImportError).message).toContain('ragged.csv');
    expect(dbBytes(store).equals(before)).toBe(true);
  });

  it('cancels mid-import: rejects at once, stores nothing, and the worker stops by its flag and is reused', async () => {
    // A grace period far longer than the test: the worker must stop cooperatively to become idle again.
    const patient = createImportWorkers({ cancelGraceMs: 600_000 });
    try {
      const store = newStore('cancel');
      const before = dbBytes(store);
      const controller = new AbortController();
      const seen: number[] = [];
      const refused = await importDataset(store, bigCsv, {
        signal: controller.signal,
        parse: patient.importFile,
        onProgress: (f) => {
          seen.push(f);
          if (f < 1) controller.abort();
        },
      }).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(JobCancelledError);
      expect((refused as Error).message).toBe(IMPORT_CANCELLED_MESSAGE);
      expect(seen.length).toBe(1);
      expect(seen[0]).toBeLessThan(1);
      expect(store.datasets.list()).toEqual([]);
      expect(dbBytes(store).equals(before)).toBe(true);
      await vi.waitFor(() => expect(patient.stats()).toEqual({ running: 0, idleWorkers: 1 }), { timeout: 60_000, interval: 20 });
      const again = await importDataset(store, new URL('good/quoted.csv', FIXTURES).pathname, { parse: patient.importFile });
      expect(again.dataset.rows).toBeGreaterThan(0);
      expect(patient.stats()).toEqual({ running: 0, idleWorkers: 1 });
    } finally {
      await patient.close();
    }
  });

  it('an onProgress that throws stops the worker import, as it stops the in-process parser', async () => {
    const stop = new Error('enough');
    const result = await workers
      .importFile(bigCsv, {
        onProgress: () => {
          throw stop;
        },
      })
      .catch((e: unknown) => e);
    expect(result).toBe(stop);
    const aborted = new AbortController();
    aborted.abort();
    await expect(workers.importFile(bigCsv, { signal: aborted.signal })).rejects.toThrow(new JobCancelledError(IMPORT_CANCELLED_MESSAGE));
  });

  it('keeps the main thread responsive while a 20 MB CSV is parsed', async () => {
    // Count event-loop turns: in-process parsing only yields between 1 MiB chunks (a few hundred to ~1 400 turns
    // for this file); in the worker the main thread is free and turns run continuously (~10⁵).
    const turns = countTurns();
    let timerRan = false;
    setTimeout(() => (timerRan = true), 0);
    const store = newStore('responsive');
    const imported = importDataset(store, bigCsv, { parse: workers.importFile }).then((r) => {
      expect(timerRan).toBe(true);
      return r;
    });
    const { dataset } = await imported;
    expect(turns.stop()).toBeGreaterThan(10_000);
    expect(dataset.rows).toBe(110_000);
  });

  it('loads the digits sample in a worker identically to the in-process loader', async () => {
    const remote = await workers.loadSample('digits');
    expectSameParse(remote, await loadSample('digits'));
    expect(remote.matrix.imageShape).toEqual([8, 8]);
    const a = await addSample(newStore('sample-worker'), 'digits', { load: (name) => workers.loadSample(name) });
    const b = await addSample(newStore('sample-local'), 'digits');
    expect(storedFields(a.dataset)).toEqual(storedFields(b.dataset));
    await expect(workers.loadSample('passwd')).rejects.toThrow(
      'unknown sample "passwd"; the samples are iris, wine, breast_cancer, digits, diabetes, apples',
    );
  });

  it('close() cancels a running import and ends its worker', async () => {
    const local = createImportWorkers();
    const running = local.importFile(bigCsv);
    const closing = local.close();
    await expect(running).rejects.toThrow(new JobCancelledError(IMPORT_CANCELLED_MESSAGE));
    await closing;
    expect(local.stats()).toEqual({ running: 0, idleWorkers: 0 });
    await expect(local.importFile(bigCsv)).rejects.toThrow('The importer is closed.');
  });
});

describe('import worker host (fixture worker)', () => {
  it('transfers the parsed arrays to the main thread instead of copying them', async () => {
    const fixture = createImportWorkers({ workerUrl: FIXTURE_WORKER });
    try {
      const made = await fixture.loadSample('make');
      expect(made.matrix.features.length).toBe(2000);
      expect(made.matrix.features[1999]).toBe(1999.5);
      expect(Array.from(made.matrix.labels!.subarray(0, 4))).toEqual([0, 1, 0, 1]);
      // The worker kept a reference to the features it sent: after a transfer its view is detached (0 bytes).
      const inspected = await fixture.loadSample('inspect');
      expect(inspected.warnings).toEqual(['kept byteLength 0']);
    } finally {
      await fixture.close();
    }
  });

  it('a worker that exits mid-import fails that import with a clear error, and the next import runs', async () => {
    const fixture = createImportWorkers({ workerUrl: FIXTURE_WORKER });
    try {
      const failed = await fixture.loadSample('exit').catch((e: unknown) => e);
      expect(failed).toBeInstanceOf(WorkbenchError);
      expect((failed as WorkbenchError).code).toBe('JOB_FAILED');
      expect((failed as WorkbenchError).message).toBe('The import worker exited with code 3 before finishing.');
      expect((await fixture.loadSample('make')).matrix.nRows).toBe(1000);
    } finally {
      await fixture.close();
    }
  });

  it('terminates a worker that ignores the cancel flag after the grace period', async () => {
    const fixture = createImportWorkers({ workerUrl: FIXTURE_WORKER, cancelGraceMs: 50 });
    try {
      const controller = new AbortController();
      const hanging = fixture.loadSample('hang', { onProgress: () => controller.abort(), signal: controller.signal });
      await expect(hanging).rejects.toThrow(new JobCancelledError(IMPORT_CANCELLED_MESSAGE));
      await vi.waitFor(() => expect(fixture.stats()).toEqual({ running: 0, idleWorkers: 0 }), { timeout: 60_000, interval: 20 });
      expect((await fixture.loadSample('make')).matrix.nRows).toBe(1000);
    } finally {
      await fixture.close();
    }
  });
});

describe('import execution (in-process parts)', () => {
  it('executeImport stops at the first progress report once the flag is set, and lists both buffers for transfer', async () => {
    let stop = false;
    const path = new URL('good/quoted.csv', FIXTURES).pathname;
    const parsed = await executeImport({ kind: 'file', path, options: {} }, () => stop, () => undefined);
    expect(parsedTransferList(parsed)).toEqual([parsed.matrix.features.buffer, parsed.matrix.labels!.buffer]);
    stop = true;
    await expect(executeImport({ kind: 'file', path, options: {} }, () => stop, () => undefined)).rejects.toThrow(
      new JobCancelledError(IMPORT_CANCELLED_MESSAGE),
    );
  });
});

describe('workbench handlers import through the worker', () => {
  it('datasets.import parses off the main thread, emits import.progress and stores the dataset', async () => {
    const workbench = await createWorkbench({ dbPath: join(dir, 'wb.sqlite'), mode: 'browser', concurrency: 1 });
    try {
      const progress: { bytesRead: number; totalBytes: number }[] = [];
      workbench.events.on('import.progress', (p) => progress.push(p));
      const file = await workbench.files.registerPath(bigCsv);
      const { dataset } = await workbench.handlers['datasets.import']({ fileId: file.fileId, name: 'big' });
      expect(dataset).toMatchObject({ name: 'big', rows: 110_000, features: 10, classes: ['blue', 'green', 'red'] });
      const size = statSync(bigCsv).size;
      expect(progress.length).toBeGreaterThan(0);
      expect(progress.every((p) => p.totalBytes === size && p.bytesRead <= size)).toBe(true);
      expect(progress.at(-1)!.bytesRead).toBe(size);
      // The parse ran in an import worker, now kept idle for the next import.
      expect(workbench.imports.stats()).toEqual({ running: 0, idleWorkers: 1 });
      const sample = await workbench.handlers['samples.add']({ name: 'iris' });
      expect(sample.dataset).toMatchObject({ name: 'iris', rows: 150, features: 4 });
    } finally {
      await workbench.close();
    }
  });
});
