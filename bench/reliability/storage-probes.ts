/**
 * The storage and server probes of the reliability script (bench/reliability.ts): items 1 (atomic exports),
 * 3 (a write reported as failed was saved), 8 (slow and oversized HTTP clients) and 9 (storage errors), each run
 * against this build through the real `workbench` CLI and `npm run serve` server in child processes. Full-disk and
 * read-only-folder probes mount small tmpfs folders (root only; skipped with the reason otherwise); the read-only
 * file probe runs the CLI as the user nobody when root.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { canMount, isRoot, mountTmpfs, type Mounted } from '../../test/helpers/fs-faults.ts';
import { exchange, postHead } from '../../test/helpers/raw-http.ts';
import { damageFirstLeafOf, truncateDatabase } from '../../test/helpers/sqlite-damage.ts';
import type { Probe } from './probe.ts';

const WORKBENCH = fileURLToPath(new URL('../../bin/workbench.mjs', import.meta.url));
const SERVE = fileURLToPath(new URL('../../bin/serve.mjs', import.meta.url));
const NO_MOUNT = 'needs root and mount(8) for a small tmpfs';

interface Cli {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `workbench --db DB --json ARGS…` in a child process; `asNobody` runs it as the user nobody (root only). */
function workbench(db: string, args: string[], options: { asNobody?: boolean } = {}): Promise<Cli> {
  const argv = [process.execPath, WORKBENCH, '--db', db, '--json', ...args];
  const command = options.asNobody ? ['setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', ...argv] : argv;
  const home = options.asNobody ? mkdtempSync(join(tmpdir(), 'wb-probe-nobody-')) : null;
  if (home) chmodSync(home, 0o777);
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...(home ? { HOME: home, TMPDIR: home } : {}) } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (home) rmSync(home, { recursive: true, force: true });
      resolve({ code, stdout, stderr });
    });
  });
}

/** `code: message` of a failed CLI run, or `exit N` when it succeeded. */
function outcome(run: Cli): string {
  if (run.code === 0) return 'exit 0';
  try {
    const { error } = JSON.parse(run.stderr) as { error: { code: string; message: string } };
    return `exit ${run.code}, ${error.code}: "${error.message}"`;
  } catch {
    return `exit ${run.code}: ${run.stderr.trim().slice(0, 200)}`;
  }
}

function codeOf(run: Cli): string | null {
  try {
    return (JSON.parse(run.stderr) as { error: { code: string } }).error.code;
  } catch {
    return null;
  }
}

/** A fresh folder with an iris database and a learned LDA metric; returns the paths and the run id. */
async function irisWithMetric(): Promise<{ dir: string; db: string; runId: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-probe-'));
  const db = join(dir, 'w.sqlite');
  await workbench(db, ['samples', 'add', 'iris']);
  const learned = await workbench(db, ['learn', '--dataset', 'iris', '--method', 'lda', '--seed', '0']);
  const runId = (JSON.parse(learned.stdout) as { run: { id: number } }).run.id;
  return { dir, db, runId };
}

/** Runs `work` on {@link irisWithMetric}'s fixture; its folder is removed afterwards. */
async function withIrisMetric<T>(work: (fixture: { dir: string; db: string; runId: number }) => Promise<T>): Promise<T> {
  const fixture = await irisWithMetric();
  try {
    return await work(fixture);
  } finally {
    rmSync(fixture.dir, { recursive: true, force: true });
  }
}

