/**
 * The data probes of the reliability script (bench/reliability.ts loads this file): non-UTF-8 text (2), damaged
 * stored data (4), a gzip bomb as IDX (5), datasets past 1 GB (6) and a FIFO with no writer (7). Each builds its
 * hostile input synthetically in a temporary folder and drives this build's `workbench` CLI as a child process (and,
 * for the JSON request, the browser-mode server in this process).
 *
 * Environment: PROBE_BIG_ROWS (default 600000) rows of the large IDX import in probe 6; 0 leaves it out.
 * PROBE_CACHE (default $TMPDIR/workbench-probes) keeps the 6.8 MB gzip bomb between runs (it takes ~20 s to build).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Probe } from './probe.ts';
import { costOf, runWorkbench, writeGzipBomb, writeIdxImages, writeIdxLabels } from './synthetic-files.ts';

const CACHE = process.env.PROBE_CACHE ?? join(tmpdir(), 'workbench-probes');
const BIG_ROWS = Number(process.env.PROBE_BIG_ROWS ?? 600_000);

async function inTempFolder<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'data-probe-'));
  try {
    return await work(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The `{"error": {code, message}}` a `--json` run wrote to stderr, or null. */
function jsonError(stderr: string): { code: string; message: string } | null {
  const line = stderr
    .split('\n')
    .reverse()
    .find((l) => l.startsWith('{"error"'));
  return line ? (JSON.parse(line) as { error: { code: string; message: string } }).error : null;
}

function jsonOut<T>(stdout: string): T {
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as T;
}

