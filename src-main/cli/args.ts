/**
 * Command-line parsing on top of `util.parseArgs`: global flags are taken out wherever they appear (before the
 * first `--`), then the command's own options are parsed strictly. A token that looks like a negative number
 * (`-1`, `-0.5`) is a positional, not an option.
 */
import { parseArgs } from 'node:util';
import { UsageError, type CliOptionSpec, type CliOptionValue } from './command.ts';

export interface GlobalFlags {
  db: string | undefined;
  json: boolean;
  help: boolean;
  version: boolean;
  /** The remaining arguments, command name first. */
  rest: string[];
}

const NEGATIVE_NUMBER = /^-(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Removes `--db FILE`, `--db=FILE`, `--json`, `--help`/`-h` and `--version` from `argv` (up to a `--`). */
export function extractGlobalFlags(argv: readonly string[]): GlobalFlags {
  const flags: GlobalFlags = { db: undefined, json: false, help: false, version: false, rest: [] };
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k]!;
    if (arg === '--') {
      flags.rest.push(...argv.slice(k));
      break;
    }
    if (arg === '--json') flags.json = true;
    else if (arg === '--help' || arg === '-h') flags.help = true;
    else if (arg === '--version') flags.version = true;
    else if (arg === '--db') {
      const value = argv[k + 1];
      if (value === undefined || value === '') throw new UsageError('Option --db needs a value: --db FILE.');
      flags.db = value;
      k++;
    } else if (arg.startsWith('--db=')) {
      const value = arg.slice('--db='.length);
      if (value === '') throw new UsageError('Option --db needs a value: --db FILE.');
      flags.db = value;
    } else flags.rest.push(arg);
  }
  return flags;
}

export interface ParsedCommandArgs {
  values: Record<string, CliOptionValue>;
  positionals: string[];
}

/**
 * Parses a command's arguments against its option specs.
 * @throws UsageError for an unknown option, a string option without a value, or a value given to a boolean flag.
 */
export function parseCommandArgs(args: readonly string[], specs: Record<string, CliOptionSpec>): ParsedCommandArgs {
  const { tokens } = parseArgs({ args: [...args], options: specs, strict: false, allowPositionals: true, tokens: true });
  const values: Record<string, CliOptionValue> = {};
  const positionals: string[] = [];
  const takenIndex = new Set<number>();
  for (const token of tokens) {
    if (token.kind === 'positional') {
      positionals.push(token.value);
      continue;
    }
    if (token.kind === 'option-terminator') continue;
    const raw = args[token.index]!;
    if (NEGATIVE_NUMBER.test(raw)) {
      // `-1` reads as a short option group to parseArgs; here it is a number.
      if (!takenIndex.has(token.index)) positionals.push(raw);
      takenIndex.add(token.index);
      continue;
    }
    const spec = specs[token.name];
    if (!spec) throw new UsageError(`Unknown option ${token.rawName}.`);
    const display = token.rawName.startsWith('--') ? token.rawName : `${token.rawName} (--${token.name})`;
    let value: string | boolean;
    if (spec.type === 'string') {
      if (token.value === undefined) throw new UsageError(`Option ${display} needs a value.`);
      value = token.value;
    } else {
      if (token.inlineValue) throw new UsageError(`Option ${display} does not take a value.`);
      value = true;
    }
    if (spec.multiple) {
      const list = (values[token.name] as Array<string | boolean> | undefined) ?? [];
      list.push(value);
      values[token.name] = list as string[] | boolean[];
    } else if (values[token.name] !== undefined && spec.type === 'string') {
      throw new UsageError(`Option --${token.name} was given more than once.`);
    } else values[token.name] = value;
  }
  return { values, positionals };
}
