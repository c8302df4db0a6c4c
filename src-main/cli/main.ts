/**
 * Entry point of the `workbench` command line (bin/workbench.mjs calls {@link main}).
 *
 *   workbench [--db FILE] [--json] COMMAND [ARGS…]
 *
 * Exit codes: 0 success, 1 error (with `--json`: `{"error": {"code", "message"}}` on stderr), 2 usage error,
 * 130 interrupted by Ctrl-C.
 */
import { resolve } from 'node:path';
import { fromErrorPayload, toErrorPayload, type ErrorPayload } from '../../shared/errors.ts';
import type { Channel, RequestOf, ResponseOf } from '../../shared/ipc/contract.ts';
import { createWorkbench, type Workbench } from '../services/workbench.ts';
import { APP_VERSION } from '../storage/app-version.ts';
import { defaultDatabasePath } from '../storage/paths.ts';
import { diagnoseStorageError } from '../storage/storage-errors.ts';
import { openStore, type Store } from '../storage/store.ts';
import { extractGlobalFlags, parseCommandArgs } from './args.ts';
import { UsageError, type CliCommand, type CliContext, type ProgressCallback } from './command.ts';
import { COMMANDS, findCommand } from './commands/index.ts';
import { formatValue } from './format.ts';

/** Where main reads and writes; tests pass their own to run commands in-process. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** When given, main uses it instead of installing its own SIGINT handler. */
  signal?: AbortSignal;
  /** Whether stderr is a terminal (progress is then redrawn in place). */
  stderrIsTTY: boolean;
}

/** Environment variable that overrides the default database path (`--db` wins over it). */
export const DATABASE_ENV = 'METRIC_WORKBENCH_DB';

export const EXIT_OK = 0;
export const EXIT_ERROR = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

