/** Runs the CLI in-process (main()) with captured output, for the CLI tests. */
import { main, type CliIo } from '../../src-main/cli/main.ts';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout parsed as JSON (undefined when it is empty). */
  json: unknown;
  /** stderr parsed as JSON when it is one JSON document, else undefined. */
  errorJson: unknown;
}

export async function runCli(argv: string[], io: Partial<CliIo> = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    env: {},
    signal: new AbortController().signal,
    ...io,
    stdout: (text) => {
      stdout += text;
    },
    stderr: (text) => {
      stderr += text;
    },
  });
  return { code, stdout, stderr, json: parseJson(stdout), errorJson: parseJson(stderr) };
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Runs the CLI in-process in text mode (stderr not a terminal) and "presses Ctrl-C" (aborts its signal) at the first
 * stderr chunk that matches `interruptAt`; returns the exit status and everything written to stderr.
 */
export async function runCliInterrupted(argv: string[], interruptAt: RegExp, io: Pick<CliIo, 'cwd'>): Promise<{ code: number; stderr: string }> {
  const controller = new AbortController();
  let stderr = '';
  const code = await main(argv, {
    ...io,
    env: {},
    signal: controller.signal,
    stderrIsTTY: false,
    stdout: () => undefined,
    stderr: (text) => {
      stderr += text;
      if (interruptAt.test(text)) controller.abort();
    },
  });
  return { code, stderr };
}
