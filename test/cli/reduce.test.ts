/** `--reduce K` (PCA first) through the CLI and the gateway: learn, evaluate, score, the stored protocol, refusals. */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from './helpers.ts';

let dir: string;
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-reduce-'));
  db = join(dir, 'w.sqlite');
  expect((await cli('samples', 'add', 'wine')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('--reduce K', () => {
  it('learns a metric composed over every preprocessed feature and records reduce in the protocol', async () => {
    const learned = await cli('learn', '--dataset', 'wine', '--method', 'itml', '--reduce', '4', '--seed', '0');
    expect(learned.code, learned.stderr).toBe(0);
    const id = (learned.json as { run: { id: number } }).run.id;
    const shown = (await cli('run', 'show', String(id))).json as { run: { protocol: { reduce?: number } } };
    expect(shown.run.protocol.reduce).toBe(4);
    const exported = await cli('export', '--run', String(id), '--format', 'json', '--out', join(dir, 'm.json'));
    expect(exported.code, exported.stderr).toBe(0);
    const doc = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { shape: { L: [number, number] } };
    // ITML's (4, 4) over the 4 principal directions, composed: one L (4, 13) over the 13 z-scored features.
    expect(doc.shape.L).toEqual([4, 13]);
    // Scoring the run on a data set with its features uses the stored (composed) metric.
    const scored = await cli('score', '--run', String(id), '--dataset', 'wine');
    expect(scored.code, scored.stderr).toBe(0);
  });

  it('evaluates with PCA first and says so; refuses K above the features naming reduce, and 0 at the gateway', async () => {
    const evaluated = await cli('evaluate', '--dataset', 'wine', '--method', 'euclidean', '--reduce', '3', '--folds', '3');
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect((evaluated.json as { evaluation: { protocol: { reduce?: number } } }).evaluation.protocol.reduce).toBe(3);
    const tooMany = await cli('evaluate', '--dataset', 'wine', '--method', 'lmnn', '--reduce', '14');
    expect(tooMany.code).toBe(1);
    expect((tooMany.errorJson as { error: { message: string } }).error.message).toMatch(/reduce must be an integer from 1 to 13/);
    const zero = await cli('score', '--method', 'euclidean', '--train', 'wine', '--dataset', 'wine', '--reduce', '0');
    expect(zero.code).toBe(2);
    expect(zero.stderr).toMatch(/--reduce/);
  });
});
