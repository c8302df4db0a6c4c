/**
 * Many writers on one database, as the reliability probes measured it: the browser-mode server, 4 CLI processes
 * adding pairs with `workbench constraints add`, 4 HTTP clients adding pairs with `constraints.set`, and 3 compare
 * jobs started over HTTP, all at once on one SQLite file. Every acknowledged label (exit 0, HTTP 200) must be in the
 * database afterwards with its kind, once; no writer may see SQLITE_BUSY ("database is locked").
 *
 * Usage: node --import tsx bench/concurrency.ts [--cli-writes 50] [--http-writes 230] [--compares 3]
 *   (per CLI writer and per HTTP client; 4 of each). Prints one table; exit 1 when a label was lost or a writer was busy.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';

const WORKBENCH = fileURLToPath(new URL('../bin/workbench.mjs', import.meta.url));
const SERVE = fileURLToPath(new URL('../bin/serve.mjs', import.meta.url));
const { values } = parseArgs({ options: { 'cli-writes': { type: 'string' }, 'http-writes': { type: 'string' }, compares: { type: 'string' } } });
const CLI_WRITERS = 4;
const HTTP_CLIENTS = 4;
const cliWrites = Number(values['cli-writes'] ?? 50);
const httpWrites = Number(values['http-writes'] ?? 230);
const compares = Number(values.compares ?? 3);

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WORKBENCH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The g-th unordered pair of distinct rows of a 150-row dataset, (i, j) with i < j, and a kind that alternates. */
function pairOf(g: number): { i: number; j: number; kind: 'must' | 'cannot' } {
  let i = 0;
  let left = g;
  while (left >= 149 - i) {
    left -= 149 - i;
    i++;
  }
  return { i, j: i + 1 + left, kind: g % 3 === 0 ? 'cannot' : 'must' };
}

const dir = mkdtempSync(join(tmpdir(), 'wb-concurrency-'));
const db = join(dir, 'w.sqlite');
const started = performance.now();
try {
  await run(['--db', db, '--json', 'samples', 'add', 'iris']);
  const wine = JSON.parse((await run(['--db', db, '--json', 'samples', 'add', 'wine'])).stdout) as { dataset: { id: number } };
  const iris = 1;
  mkdirSync(join(dir, 'renderer'));
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  const token = 'concurrency-token-0123456789';
  const server = spawn(process.execPath, [SERVE, '--db', db, '--token', token, '--renderer', join(dir, 'renderer')], { stdio: ['ignore', 'pipe', 'pipe'] });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    server.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const match = /127\.0\.0\.1:(\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    server.on('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  let serverLog = '';
  server.stderr!.on('data', (c: Buffer) => (serverLog += c.toString()));

  const api = (channel: string, body: unknown) =>
    new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          // One connection per request: no race with the server closing an idle kept-alive one.
          agent: false,
          method: 'POST',
          path: `/api/${channel}`,
          headers: { Host: `127.0.0.1:${port}`, Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });

  const acknowledged = new Map<string, 'must' | 'cannot'>();
  const failures: string[] = [];
  const latencies: number[] = [];
  const jobIds: string[] = [];
  for (let k = 0; k < compares; k++) {
    const answer = await api('jobs.start', { spec: { kind: 'compare', datasetId: wine.dataset.id, seed: k, methods: [{ method: 'euclidean' }, { method: 'lda' }, { method: 'mmc-diagonal' }] } });
    if (answer.status === 200) jobIds.push((JSON.parse(answer.body) as { jobId: string }).jobId);
    else failures.push(`jobs.start: ${answer.body}`);
  }
  const cliWriter = async (w: number) => {
    for (let k = 0; k < cliWrites; k++) {
      const p = pairOf(w * cliWrites + k);
      const r = await run(['--db', db, '--json', 'constraints', 'add', '--dataset', String(iris), String(p.i), String(p.j), p.kind]);
      if (r.code === 0) acknowledged.set(`${p.i},${p.j}`, p.kind);
      else failures.push(`cli: ${r.stderr.trim()}`);
    }
  };
  const httpClient = async (c: number) => {
    for (let k = 0; k < httpWrites; k++) {
      const p = pairOf(CLI_WRITERS * cliWrites + c * httpWrites + k);
      const t = performance.now();
      const r = await api('constraints.set', { datasetId: iris, i: p.i, j: p.j, kind: p.kind });
      latencies.push(performance.now() - t);
      if (r.status === 200) acknowledged.set(`${p.i},${p.j}`, p.kind);
      else failures.push(`http ${r.status}: ${r.body}`);
    }
  };
  await Promise.all([...Array.from({ length: CLI_WRITERS }, (_, w) => cliWriter(w)), ...Array.from({ length: HTTP_CLIENTS }, (_, c) => httpClient(c))]);
  // The compare jobs: wait until none is queued or running.
  for (;;) {
    const jobs = JSON.parse((await api('jobs.list', {})).body) as { jobs: Array<{ jobId: string; status: string }> };
    if (!jobs.jobs.some((j) => jobIds.includes(j.jobId) && (j.status === 'queued' || j.status === 'running'))) break;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  const runs = JSON.parse((await api('runs.list', { datasetId: wine.dataset.id })).body) as { runs: Array<{ kind: string; status: string }> };
  await new Promise<void>((resolve) => {
    server.once('exit', () => resolve());
    server.kill('SIGINT');
  });

  const raw = new Database(db, { readonly: true });
  const rows = raw.prepare('SELECT i, j, kind FROM constraints WHERE dataset_id = ?').all(iris) as Array<{ i: number; j: number; kind: string }>;
  raw.close();
  const stored = new Map<string, string>();
  let duplicates = 0;
  for (const row of rows) {
    const key = `${row.i},${row.j}`;
    if (stored.has(key)) duplicates++;
    stored.set(key, row.kind);
  }
  let lost = 0;
  for (const [key, kind] of acknowledged) if (stored.get(key) !== kind) lost++;
  const busy = [...failures, serverLog].filter((text) => /SQLITE_BUSY|database is locked/.test(text)).length;
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!.toFixed(1);
  const compareRuns = runs.runs.filter((r) => r.kind === 'compare');
  console.log('| writers | label writes acknowledged | labels lost | duplicates | SQLITE_BUSY | failed writes | compare jobs | HTTP write p50 / p99 ms | wall s |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  console.log(
    `| server + ${CLI_WRITERS} CLI × ${cliWrites} + ${HTTP_CLIENTS} HTTP × ${httpWrites} + ${compares} compare jobs | ${acknowledged.size} of ${CLI_WRITERS * cliWrites + HTTP_CLIENTS * httpWrites} | ${lost} | ${duplicates} | ${busy} | ${failures.length} | ` +
      `${compareRuns.map((r) => r.status).join(', ')} | ${quantile(0.5)} / ${quantile(0.99)} | ${((performance.now() - started) / 1000).toFixed(1)} |`,
  );
  for (const failure of failures.slice(0, 5)) console.log(`failure: ${failure.slice(0, 300)}`);
  process.exitCode = lost === 0 && busy === 0 && duplicates === 0 ? 0 : 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
