/**
 * `npm run serve [-- --port P] [--db FILE] [--token T] [--host H] [--no-open]`: the browser mode.
 * Starts the same workbench as the desktop app behind the HTTP server (http-server.ts) and prints the
 * address to open, `http://127.0.0.1:PORT/#token=…`.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { definedFields } from '../../shared/objects.ts';
import { defaultDatabasePath } from '../storage/paths.ts';
import { createWorkbench, type Workbench } from '../services/workbench.ts';
import { isLoopbackHost, startHttpServer, type RunningServer } from './http-server.ts';

export const TOKEN_ENV = 'METRIC_WORKBENCH_TOKEN';
export const DATABASE_ENV = 'METRIC_WORKBENCH_DB';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');
export const DEFAULT_RENDERER_DIR = join(PROJECT_ROOT, 'out', 'renderer');
/** The end-to-end test build of the renderer, with its window.__workbench hooks (WORKBENCH_TEST_HOOKS=1). */
export const E2E_RENDERER_DIR = join(PROJECT_ROOT, 'out', 'renderer-e2e');
/** What the renderer is built from: a test build older than any of these is rebuilt. */
const RENDERER_SOURCES = ['src-renderer', 'shared', 'vite.renderer.config.ts', 'svelte.config.js'];

export const USAGE = `Usage: npm run serve -- [--port P] [--db FILE] [--token T] [--host H]

Runs Metric Workbench in the browser: the same services as the desktop app, on 127.0.0.1 only.
  --port P     port to listen on (default: any free port)
  --db FILE    database file (default: $${DATABASE_ENV} or the desktop app's database)
  --token T    access token (default: $${TOKEN_ENV} or a new random token per start)
  --host H     interface to bind (default 127.0.0.1); anything else is reachable from other machines
  --renderer DIR   built renderer to serve (default out/renderer; built with npm run build:renderer if missing)
`;

export interface ServeOptions {
  port: number;
  host: string;
  dbPath: string;
  token: string;
  rendererDir: string;
  concurrency?: number;
}

export class ServeUsageError extends Error {}

/** Parses the command line; the environment supplies defaults. @throws ServeUsageError. */
export function parseServeArgs(argv: readonly string[], env: Readonly<Record<string, string | undefined>> = process.env): ServeOptions | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        db: { type: 'string' },
        token: { type: 'string' },
        renderer: { type: 'string' },
        concurrency: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new ServeUsageError((error as Error).message);
  }
  if (values.help) return 'help';
  const port = values.port === undefined ? 0 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ServeUsageError(`--port must be an integer from 0 to 65535, got '${values.port}'.`);
  const token = values.token ?? env[TOKEN_ENV] ?? randomBytes(24).toString('base64url');
  if (!/^[A-Za-z0-9_-]{16,200}$/.test(token)) {
    throw new ServeUsageError('The token must be 16 to 200 characters of letters, digits, _ and - (it goes into a URL).');
  }
  const concurrency = values.concurrency === undefined ? undefined : Number(values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1)) {
    throw new ServeUsageError(`--concurrency must be an integer ≥ 1, got '${values.concurrency}'.`);
  }
  return {
    port,
    host: values.host ?? '127.0.0.1',
    dbPath: resolve(values.db ?? (env[DATABASE_ENV] || defaultDatabasePath())),
    token,
    rendererDir: resolve(values.renderer ?? DEFAULT_RENDERER_DIR),
    ...definedFields({ concurrency }),
  };
}

/** The newest modification time (ms) of a file under `path`, or 0 when it does not exist. */
function newestMtime(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/**
 * Builds the renderer when out/renderer has no index.html (the first `npm run serve` after a clone). The
 * end-to-end build (out/renderer-e2e, with test hooks) is also rebuilt when its sources are newer than it,
 * so a spec never drives a stale UI.
 */
export function ensureRendererBuilt(rendererDir: string, log: (line: string) => void): void {
  const index = join(rendererDir, 'index.html');
  const e2e = rendererDir === E2E_RENDERER_DIR;
  if (existsSync(index) && (!e2e || Math.max(...RENDERER_SOURCES.map((p) => newestMtime(join(PROJECT_ROOT, p)))) <= statSync(index).mtimeMs)) return;
  if (rendererDir !== DEFAULT_RENDERER_DIR && !e2e) throw new Error(`No index.html in ${rendererDir}.`);
  log(e2e ? 'Building the renderer for end-to-end tests (WORKBENCH_TEST_HOOKS=1) …' : 'Building the renderer (npm run build:renderer) …');
  const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', 'vite.renderer.config.ts', '--logLevel', 'warn'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, WORKBENCH_TEST_HOOKS: e2e ? '1' : '0' },
  });
  if (result.status !== 0 || !existsSync(index)) {
    throw new Error('Building the renderer failed; run `npm run build:renderer` to see why.');
  }
}

export interface ServeHandle {
  workbench: Workbench;
  server: RunningServer;
  close(): Promise<void>;
}

/** Starts workbench + server (used by main() and by the e2e harness). */
export async function serve(options: ServeOptions): Promise<ServeHandle> {
  const workbench = await createWorkbench({
    dbPath: options.dbPath,
    mode: 'browser',
    ...definedFields({ concurrency: options.concurrency }),
  });
  let server: RunningServer;
  try {
    server = await startHttpServer({
      dispatch: workbench.dispatch,
      events: workbench.events,
      files: workbench.files,
      token: options.token,
      rendererDir: options.rendererDir,
      host: options.host,
      port: options.port,
    });
  } catch (error) {
    await workbench.close();
    throw error;
  }
  let closing: Promise<void> | null = null;
  return {
    workbench,
    server,
    close: () =>
      (closing ??= (async () => {
        await server.close();
        await workbench.close();
      })()),
  };
}

/** The `npm run serve` command; resolves to the exit code once the server has stopped. */
export async function main(argv: readonly string[]): Promise<number> {
  let options: ServeOptions | 'help';
  try {
    options = parseServeArgs(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  const log = (line: string) => process.stderr.write(`${line}\n`);
  let handle: ServeHandle;
  try {
    ensureRendererBuilt(options.rendererDir, log);
    handle = await serve(options);
  } catch (error) {
    log(`Metric Workbench could not start: ${(error as Error).message}`);
    return 1;
  }
  if (!isLoopbackHost(options.host)) {
    log(
      `WARNING: listening on ${options.host}, not on 127.0.0.1: other machines that can reach this address can use the ` +
        'workbench with the token. Use this only on a network you trust.',
    );
  }
  const readOnly = handle.workbench.store.readOnlyBecause;
  log(`Database: ${options.dbPath}${readOnly ? ` (opened read-only: ${readOnly}; changes will be refused)` : ''}`);
  process.stdout.write(`Metric Workbench is running at ${handle.server.url}\n`);
  log('Open that address in a browser (the token after # is the password). Press Ctrl+C to stop.');

  return new Promise<number>((resolveExit) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log(`\n${signal}: stopping (cancelling running jobs) …`);
      void handle.close().then(
        () => resolveExit(0),
        (error: unknown) => {
          log(`Error while stopping: ${(error as Error).message}`);
          resolveExit(1);
        },
      );
    };
    process.on('SIGINT', () => stop('SIGINT'));
    process.on('SIGTERM', () => stop('SIGTERM'));
  });
}
