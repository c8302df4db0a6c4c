/**
 * The contract every `workbench` command implements. A command is one module under `commands/` that exports a
 * {@link CliCommand} object; `commands/index.ts` lists them, so adding a command is one import plus one entry in
 * that table.
 *
 * ```ts
 * // src-main/cli/commands/hello.ts
 * export const helloCommand: CliCommand = {
 *   name: 'hello',
 *   summary: 'Say hello to a dataset.',
 *   usage: 'workbench hello DATASET [--loud]',
 *   help: 'DATASET is an id or a unique name.',
 *   options: { loud: { type: 'boolean' } },
 *   async run(ctx) {
 *     const ref = ctx.requirePositional(0, 'DATASET');
 *     const { dataset } = await ctx.call('datasets.resolve', { ref });
 *     ctx.out({ hello: dataset.name }, `Hello, ${dataset.name}${ctx.flag('loud') ? '!' : '.'}`);
 *     return 0;
 *   },
 * };
 * ```
 *
 * Commands reach the data through {@link CliContext.call}, the dispatch gateway of the app and the browser mode
 * (request and response validated against shared/ipc/contract.ts); they import nothing from src-main/services.
 */
import type { Channel, RequestOf, ResponseOf } from '../../shared/ipc/contract.ts';
import type { Workbench } from '../services/workbench.ts';
import type { Store } from '../storage/store.ts';

/** One option of a command, in `util.parseArgs` terms. Global flags (`--db`, `--json`, `--help`) are handled by main. */
export interface CliOptionSpec {
  type: 'string' | 'boolean';
  /** One-letter alias, e.g. `'n'` for `-n`. */
  short?: string;
  /** Allow the option several times (values are collected in order). */
  multiple?: boolean;
}

export type CliOptionValue = string | boolean | string[] | boolean[] | undefined;

/** Everything a command gets when it runs. */
export interface CliContext {
  /** The command name as typed (`constraints`). */
  readonly command: string;
  /** Positional arguments after the command name, in order (sub-command names included, e.g. `['add', '3', '7', 'must']`). */
  readonly positionals: readonly string[];
  /** Parsed options of the command (global flags removed). Missing options are absent. */
  readonly values: Readonly<Record<string, CliOptionValue>>;
  /** True with `--json`: results go to stdout as one JSON document, progress is silent. */
  readonly json: boolean;
  /** Absolute path of the database this invocation uses (`--db`, else `METRIC_WORKBENCH_DB`, else the default). */
  readonly dbPath: string;
  /**
   * The opened store. Opened lazily on first access (so `--help` and commands that never touch the database do not
   * create one) and closed by main after `run` returns. Commands go through {@link call}; only the Slurm bundle
   * commands (`grid submit`, `grid collect`) hand the store to src-main/grid, since they work on bundle folders
   * named by path, which the contract never accepts.
   */
  readonly store: Store;
  /**
   * The workbench over {@link store} — the same composition as the app's and the browser mode's (job runner,
   * runs service, handlers, gateway), started on first call and closed by main after `run` returns.
   */
  workbench(): Promise<Workbench>;
  /**
   * Calls a contract channel through the workbench's dispatch gateway (request and response validated, as for
   * the app and the browser mode); resolves to the response, or throws the error envelope's WorkbenchError.
   */
  call<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>>;
  /** Aborted on Ctrl-C (SIGINT). Long-running commands pass it on and stop promptly; main then exits with 130. */
  readonly signal: AbortSignal;
  /** Environment variables (process.env unless a test passes its own). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Current directory that relative paths are resolved against. */
  readonly cwd: string;
  /**
   * Prints the command's result. With `--json` `value` is written to stdout as JSON; otherwise `text` (a
   * human-readable rendering, e.g. from `formatTable`) is printed, or a simple `key: value` rendering of `value`.
   * Call it once per command with the whole result.
   */
  out(value: unknown, text?: string): void;
  /** Writes a line of progress or a notice to stderr; silent with `--json`. */
  progress(message: string): void;
  /**
   * Returns a callback that shows a fraction 0…1 as a percentage for `label` on stderr (redrawn in place on a
   * terminal, every 10 % otherwise); silent with `--json`. Call `.done()` on it at the end.
   */
  progressFraction(label: string): ProgressCallback;
  /** String value of option `name`, or undefined. @throws UsageError if it was given several times without `multiple`. */
  option(name: string): string | undefined;
  /** True when boolean option `name` was given. */
  flag(name: string): boolean;
  /** Positional `index`; @throws UsageError "Missing argument LABEL." when absent. */
  requirePositional(index: number, label: string): string;
  /** Value of string option `name`; @throws UsageError "Missing required option --name." when absent. */
  requireOption(name: string): string;
  /** Parses an integer argument; @throws UsageError naming the argument and value. */
  integer(raw: string, label: string, range?: { min?: number; max?: number }): number;
  /** Resolves a file path given on the command line against {@link cwd}. */
  resolvePath(path: string): string;
}

export interface ProgressCallback {
  (fraction: number): void;
  done(): void;
}

/** A `workbench` command: name, help texts, options and what it does. */
export interface CliCommand {
  /** The word typed after `workbench` (`import`, `constraints` …). */
  name: string;
  /** One line for `workbench --help`. */
  summary: string;
  /** Usage line(s), e.g. `workbench import FILE [--name N]`; several lines for sub-commands. */
  usage: string;
  /** Longer help shown by `workbench COMMAND --help` (options, examples, notes). */
  help?: string;
  /** The command's own options (global flags excluded). Unknown options are usage errors (exit 2). */
  options?: Record<string, CliOptionSpec>;
  /**
   * Does the work and returns the exit code (normally 0). Throw {@link UsageError} for bad arguments (exit 2) and
   * a `WorkbenchError` from shared/errors.ts for everything else (exit 1, `{"error": {code, message}}` with --json).
   */
  run(ctx: CliContext): Promise<number> | number;
}

/** Wrong command-line usage: main prints it with the command's usage and exits with status 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