/** Runs the CLI with `argv` (without `node` and the script path) and returns the exit status. Never throws. */
export async function main(argv: readonly string[], io: Partial<CliIo> = {}): Promise<number> {
  const full: CliIo = {
    stdout: io.stdout ?? ((text) => void process.stdout.write(text)),
    stderr: io.stderr ?? ((text) => void process.stderr.write(text)),
    env: io.env ?? process.env,
    cwd: io.cwd ?? process.cwd(),
    stderrIsTTY: io.stderrIsTTY ?? (io.stderr === undefined && process.stderr.isTTY === true),
    ...(io.signal ? { signal: io.signal } : {}),
  };
  const json = argv.includes('--json');
  const terminal: TerminalState = { lineOpen: false };
  let command: CliCommand | undefined;
  let store: Store | undefined;
  let workbench: Promise<Workbench> | undefined;
  const controller = new AbortController();
  let interrupts = 0;
  const onSigint = (): void => {
    interrupts++;
    if (interrupts > 1) process.exit(EXIT_INTERRUPTED);
    endLine(full, terminal);
    if (!json) full.stderr('Interrupted; stopping… (press Ctrl-C again to quit at once)\n');
    controller.abort(new Error('Interrupted by Ctrl-C.'));
  };
  const signal = full.signal ?? controller.signal;
  if (!full.signal) process.on('SIGINT', onSigint);
  try {
    const flags = extractGlobalFlags(argv);
    if (flags.version) {
      full.stdout(flags.json ? `${JSON.stringify({ version: APP_VERSION })}\n` : `workbench ${APP_VERSION}\n`);
      return EXIT_OK;
    }
    const [name, ...rest] = flags.rest;
    if (name === undefined || name === 'help') {
      const topic = name === 'help' ? rest[0] : undefined;
      const target = topic === undefined ? undefined : findCommand(topic);
      if (topic !== undefined && !target) throw new UsageError(`Unknown command '${topic}'. Run 'workbench --help' for the list.`);
      const text = `${target ? commandHelp(target) : generalHelp()}\n`;
      if (name === undefined && !flags.help) {
        // `workbench` alone: the help is the answer to a usage error.
        full.stderr(text);
        return EXIT_USAGE;
      }
      full.stdout(text);
      return EXIT_OK;
    }
    command = findCommand(name);
    if (!command) throw new UsageError(`Unknown command '${name}'. Run 'workbench --help' for the list.`);
    if (flags.help) {
      full.stdout(`${commandHelp(command)}\n`);
      return EXIT_OK;
    }
    const parsed = parseCommandArgs(rest, command.options ?? {});
    const envDb = full.env[DATABASE_ENV];
    const dbPath = resolve(full.cwd, flags.db ?? (envDb !== undefined && envDb !== '' ? envDb : defaultDatabasePath()));
    const ctx = createContext({
      command: name,
      io: full,
      json: flags.json,
      dbPath,
      values: parsed.values,
      positionals: parsed.positionals,
      signal,
      terminal,
      getStore: () => (store ??= openStore(dbPath)),
      getWorkbench: () => {
        const concurrency = full.env.WORKBENCH_JOBS ? Number(full.env.WORKBENCH_JOBS) : undefined;
        workbench ??= createWorkbench({
          dbPath,
          mode: 'cli',
          store: (store ??= openStore(dbPath)),
          ...(concurrency && concurrency > 0 ? { concurrency } : {}),
          // Unexpected errors reach the user as the command's error; the stack only with WORKBENCH_DEBUG.
          log: (message) => {
            if (full.env.WORKBENCH_DEBUG && !json) full.stderr(`${message}\n`);
          },
        });
        return workbench;
      },
    });
    const code = await command.run(ctx);
    return signal.aborted ? EXIT_INTERRUPTED : code;
  } catch (error) {
    if (signal.aborted) {
      reportError(full, json, { code: 'JOB_CANCELLED', message: 'Interrupted by Ctrl-C.' }, terminal);
      return EXIT_INTERRUPTED;
    }
    if (error instanceof UsageError) {
      reportError(full, json, { code: 'INVALID_ARGUMENT', message: error.message }, terminal);
      if (!json) full.stderr(command ? `Usage:\n${indent(command.usage)}\nRun 'workbench ${command.name} --help' for details.\n` : '');
      return EXIT_USAGE;
    }
    // Commands that use the store directly (grid submit, collect) get the same storage diagnosis as the gateway's.
    const payload = toErrorPayload(store ? diagnoseStorageError(store.path, error) : error);
    if (payload.code === 'INTERNAL' && error instanceof Error && !json && full.env.WORKBENCH_DEBUG) full.stderr(`${error.stack}\n`);
    reportError(full, json, payload, terminal);
    return EXIT_ERROR;
  } finally {
    if (!full.signal) process.off('SIGINT', onSigint);
    try {
      if (workbench) await (await workbench).close();
    } catch {
      // It failed to start (the command reported that) or is already closed.
    }
    try {
      store?.close();
    } catch {
      // Closing can only fail if the handle is already gone; nothing is left to save.
    }
  }
}

/** Whether a progress line is being redrawn in place on stderr (it needs a newline before other output). */
interface TerminalState {
  lineOpen: boolean;
}

function endLine(io: CliIo, terminal: TerminalState): void {
  if (terminal.lineOpen) io.stderr('\n');
  terminal.lineOpen = false;
}

function reportError(io: CliIo, json: boolean, payload: ErrorPayload, terminal: TerminalState): void {
  endLine(io, terminal);
  io.stderr(json ? `${JSON.stringify({ error: payload })}\n` : `workbench: error: ${payload.message}\n`);
}

interface ContextInit {
  command: string;
  io: CliIo;
  json: boolean;
  dbPath: string;
  values: CliContext['values'];
  positionals: string[];
  signal: AbortSignal;
  terminal: TerminalState;
  getStore: () => Store;
  getWorkbench: () => Promise<Workbench>;
}

