/**
 * Hostile and large input files for the data probes and bench/big-datasets.ts, built synthetically and streamed to
 * disk (never held whole in memory), and a way to run the `workbench` CLI as a child process with its wall time and
 * peak RSS.
 */
import { spawn } from 'node:child_process';
import { closeSync, createWriteStream, existsSync, openSync, renameSync, writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createGzip } from 'node:zlib';

export const WORKBENCH_BIN = fileURLToPath(new URL('../../bin/workbench.mjs', import.meta.url));

/** IDX element types written here: unsigned bytes (MNIST images) and float64. */
export type IdxElement = 'ubyte' | 'double';

/** The IDX header (magic, type byte, big-endian dimensions). */
export function idxHeader(type: IdxElement, dims: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type === 'ubyte' ? 0x08 : 0x0e;
  header[3] = dims.length;
  dims.forEach((d, k) => header.writeUInt32BE(d, 4 + 4 * k));
  return header;
}

/**
 * The value of pixel `c` of synthetic image `r` of class `r % 10`: a class-dependent stripe pattern plus noise from
 * a small integer hash, so that kNN has something to find. Integers 0…255.
 */
export function pixel(r: number, c: number): number {
  const cls = r % 10;
  const stripe = ((c % 28) + cls * 3) % 10 < 3 ? 160 : 40;
  const noise = (Math.imul(r * 784 + c, 2654435761) >>> 24) & 63;
  return Math.min(255, stripe + noise);
}

/** A float64 value that float32 cannot hold (so it is stored as float64): the pixel scaled by 1/255 plus a tiny offset. */
export function doubleValue(r: number, c: number): number {
  return pixel(r, c) / 255 + 1e-9 * ((r + c) % 7);
}

/** Writes an IDX file of `rows` × 28 × 28 values (`ubyte` pixels or `double` values), row by row. */
export function writeIdxImages(path: string, rows: number, type: IdxElement): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, idxHeader(type, [rows, 28, 28]));
    const rowsPerChunk = 1024;
    const size = type === 'ubyte' ? 1 : 8;
    const chunk = Buffer.alloc(rowsPerChunk * 784 * size);
    for (let first = 0; first < rows; first += rowsPerChunk) {
      const n = Math.min(rowsPerChunk, rows - first);
      for (let r = 0; r < n; r++) {
        for (let c = 0; c < 784; c++) {
          const k = r * 784 + c;
          if (type === 'ubyte') chunk[k] = pixel(first + r, c);
          else chunk.writeDoubleBE(doubleValue(first + r, c), k * 8);
        }
      }
      writeSync(fd, chunk, 0, n * 784 * size);
    }
  } finally {
    closeSync(fd);
  }
}

/** Writes a 1-D IDX labels file: row r has class r % 10. */
export function writeIdxLabels(path: string, rows: number): void {
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, idxHeader('ubyte', [rows]));
    writeSync(fd, Uint8Array.from({ length: rows }, (_, r) => r % 10));
  } finally {
    closeSync(fd);
  }
}

/**
 * A gzip bomb that is a valid IDX file up to its declared size: `rows` × 28 × 28 pixel images, then `zeroBytes`
 * zeros, all compressed (level 9) by streaming through zlib: about 1 byte per 1,030 zeros on disk. Kept between
 * runs (same path, same content).
 */
export async function writeGzipBomb(path: string, rows: number, zeroBytes: number): Promise<void> {
  if (existsSync(path)) return;
  const gzip = createGzip({ level: 9 });
  const out = createWriteStream(`${path}.partial`);
  const done = new Promise<void>((resolve, reject) => {
    out.on('finish', resolve);
    out.on('error', reject);
    gzip.on('error', reject);
  });
  gzip.pipe(out);
  const write = (chunk: Buffer) => (gzip.write(chunk) ? Promise.resolve() : new Promise<void>((resolve) => gzip.once('drain', () => resolve())));
  await write(idxHeader('ubyte', [rows, 28, 28]));
  const images = Buffer.alloc(rows * 784);
  for (let k = 0; k < images.length; k++) images[k] = pixel(Math.floor(k / 784), k % 784);
  await write(images);
  const zeros = Buffer.alloc(8 * 1024 * 1024);
  for (let left = zeroBytes; left > 0; left -= zeros.length) await write(left >= zeros.length ? zeros : zeros.subarray(0, left));
  gzip.end();
  await done;
  renameSync(`${path}.partial`, path);
}

/** What a finished `workbench` child process did. */
export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  seconds: number;
  /** Peak resident set size in MiB (from /usr/bin/time -f %M), or null where that tool is missing. */
  peakMiB: number | null;
}

const TIME = '/usr/bin/time';

/**
 * Runs `workbench ARGS…` (this build, on this Node) and waits for it to end. `whileRunning` is called with the child
 * once it started (e.g. to send SIGINT; pass `timed: false` then); `timeoutMs` kills it with SIGKILL (then `signal`
 * says so).
 */
export function runWorkbench(
  args: string[],
  options: { cwd?: string; timeoutMs?: number; whileRunning?: (child: ReturnType<typeof spawn>) => void; timed?: boolean } = {},
): Promise<CliRun> {
  // /usr/bin/time ignores SIGINT while it waits: a run that is to be interrupted is started without it.
  const timed = (options.timed ?? true) && existsSync(TIME);
  const command = timed ? TIME : process.execPath;
  const argv = timed ? ['-f', '%M', process.execPath, WORKBENCH_BIN, ...args] : [WORKBENCH_BIN, ...args];
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, argv, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = options.timeoutMs === undefined ? null : setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      let peakMiB: number | null = null;
      if (timed) {
        // /usr/bin/time prints the peak RSS (KiB) as the last line of stderr.
        const lines = stderr.trimEnd().split('\n');
        const last = lines.at(-1) ?? '';
        if (/^\d+$/.test(last)) {
          peakMiB = Number(last) / 1024;
          stderr = lines.slice(0, -1).join('\n');
        }
        stderr = stderr.replace(/^Command (exited with non-zero status|terminated by signal) .*$/m, '').trim();
      }
      resolve({ code, signal, stdout, stderr, seconds: (performance.now() - started) / 1000, peakMiB });
    });
    options.whileRunning?.(child);
  });
}

/** `12.3 s, 456 MiB peak` for a run. */
export function costOf(run: CliRun): string {
  return `${run.seconds.toFixed(1)} s${run.peakMiB === null ? '' : `, ${Math.round(run.peakMiB)} MiB peak`}`;
}
