/**
 * The time from an answer to the next suggested comparison query, as the Label view's Comparisons mode spends it:
 * the answer stored through the gateway (`comparisons.add`, validated, one SQLite transaction), then one pass of
 * the suggestions (shared/engine/suggest-comparisons.ts, strategy `uncertain`) over the z-scored features (the
 * Euclidean space the app suggests in before any metric is learned) with the answers so far. On digits (1,797 × 64)
 * and on the 60,000 Fashion-MNIST training images (784 features) imported with `workbench import … --labels-file`
 * as bench/scale.ts does. Each answer is the class-label oracle's (the candidate of the anchor's class, else the
 * first). Median and p95 over the answers, as a table; the first pass (the queue before any answer) is not counted.
 *
 *   node --import tsx bench/comparison-suggestions.ts [--answers N] [--dir FASHION_MNIST_DIR]
 *
 * Wall-clock on whatever machine runs it; never asserted in tests.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Triple } from '../shared/domain/comparisons.ts';
import { CANDIDATE_NEIGHBOURS, SUGGEST_BUDGET, suggestComparisons } from '../shared/engine/suggest-comparisons.ts';
import { main as workbenchCli } from '../src-main/cli/main.ts';
import { createWorkbench } from '../src-main/services/workbench.ts';
import { zscoreColumns } from '../src-renderer/src/lib/projection/projection.ts';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ANSWERS = Number(opt('answers') ?? 10);
const FASHION = opt('dir') ?? '/usr/share/datasets/fashion-mnist';
const ANCHORS = 64;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
};

interface Row {
  dataset: string;
  shape: string;
  candidates: number;
  answers: number;
  medianMs: number;
  p95Ms: number;
  storeMedianMs: number;
  suggestMedianMs: number;
  /** CPU time of the suggestion pass (this process, one thread): what the wall time would be on an idle core. */
  suggestCpuMedianMs: number;
}

async function measure(dbPath: string, datasetName: string): Promise<Row> {
  const workbench = await createWorkbench({ dbPath, mode: 'cli', log: () => undefined });
  try {
    const call = async <T>(channel: string, request: unknown): Promise<T> => {
      const out = await workbench.dispatch(channel, request);
      if (!out.ok) throw new Error(`${channel}: ${out.error.message}`);
      return out.value as T;
    };
    const { dataset } = await call<{ dataset: { id: number } }>('datasets.resolve', { ref: datasetName });
    const matrix = workbench.store.datasets.loadMatrix(dataset.id);
    const { nRows: n, nFeatures: e } = matrix;
    const points = zscoreColumns(matrix.features, n, e);
    const labels = matrix.labels!;
    const answered: Triple[] = [];
    const suggest = () => suggestComparisons({ points, n, e, answered, strategy: 'uncertain', count: 20, seed: answered.length, metricName: 'Euclidean' });
    let queue = suggest();
    const total: number[] = [], store: number[] = [], pass: number[] = [], cpu: number[] = [];
    for (let k = 0; k < ANSWERS && queue.length > 0; k++) {
      const q = queue[0]!;
      const [closer, farther] = labels[q.first] === labels[q.anchor] || labels[q.second] !== labels[q.anchor] ? [q.first, q.second] : [q.second, q.first];
      const t0 = performance.now();
      await call('comparisons.add', { datasetId: dataset.id, anchor: q.anchor, closer, farther });
      answered.push([q.anchor, closer, farther]);
      const t1 = performance.now();
      const c0 = process.cpuUsage();
      queue = suggest();
      const c1 = process.cpuUsage(c0);
      const t2 = performance.now();
      cpu.push((c1.user + c1.system) / 1000);
      total.push(t2 - t0);
      store.push(t1 - t0);
      pass.push(t2 - t1);
    }
    const candidates = Math.min(n, Math.max(2 * CANDIDATE_NEIGHBOURS + 1, Math.floor(SUGGEST_BUDGET / (ANCHORS * e))));
    return {
      dataset: datasetName, shape: `${n.toLocaleString('en')} × ${e}`, candidates, answers: total.length,
      medianMs: quantile(total, 0.5), p95Ms: quantile(total, 0.95), storeMedianMs: quantile(store, 0.5), suggestMedianMs: quantile(pass, 0.5), suggestCpuMedianMs: quantile(cpu, 0.5),
    };
  } finally {
    await workbench.close();
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'cmp-suggest-'));
const rows: Row[] = [];
try {
  const digitsDb = join(tmp, 'digits.sqlite');
  if ((await workbenchCli(['--db', digitsDb, '--json', 'samples', 'add', 'digits'])) !== 0) throw new Error('samples add digits failed');
  rows.push(await measure(digitsDb, 'digits'));
  const images = join(FASHION, 'train-images-idx3-ubyte.gz');
  if (existsSync(images)) {
    const fashionDb = join(tmp, 'fashion.sqlite');
    const t0 = performance.now();
    const code = await workbenchCli(['--db', fashionDb, '--json', 'import', images, '--labels-file', join(FASHION, 'train-labels-idx1-ubyte.gz'), '--name', 'fashion-mnist']);
    if (code !== 0) throw new Error(`workbench import exited ${code}`);
    console.error(`(Fashion-MNIST imported in ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
    rows.push(await measure(fashionDb, 'fashion-mnist'));
  } else {
    console.log(`Fashion-MNIST skipped: ${images} is missing (Debian's dataset-fashion-mnist).`);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}

const ms = (v: number) => v.toFixed(1);
console.log(`\nAnswer → next suggested comparison (strategy uncertain, ${ANCHORS} anchors, budget ${SUGGEST_BUDGET.toExponential(0)} distance terms per pass)`);
console.log(`machine: ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' / ')} (1 / 5 / 15 min) at the end\n`);
console.log('| dataset | rows × features | candidate rows per anchor | answers | median ms | p95 ms | store (median ms) | suggestion pass (median ms) | pass CPU time (median ms) |');
console.log('|---|---|---|---|---|---|---|---|---|');
for (const r of rows) {
  console.log(`| ${r.dataset} | ${r.shape} | ${r.candidates.toLocaleString('en')} | ${r.answers} | ${ms(r.medianMs)} | ${ms(r.p95Ms)} | ${ms(r.storeMedianMs)} | ${ms(r.suggestMedianMs)} | ${ms(r.suggestCpuMedianMs)} |`);
}