function createContext(init: ContextInit): CliContext {
  const { io, json, values, positionals, terminal } = init;
  const ctx: CliContext = {
    command: init.command,
    positionals,
    values,
    json,
    dbPath: init.dbPath,
    get store() {
      return init.getStore();
    },
    workbench: init.getWorkbench,
    async call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      const envelope = await (await init.getWorkbench()).dispatch(channel, request);
      if (!envelope.ok) throw fromErrorPayload(envelope.error);
      return envelope.value as ResponseOf<C>;
    },
    signal: init.signal,
    env: io.env,
    cwd: io.cwd,
    out(value, text) {
      if (json) io.stdout(`${JSON.stringify(value, jsonReplacer)}\n`);
      else {
        endLine(io, terminal);
        const rendered = text ?? formatValue(value);
        if (rendered !== '') io.stdout(`${rendered}\n`);
      }
    },
    progress(message) {
      if (json) return;
      endLine(io, terminal);
      io.stderr(`${message}\n`);
    },
    progressFraction(label) {
      return createProgress(io, json, label, terminal);
    },
    option(name) {
      const value = values[name];
      if (value === undefined || typeof value === 'boolean') return undefined;
      if (Array.isArray(value)) throw new UsageError(`Option --${name} was given more than once.`);
      return value;
    },
    flag(name) {
      return values[name] === true || (Array.isArray(values[name]) && (values[name] as unknown[]).length > 0);
    },
    requirePositional(index, label) {
      const value = positionals[index];
      if (value === undefined) throw new UsageError(`Missing argument ${label}.`);
      return value;
    },
    requireOption(name) {
      const value = ctx.option(name);
      if (value === undefined) throw new UsageError(`Missing required option --${name}.`);
      return value;
    },
    integer(raw, label, range = {}) {
      const value = /^[+-]?\d+$/.test(raw.trim()) ? Number(raw) : Number.NaN;
      if (!Number.isSafeInteger(value)) throw new UsageError(`${label} must be an integer, got '${raw}'.`);
      if (range.min !== undefined && value < range.min) throw new UsageError(`${label} must be ≥ ${range.min}, got ${value}.`);
      if (range.max !== undefined && value > range.max) throw new UsageError(`${label} must be ≤ ${range.max}, got ${value}.`);
      return value;
    },
    resolvePath(path) {
      return resolve(io.cwd, path);
    },
  };
  return ctx;
}

/** Typed arrays become plain arrays in JSON output. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (ArrayBuffer.isView(value) && !(value instanceof DataView)) return Array.from(value as unknown as ArrayLike<number>);
  return value;
}

function createProgress(io: CliIo, json: boolean, label: string, terminal: TerminalState): ProgressCallback {
  let lastShown = -1;
  let finished = false;
  const report = ((fraction: number) => {
    if (json || finished) return;
    const percent = Math.max(0, Math.min(100, Math.floor(fraction * 100)));
    if (io.stderrIsTTY) {
      if (percent === lastShown) return;
      io.stderr(`\r${label} ${String(percent).padStart(3)}%`);
      terminal.lineOpen = true;
    } else {
      const step = Math.floor(percent / 10) * 10;
      if (step <= lastShown) return;
      io.stderr(`${label} ${step}%\n`);
      lastShown = step;
      return;
    }
    lastShown = percent;
  }) as ProgressCallback;
  report.done = () => {
    if (json || finished) return;
    finished = true;
    if (io.stderrIsTTY && lastShown >= 0) {
      io.stderr(`\r${label} 100%\n`);
      terminal.lineOpen = false;
    }
  };
  return report;
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

/** `workbench --help`. */
export function generalHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    'workbench: the Metric Workbench command line (Mahalanobis metric learning experiments).',
    '',
    'Usage: workbench [--db FILE] [--json] COMMAND [ARGS…]',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    'Global options:',
    `  --db FILE    database file (default: $${DATABASE_ENV}, else ${defaultDatabasePath()})`,
    '  --json       machine-readable JSON on stdout; errors as {"error": {"code", "message"}} on stderr',
    '  --help, -h   help for the command',
    '  --version    print the version',
    '',
    'Row indices are 0-based, in the order of the rows in the imported file.',
    'Datasets may be given by id or by unique name.',
    'Exit status: 0 ok, 1 error, 2 usage error, 130 interrupted (Ctrl-C).',
    "Run 'workbench COMMAND --help' for a command's options.",
  ].join('\n');
}

/** `workbench COMMAND --help`. */
export function commandHelp(command: CliCommand): string {
  return [`workbench ${command.name}: ${command.summary}`, '', 'Usage:', indent(command.usage), ...(command.help ? ['', command.help] : []), '', 'Global options: --db FILE, --json, --help'].join('\n');
}