/** Runs `work` on a fresh iris database (`db`) in a fresh folder (`dir`); the folder is removed afterwards. */
async function withIrisDatabase<T>(work: (db: string, dir: string) => Promise<T>): Promise<T> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-probe-'));
  try {
    const db = join(dir, 'w.sqlite');
    await workbench(db, ['samples', 'add', 'iris']);
    return await work(db, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Fills what is left of a mounted disk. */
function fill(disk: Mounted): void {
  const fd = openSync(join(disk.dir, 'filler'), 'w');
  try {
    for (;;) writeSync(fd, Buffer.alloc(4096));
  } catch {
    // ENOSPC: full.
  } finally {
    closeSync(fd);
  }
}

async function withDisk<T>(bytes: number, work: (disk: Mounted) => Promise<T>): Promise<T> {
  const disk = mountTmpfs(bytes, 'wb-probe-disk-');
  try {
    return await work(disk);
  } finally {
    disk.unmount();
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The browser-mode server in a child process (npm run serve's entry), for item 8.

interface Served {
  child: ChildProcess;
  port: number;
  token: string;
  dir: string;
  rssMiB(): number;
  stop(): Promise<void>;
}

async function serve(): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'wb-probe-serve-'));
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>probe</title>');
  const token = 'probe-token-0123456789abcdef';
  const child = spawn(process.execPath, [SERVE, '--db', join(dir, 'w.sqlite'), '--token', token, '--renderer', join(dir, 'renderer')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  return {
    child,
    port,
    token,
    dir,
    rssMiB: () => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
        child.kill('SIGINT');
      }),
  };
}

/** Sends headers and then `chunk` every `everyMs` (0: as fast as accepted) until the server closes; seconds until then. */
async function trickle(served: Served, path: string, token: string | null, length: number, chunk: Buffer, everyMs: number): Promise<{ status: number; seconds: number; sent: number }> {
  const { status, seconds, sent } = await exchange(served.port, postHead(served.port, path, length, token), chunk, everyMs, length);
  return { status, seconds, sent };
}

function post(served: Served, channel: string, body: string | Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: served.port,
        // One connection per request: no race with the server closing an idle kept-alive one.
        agent: false,
        method: 'POST',
        path: `/api/${channel}`,
        headers: { Host: `127.0.0.1:${served.port}`, Authorization: `Bearer ${served.token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

const unknownKeys = (n: number) => `{"jobId":"x",${Array.from({ length: n }, (_, k) => `"k${k}":0`).join(',')}}`;

/** Bytes the server process read from sockets (/proc/PID/io rchar counts files too, so the delta around one request). */
function readBytes(served: Served): number {
  return Number(/rchar:\s+(\d+)/.exec(readFileSync(`/proc/${served.child.pid}/io`, 'utf8'))![1]);
}

const MiB = 1024 * 1024;

export const probes: Probe[] = [
  {
    item: 1,
    name: 'export over a good keep.json on a full disk',
    before: 'a cut-off 4,096-byte keep.json (ENOSPC, INTERNAL with raw errno)',
    async run() {
      if (!canMount) return { after: '', ok: false, skipped: NO_MOUNT };
      return withIrisMetric(async ({ runId, db }) => {
        return withDisk(64 * 1024, async (disk) => {
          const path = join(disk.dir, 'keep.json');
          await workbench(db, ['export', '--run', String(runId), '--format', 'json', '--out', path]);
          const good = readFileSync(path);
          fill(disk);
          const run = await workbench(db, ['export', '--run', String(runId), '--format', 'json', '--out', path]);
          const intact = readFileSync(path).equals(good);
          const left = readdirSync(disk.dir).filter((f) => f !== 'keep.json' && f !== 'filler');
          return {
            after: `${outcome(run)}; keep.json ${intact ? `intact (${good.length} B, same bytes)` : 'CHANGED'}; temp files left: ${left.length}`,
            ok: codeOf(run) === 'EXPORT_FAILED' && intact && left.length === 0,
          };
        });
      });
    },
  },
  {
    item: 1,
    name: 'transformed CSV export to a full disk',
    before: 't.csv left with 262,144 B after ENOSPC',
    async run() {
      if (!canMount) return { after: '', ok: false, skipped: NO_MOUNT };
      return withIrisMetric(async ({ runId, db }) => {
        return withDisk(64 * 1024, async (disk) => {
          fill(disk);
          const path = join(disk.dir, 't.csv');
          const run = await workbench(db, ['export', '--run', String(runId), '--format', 'transformed', '--out', path]);
          const left = readdirSync(disk.dir).filter((f) => f !== 'filler');
          return { after: `${outcome(run)}; files left: ${left.length === 0 ? 'none' : left.join(', ')}`, ok: codeOf(run) === 'EXPORT_FAILED' && left.length === 0 };
        });
      });
    },
  },
  {
    item: 1,
    name: 'npy export whose m_M.npy is a folder',
    before: 'm_L.npy written, then EISDIR (INTERNAL, raw errno)',
    async run() {
      return withIrisMetric(async ({ dir, runId, db }) => {
        const out = join(dir, 'out');
        mkdirSync(join(out, 'm_M.npy'), { recursive: true });
        const run = await workbench(db, ['export', '--run', String(runId), '--format', 'npy', '--out', join(out, 'm.npy')]);
        const left = readdirSync(out).filter((f) => f !== 'm_M.npy');
        return { after: `${outcome(run)}; other files: ${left.length === 0 ? 'none' : left.join(', ')}`, ok: codeOf(run) === 'EXPORT_FAILED' && left.length === 0 };
      });
    },
  },
  {
    item: 1,
    name: 'constraints export into a missing folder',
    before: 'ENOENT (export creates missing folders, constraints export did not)',
    async run() {
      return withIrisDatabase(async (db, dir) => {
        await workbench(db, ['constraints', 'add', '--dataset', 'iris', '0', '1', 'must']);
        const path = join(dir, 'new', 'folder', 'pairs.csv');
        const run = await workbench(db, ['constraints', 'export', '--dataset', 'iris', path]);
        return { after: `${outcome(run)}; ${existsSync(path) ? `written (${statSync(path).size} B)` : 'missing'}`, ok: run.code === 0 && existsSync(path) };
      });
    },
  },
  {
    item: 3,
    name: 'constraints add on a database with a damaged page',
    before: 'exit 1 "database disk image is malformed", yet the pair was committed',
    async run() {
      return withIrisDatabase(async (db) => {
        await workbench(db, ['constraints', 'generate', '--dataset', 'iris', '--pairs', '2000']);
        const listed = JSON.parse((await workbench(db, ['constraints', 'list', '--dataset', 'iris'])).stdout) as { constraints: Array<{ i: number; j: number }> };
        const taken = new Set(listed.constraints.map((c) => `${c.i},${c.j}`));
        const [i, j] = [0, 1, 2, 3].flatMap((a) => [146, 147, 148, 149].map((b) => [a, b])).find(([a, b]) => !taken.has(`${a},${b}`))!;
        const page = damageFirstLeafOf(db, 'constraints');
        const run = await workbench(db, ['constraints', 'add', '--dataset', 'iris', String(i), String(j), 'must']);
        const raw = new Database(db, { readonly: true });
        const last = raw.prepare('SELECT i, j FROM constraints ORDER BY rowid DESC LIMIT 1').get() as { i: number; j: number };
        raw.close();
        const saved = last.i === i && last.j === j;
        const consistent = run.code === 0 ? saved : !saved;
        return {
          after: `page ${page} damaged; ${outcome(run)}; pair (${i}, ${j}) ${saved ? 'saved' : 'not saved'}: the report ${consistent ? 'matches' : 'DOES NOT match'} the commit`,
          ok: consistent && codeOf(run) === 'DATABASE_DAMAGED',
        };
      });
    },
  },
  {
    item: 8,
    name: 'slow bodies (1 byte every 3 s), with and without a token',
    before: 'never closed (requestTimeout = 0), with or without a token',
    async run() {
      const served = await serve();
      try {
        const [withToken, without] = await Promise.all([
          trickle(served, '/api/jobs.cancel', served.token, 1000, Buffer.from(' '), 3000),
          trickle(served, '/api/jobs.cancel', null, 1000, Buffer.from(' '), 3000),
        ]);
        return {
          after: `with token: ${withToken.status} and closed after ${withToken.seconds.toFixed(1)} s (limit 30 s); without: ${without.status} and closed after ${without.seconds.toFixed(1)} s`,
          ok: withToken.status === 408 && without.status === 401 && withToken.seconds < 40 && without.seconds < 5,
        };
      } finally {
        await served.stop();
      }
    },
  },
  {
    item: 8,
    name: '1 GiB body without a token',
    before: 'read to its end after the 401',
    async run() {
      const served = await serve();
      try {
        const read0 = readBytes(served);
        const result = await trickle(served, '/api/upload?name=big.bin', null, 1024 ** 3, Buffer.alloc(MiB, 0x61), 0);
        const read = readBytes(served) - read0;
        return {
          after: `${result.status} after ${result.seconds.toFixed(2)} s; the server read ${(read / MiB).toFixed(2)} MiB of the 1,024 MiB (the client got ${(result.sent / MiB).toFixed(0)} MiB into socket buffers)`,
          ok: result.status === 401 && read < 16 * MiB,
        };
      } finally {
        await served.stop();
      }
    },
  },
  {
    item: 8,
    name: '10^6 unknown keys; RSS after a burst',
    before: '10.9 MB error message, server blocked 1.2 s; RSS 540 MiB afterwards (idle 100)',
    async run() {
      const served = await serve();
      try {
        await post(served, 'app.info', '{}');
        const idle = served.rssMiB();
        const body = unknownKeys(1_000_000);
        let longest = 0;
        let slowest = 0;
        for (let k = 0; k < 3; k++) {
          const started = performance.now();
          const answer = await post(served, 'jobs.cancel', body);
          slowest = Math.max(slowest, (performance.now() - started) / 1000);
          longest = Math.max(longest, answer.body.length);
        }
        // An authorised 256 MiB upload and an unauthorised 1 GiB one, as the burst.
        await trickle(served, '/api/upload?name=big.bin', served.token, 256 * MiB, Buffer.alloc(MiB, 0x61), 0);
        await trickle(served, '/api/upload?name=big.bin', null, 1024 ** 3, Buffer.alloc(MiB, 0x61), 0);
        const peak = served.rssMiB();
        await new Promise((resolve) => setTimeout(resolve, 10_000));
        const settled = served.rssMiB();
        return {
          after: `answer ≤ ${longest} B, ${slowest.toFixed(2)} s per request (11.9 MB body); RSS idle ${idle.toFixed(0)} MiB, after the burst ${peak.toFixed(0)}, 10 s later ${settled.toFixed(0)} MiB`,
          // Back near idle: the freed buffers of the burst returned to the system (bin/serve.mjs's mmap threshold).
          ok: longest < 2000 && settled < idle + 25,
        };
      } finally {
        await served.stop();
      }
    },
  },
  {
    item: 9,
    name: 'database in a read-only folder',
    before: 'even `datasets` fails: INTERNAL "attempt to write a readonly database", no file named',
    async run() {
      if (!canMount) return { after: '', ok: false, skipped: NO_MOUNT };
      return withDisk(16 * MiB, async (disk) => {
        const db = join(disk.dir, 'w.sqlite');
        await workbench(db, ['samples', 'add', 'iris']);
        disk.readOnly();
        const list = await workbench(db, ['datasets']);
        const add = await workbench(db, ['constraints', 'add', '--dataset', 'iris', '0', '1', 'must']);
        const files = readdirSync(disk.dir);
        return {
          after: `datasets: ${outcome(list)}; constraints add: ${outcome(add)}; files: ${files.join(', ')}`,
          ok: list.code === 0 && codeOf(add) === 'DATABASE_READ_ONLY' && files.length === 1,
        };
      });
    },
  },
  {
    item: 9,
    name: 'read-only (0444) database file',
    before: 'HTTP 500 with a stack trace in the log; 0444 -wal/-shm left behind',
    async run() {
      if (!isRoot) return { after: '', ok: false, skipped: 'runs the CLI as the user nobody through setpriv, which needs root' };
      const dir = mkdtempSync(join(tmpdir(), 'wb-probe-'));
      try {
        chmodSync(dir, 0o777);
        const db = join(dir, 'w.sqlite');
        await workbench(db, ['samples', 'add', 'iris']);
        chmodSync(db, 0o444);
        const list = await workbench(db, ['datasets'], { asNobody: true });
        const add = await workbench(db, ['constraints', 'add', '--dataset', 'iris', '0', '1', 'must'], { asNobody: true });
        const files = readdirSync(dir);
        return {
          after: `datasets: ${outcome(list)}; constraints add: ${outcome(add)}; files: ${files.join(', ')}`,
          ok: list.code === 0 && codeOf(add) === 'DATABASE_READ_ONLY' && files.length === 1,
        };
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  },
  {
    item: 9,
    name: 'truncated database file',
    before: '"not an SQLite database"',
    async run() {
      return withIrisDatabase(async (db, dir) => {
        const cut = join(dir, 'cut.sqlite');
        copyFileSync(db, cut);
        truncateDatabase(cut, Math.floor(statSync(db).size / 2));
        const run = await workbench(cut, ['datasets']);
        return { after: outcome(run), ok: codeOf(run) === 'DATABASE_TRUNCATED' };
      });
    },
  },
  {
    item: 9,
    name: 'damaged (malformed) page',
    before: 'INTERNAL "malformed" (HTTP 500)',
    async run() {
      return withIrisDatabase(async (db) => {
        await workbench(db, ['constraints', 'generate', '--dataset', 'iris', '--pairs', '2000']);
        damageFirstLeafOf(db, 'constraints');
        const run = await workbench(db, ['constraints', 'list', '--dataset', 'iris']);
        return { after: outcome(run), ok: codeOf(run) === 'DATABASE_DAMAGED' };
      });
    },
  },
  {
    item: 9,
    name: 'disk full under the database',
    before: 'INTERNAL with raw SQLite text',
    async run() {
      if (!canMount) return { after: '', ok: false, skipped: NO_MOUNT };
      return withDisk(256 * 1024, async (disk) => {
        const db = join(disk.dir, 'w.sqlite');
        await workbench(db, ['samples', 'add', 'iris']);
        const run = await workbench(db, ['samples', 'add', 'digits']);
        return { after: outcome(run), ok: codeOf(run) === 'DATABASE_DISK_FULL' };
      });
    },
  },
  {
    item: 9,
    name: 'export errors (a read-only folder)',
    before: 'INTERNAL with raw errno text (EACCES, EISDIR, EEXIST, ENOSPC)',
    async run() {
      if (!canMount) return { after: '', ok: false, skipped: NO_MOUNT };
      return withIrisMetric(async ({ runId, db }) => {
        return withDisk(MiB, async (disk) => {
          disk.readOnly();
          const run = await workbench(db, ['export', '--run', String(runId), '--format', 'csv', '--out', join(disk.dir, 'm.csv')]);
          return { after: outcome(run), ok: codeOf(run) === 'EXPORT_FAILED' };
        });
      });
    },
  },
];

