/**
 * Import benchmark: writes a CSV of about `MB` megabytes (default 100: 12 numeric features and a text label,
 * ~1 M rows) to a temporary file, imports it with `importFile` (streamed through papaparse), and prints the
 * progress, seconds, rows per second and the process's peak resident memory against the size of the parsed
 * matrix. The file is generated in small pieces first, so the peak comes from the import itself.
 *
 *   node --import tsx bench/import.ts [MB]
 */
import { once } from 'node:events';
import { createWriteStream, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '../shared/math/random/index.ts';
import { importFile } from '../src-main/import/index.ts';

const FEATURES = 12;
const CLASSES = ['alpha', 'beta', 'gamma'];

const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

/** Writes rows until the file reaches `targetBytes`; returns the number of rows. */
async function writeCsv(path: string, targetBytes: number): Promise<number> {
  const out = createWriteStream(path);
  const rng = createRng(1);
  out.write(`${Array.from({ length: FEATURES }, (_, j) => `f${j}`).join(',')},label\n`);
  let bytes = 0;
  let rows = 0;
  while (bytes < targetBytes) {
    const lines: string[] = [];
    for (let r = 0; r < 10_000; r++) {
      const cells = Array.from({ length: FEATURES }, () => (rng.normal() * 100).toFixed(3));
      cells.push(CLASSES[rng.int(CLASSES.length)]!);
      lines.push(cells.join(','));
    }
    const chunk = `${lines.join('\n')}\n`;
    bytes += chunk.length;
    rows += lines.length;
    if (!out.write(chunk)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return rows;
}

async function main(): Promise<void> {
  const megabytes = Number(process.argv[2] ?? 100);
  const dir = mkdtempSync(join(tmpdir(), 'wb-bench-import-'));
  const path = join(dir, 'big.csv');
  try {
    const rows = await writeCsv(path, megabytes * 1_000_000);
    const size = statSync(path).size;
    const rssBefore = process.memoryUsage().rss;
    console.log(`file: ${rows} rows × ${FEATURES + 1} columns, ${mib(size)}; RSS before import ${mib(rssBefore)}`);

    let nextReport = 0.1;
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const parsed = await importFile(path, {
      onProgress: (fraction) => {
        if (fraction >= nextReport) {
          process.stdout.write(` ${Math.round(fraction * 100)}%`);
          nextReport += 0.1;
        }
      },
    });
    const seconds = (performance.now() - start) / 1000;
    const cpu = process.cpuUsage(cpuStart);
    process.stdout.write('\n');

    const { matrix } = parsed;
    const matrixBytes = matrix.features.byteLength + (matrix.labels?.byteLength ?? 0);
    const peakRss = process.resourceUsage().maxRSS * 1024; // maxRSS is in KiB
    console.log(`imported ${matrix.nRows} rows × ${matrix.nFeatures} features, classes ${matrix.classNames.join(', ')}`);
    console.log(
      `time: ${seconds.toFixed(2)} s wall, ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s CPU ` +
        `(${(size / 1024 / 1024 / seconds).toFixed(1)} MiB/s, ${Math.round(matrix.nRows / seconds)} rows/s wall)`,
    );
    console.log(
      `peak RSS: ${mib(peakRss)} (file ${mib(size)}, parsed matrix ${mib(matrixBytes)}, ` +
        `peak − start ${mib(peakRss - rssBefore)} = ${((peakRss - rssBefore) / matrixBytes).toFixed(2)} × the matrix)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
