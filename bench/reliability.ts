/**
 * The reliability probes: every `bench/reliability/*-probes.ts` module is loaded (its `probes` export, or its default
 * export: an array of {@link Probe}), each probe is run against this build, one after the other, and a table is
 * printed: item | probe | before | after | ok. A probe that cannot run here (no root for a tmpfs, say) is listed as
 * skipped with its reason.
 *
 * Usage: node --import tsx bench/reliability.ts [--only 1,9] [--json FILE]   (npm run bench -- reliability)
 * Exit status 1 when a probe that ran does not hold.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { Probe } from './reliability/probe.ts';

const { values } = parseArgs({ options: { only: { type: 'string' }, json: { type: 'string' } } });
const only = values.only?.split(',').map(Number);
const folder = join(import.meta.dirname, 'reliability');

const probes: Probe[] = [];
for (const file of readdirSync(folder).filter((f) => f.endsWith('-probes.ts')).sort()) {
  const module = (await import(pathToFileURL(join(folder, file)).href)) as { probes?: Probe[]; default?: Probe[] };
  const list = module.probes ?? module.default;
  if (!Array.isArray(list)) throw new Error(`${file} exports no probes (expected \`export const probes: Probe[]\`).`);
  probes.push(...list);
}
probes.sort((a, b) => a.item - b.item);

interface Row {
  item: number;
  probe: string;
  before: string;
  after: string;
  ok: string;
  seconds: number;
}

const rows: Row[] = [];
for (const probe of probes) {
  if (only && !only.includes(probe.item)) continue;
  const started = performance.now();
  process.stderr.write(`item ${probe.item}: ${probe.name} …\n`);
  let row: Row;
  try {
    const result = await probe.run();
    row = {
      item: probe.item,
      probe: probe.name,
      before: probe.before,
      after: result.skipped ? `skipped: ${result.skipped}` : result.after,
      ok: result.skipped ? 'skipped' : result.ok ? 'yes' : 'NO',
      seconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    row = { item: probe.item, probe: probe.name, before: probe.before, after: `the probe failed: ${(error as Error).stack ?? String(error)}`, ok: 'NO', seconds: (performance.now() - started) / 1000 };
  }
  rows.push(row);
  process.stderr.write(`  ${row.ok} (${row.seconds.toFixed(1)} s): ${row.after}\n`);
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
console.log('\n| item | probe | before | after | ok |\n|---|---|---|---|---|');
for (const row of rows) console.log(`| ${row.item} | ${cell(row.probe)} | ${cell(row.before)} | ${cell(row.after)} | ${row.ok} |`);
if (values.json) writeFileSync(values.json, `${JSON.stringify(rows, null, 1)}\n`);
process.exit(rows.some((row) => row.ok === 'NO') ? 1 : 0);