/** POST /api/CHANNEL with a raw body; the status and the parsed answer. */
function post(port: number, token: string, channel: string, body: Buffer): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `/api/${channel}`,
        headers: { Host: `127.0.0.1:${port}`, 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const nonUtf8: Probe = {
  item: 2,
  name: 'non-UTF-8 CSV (labels \\xe9t\\xe9, \\xe8t\\xe8) and a non-UTF-8 JSON request',
  before:
    'invalid bytes became U+FFFD with no warning: \\xe9t\\xe9 and \\xe8t\\xe8 merged, 3 classes became 2, exit 0, "warnings": []; ' +
    'a JSON request with invalid UTF-8 renamed a dataset to "���"',
  run: () =>
    inTempFolder(async (dir) => {
      const csv = join(dir, 'latin.csv');
      const rows = ['x,y,label'];
      for (let r = 0; r < 30; r++) rows.push(`${r},${r % 7},${['\xe9t\xe9', '\xe8t\xe8', 'hiver'][r % 3]}`);
      writeFileSync(csv, Buffer.from(`${rows.join('\n')}\n`, 'latin1'));
      const db = join(dir, 'w.sqlite');
      const refused = await runWorkbench(['--db', db, '--json', 'import', csv]);
      const error = jsonError(refused.stderr);
      const named = error !== null && /row 2, column "label", byte offset \d+: 0xE9 is not valid UTF-8 \(it looks like latin1\)/.test(error.message);
      const latin1 = await runWorkbench(['--db', db, '--json', 'import', csv, '--encoding', 'latin1']);
      const classes = latin1.code === 0 ? jsonOut<{ dataset: { classes: string[] } }>(latin1.stdout).dataset.classes : [];
      const threeClasses = classes.length === 3 && classes.includes('été') && classes.includes('ètè');

      const { serve } = await import('../../src-main/server/main.ts');
      const rendererDir = join(dir, 'renderer');
      mkdirSync(rendererDir);
      writeFileSync(join(rendererDir, 'index.html'), '<!doctype html>');
      const token = randomBytes(16).toString('hex');
      const handle = await serve({ dbPath: db, token, rendererDir, host: '127.0.0.1', port: 0, concurrency: 1 });
      let http: { status: number; body: unknown };
      let nameAfter: string | undefined;
      try {
        const body = Buffer.concat([Buffer.from('{"id":1,"name":"'), Buffer.from([0xe9, 0xe9, 0xe9]), Buffer.from('"}')]);
        http = await post(handle.server.port, token, 'datasets.rename', body);
        nameAfter = handle.workbench.store.datasets.get(1)?.name;
      } finally {
        await handle.close();
      }
      const ok = refused.code === 1 && named && threeClasses && http.status === 400 && nameAfter === 'latin';
      return {
        ok,
        after:
          `refused (exit ${refused.code}, ${error?.code}): "${error?.message.slice(0, 110)}…"; ` +
          `--encoding latin1: exit ${latin1.code}, ${classes.length} classes (${classes.join(', ')}); ` +
          `JSON request with invalid UTF-8: HTTP ${http.status}, dataset name still '${nameAfter}'`,
      };
    }),
};

const damagedData: Probe = {
  item: 4,
  name: '512 random bytes written into the middle of the database file, inside a feature block',
  before: 'served without error (64 values changed, e.g. 6.0 → 5.3e-139); integrity_check ok; the content hash never re-checked',
  run: () =>
    inTempFolder(async (dir) => {
      // 4,000 × 64 float64 values (2 MB, stored as float64): the middle of the file lies inside the features.
      const csv = join(dir, 'sixes.csv');
      const lines = [`${Array.from({ length: 64 }, (_, c) => `f${c}`).join(',')},label`];
      for (let r = 0; r < 4000; r++) lines.push(`${Array.from({ length: 64 }, (_, c) => String(6 + ((r * 64 + c) % 997) / 1000)).join(',')},c${r % 4}`);
      writeFileSync(csv, `${lines.join('\n')}\n`);
      const db = join(dir, 'w.sqlite');
      const imported = await runWorkbench(['--db', db, '--json', 'import', csv, '--name', 'sixes']);
      if (imported.code !== 0) return { ok: false, after: `import failed: ${imported.stderr.slice(0, 200)}` };
      const before = await runWorkbench(['--db', db, '--json', 'learn', '--dataset', 'sixes', '--method', 'covariance']);
      const size = statSync(db).size;
      // Past the 4-byte next-page pointer of an overflow page, so the damage is in the data SQLite does not check.
      const at = Math.floor(size / 2 / 4096) * 4096 + 1024;
      const fd = openSync(db, 'r+');
      writeSync(fd, randomBytes(512), 0, 512, at);
      closeSync(fd);
      const learn = await runWorkbench(['--db', db, '--json', 'learn', '--dataset', 'sixes', '--method', 'covariance']);
      const evaluated = await runWorkbench(['--db', db, '--json', 'evaluate', '--dataset', 'sixes', '--method', 'euclidean', '--folds', '2']);
      const errors = [jsonError(learn.stderr), jsonError(evaluated.stderr)];
      const ok = before.code === 0 && learn.code === 1 && evaluated.code === 1 && errors.every((e) => e?.code === 'DATASET_DAMAGED' || e?.code === 'DATABASE_DAMAGED');
      return {
        ok,
        after:
          `512 bytes at offset ${at} of ${size}: learn exit ${learn.code} (${errors[0]?.code}: "${errors[0]?.message}"), ` +
          `evaluate exit ${evaluated.code} (${errors[1]?.code}); before the damage learn exit ${before.code}`,
      };
    }),
};

const gzipBomb: Probe = {
  item: 5,
  name: 'gzip bomb as IDX: 10,000 × 28 × 28 images, then 6 GiB of zeros (6.8 MB .gz)',
  before: 'a 6.3 MB .gz with 6 GiB after the data: inflated to the end, 35.5 s and 3,258 MiB before it was refused for trailing bytes',
  run: async () => {
    mkdirSync(CACHE, { recursive: true });
    const bomb = join(CACHE, 'bomb-idx3-ubyte.gz');
    await writeGzipBomb(bomb, 10_000, 6 * 1024 ** 3);
    return inTempFolder(async (dir) => {
      const run = await runWorkbench(['--db', join(dir, 'w.sqlite'), '--json', 'import', bomb], { timeoutMs: 300_000 });
      const error = jsonError(run.stderr);
      const ok = run.code === 1 && error !== null && /holds more than its header declares/.test(error.message);
      return {
        ok,
        after: `refused in ${costOf(run)} (${(statSync(bomb).size / 1e6).toFixed(1)} MB .gz): "${error?.message ?? run.stderr.slice(0, 200)}"`,
      };
    });
  },
};

/** Imports `rows` × 784 (IDX, ubyte or float64) with labels and reads the dataset back through `learn`. */
async function bigImport(dir: string, rows: number, type: 'ubyte' | 'double'): Promise<{ ok: boolean; text: string }> {
  const images = join(dir, `big-${rows}-images-idx3-${type === 'ubyte' ? 'ubyte' : 'double'}`);
  const labels = join(dir, `big-${rows}-labels-idx1-ubyte`);
  writeIdxImages(images, rows, type);
  writeIdxLabels(labels, rows);
  const db = join(dir, `big-${rows}.sqlite`);
  const run = await runWorkbench(['--db', db, '--json', 'import', images, '--labels-file', labels, '--name', 'big'], { timeoutMs: 900_000 });
  rmSync(images, { force: true });
  const got = run.code === 0 ? jsonOut<{ dataset: { rows: number; features: number; classes: string[] } }>(run.stdout).dataset : null;
  const ok = got !== null && got.rows === rows && got.features === 784 && got.classes.length === 10;
  const gib = (rows * 784 * 8) / 1024 ** 3;
  return {
    ok,
    text: ok
      ? `${rows.toLocaleString('en-US')} × 784 ${type} (${gib.toFixed(2)} GiB as float64) stored in ${costOf(run)}, database ${(statSync(db).size / 1024 ** 2).toFixed(0)} MiB`
      : `${rows.toLocaleString('en-US')} × 784 ${type}: exit ${run.code} ${run.signal ?? ''} ${jsonError(run.stderr)?.message ?? run.stderr.slice(0, 200)} (${costOf(run)})`,
  };
}

const bigDatasets: Probe = {
  item: 6,
  name: `IDX imports past 1 GB: 160,000 × 784 images${BIG_ROWS > 0 ? `, ${BIG_ROWS.toLocaleString('en-US')} × 784 images` : ''}`,
  before:
    '160,000 × 784: "The bound string, buffer, or bigint is too big" (4.8 s, 1,449 MiB); ' +
    '600,000 × 784: INTERNAL "data is too long" after 27.5 s, 5,057 MiB peak',
  run: () =>
    inTempFolder(async (dir) => {
      const results = [await bigImport(dir, 160_000, 'ubyte')];
      if (BIG_ROWS > 0) results.push(await bigImport(dir, BIG_ROWS, 'ubyte'));
      return { ok: results.every((r) => r.ok), after: results.map((r) => r.text).join('; ') };
    }),
};

const fifo: Probe = {
  item: 7,
  name: 'import of a FIFO with no writer, then SIGINT',
  before: 'hangs forever; the first Ctrl-C prints JOB_CANCELLED but the process stays',
  run: () =>
    inTempFolder(async (dir) => {
      const pipe = join(dir, 'pipe.csv');
      execFileSync('mkfifo', [pipe]);
      let interrupted = false;
      const run = await runWorkbench(['--db', join(dir, 'w.sqlite'), 'import', pipe], {
        timed: false,
        timeoutMs: 30_000,
        whileRunning: (child) => {
          setTimeout(() => {
            if (child.exitCode === null && child.signalCode === null) {
              interrupted = true;
              child.kill('SIGINT');
            }
          }, 8_000).unref();
        },
      });
      const ok = run.signal !== 'SIGKILL' && run.code !== null;
      return {
        ok,
        after: `${interrupted ? 'SIGINT sent; ' : ''}exit ${run.code ?? run.signal} after ${run.seconds.toFixed(1)} s: "${run.stderr.trim().split('\n').at(-1)}"`,
      };
    }),
};

export const probes: Probe[] = [nonUtf8, damagedData, gzipBomb, bigDatasets, fifo];
