import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src-main/cli/commands/index.ts';
import { LATEST_SCHEMA_VERSION } from '../../src-main/storage/migrations/index.ts';
import { openStore } from '../../src-main/storage/store.ts';
import { runCli } from './helpers.ts';

const SAMPLES_DIR = join(import.meta.dirname, '../../src-main/samples/data');
const MANIFEST = JSON.parse(readFileSync(join(SAMPLES_DIR, 'manifest.json'), 'utf8')) as Record<
  string,
  { file: string; n_samples: number; n_features: number; n_classes: number }
>;

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'wb-cli-'));
  db = join(dir, 'test.sqlite');
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** The database file plus its WAL, if any (both must stay unchanged). */
function snapshot(path: string): string {
  return [path, `${path}-wal`].map((p) => (existsSync(p) ? sha256(p) : '-')).join('/');
}

const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

describe('workbench CLI framework', () => {
  it('prints the command list with --help and exits 0; with no command it exits 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    for (const command of COMMANDS) expect(help.stdout).toContain(`  ${command.name}`);
    expect(help.stdout).toContain('Row indices are 0-based');
    const bare = await runCli([]);
    expect(bare.code).toBe(2);
    expect(bare.stderr).toContain('Usage: workbench [--db FILE] [--json] COMMAND');
  });

  it('prints per-command help without opening a database', async () => {
    const r = await runCli(['--db', db, 'constraints', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('workbench constraints add --dataset ID I J must|cannot');
    expect(r.stdout).toContain('0-based');
    expect(existsSync(db)).toBe(false);
  });

  it('reports usage errors with exit 2 and a JSON error on stderr', async () => {
    const unknown = await cli('frobnicate');
    expect(unknown.code).toBe(2);
    expect(unknown.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "Unknown command 'frobnicate'. Run 'workbench --help' for the list." } });
    expect(unknown.stdout).toBe('');
    const option = await cli('datasets', '--colour');
    expect(option.code).toBe(2);
    expect(option.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: 'Unknown option --colour.' } });
    const missing = await cli('constraints', 'add', '--dataset');
    expect(missing.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: 'Option --dataset needs a value.' } });
    const human = await runCli(['--db', db, 'import']);
    expect(human.code).toBe(2);
    expect(human.stderr).toBe(
      'workbench: error: Missing argument FILE.\nUsage:\n  workbench import FILE [--name N] [--label COL | --no-label | --target COL] [--format csv|tsv|arff|libsvm|npy|idx] [--encoding E] [--labels-file F] [--drop-missing]\n' +
        "Run 'workbench import --help' for details.\n",
    );
  });

  it('prints the version', async () => {
    const r = await runCli(['--version', '--json']);
    expect(r.code).toBe(0);
    expect(r.json).toEqual({ version: JSON.parse(readFileSync(join(import.meta.dirname, '../../package.json'), 'utf8')).version });
  });

  it('uses METRIC_WORKBENCH_DB when --db is not given, and --db over it', async () => {
    const fromEnv = join(dir, 'env.sqlite');
    expect((await runCli(['--json', 'datasets'], { env: { METRIC_WORKBENCH_DB: fromEnv } })).json).toEqual({ datasets: [] });
    expect(existsSync(fromEnv)).toBe(true);
    await runCli(['datasets', '--db', db], { env: { METRIC_WORKBENCH_DB: fromEnv } });
    expect(existsSync(db)).toBe(true);
  });

  it('refuses a database written by a newer version (exit 1, DATABASE_TOO_NEW) and leaves it unchanged', async () => {
    const store = openStore(db);
    store.db.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 3}`);
    store.close();
    const before = snapshot(db);
    const r = await cli('datasets');
    expect(r.code).toBe(1);
    expect((r.errorJson as { error: { code: string } }).error.code).toBe('DATABASE_TOO_NEW');
    expect(snapshot(db)).toBe(before);
  });

  it('exits 130 when Ctrl-C aborted the command', async () => {
    const controller = new AbortController();
    controller.abort();
    const r = await runCli(['--db', db, '--json', 'datasets'], { signal: controller.signal });
    expect(r.code).toBe(130);
  });
});

describe('workbench import', () => {
  for (const [name, entry] of Object.entries(MANIFEST)) {
    it(`imports ${entry.file} with the right rows, features and classes`, async () => {
      const r = await cli('import', join(SAMPLES_DIR, entry.file));
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const dataset = (r.json as { dataset: { id: number; name: string; rows: number; features: number; classes: string[]; labeled: boolean } }).dataset;
      expect(dataset).toMatchObject({ id: 1, name, rows: entry.n_samples, features: entry.n_features, labeled: true });
      expect(dataset.classes).toHaveLength(entry.n_classes);
    });
  }

  it('refuses a malformed file or a taken name and leaves the database byte-for-byte unchanged', async () => {
    expect((await cli('import', join(SAMPLES_DIR, 'iris.csv'))).code).toBe(0);
    const before = snapshot(db);
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,b,label\n1,2,x\n3,oops,y\n5,6,x\n');
    const refused = await cli('import', bad);
    expect(refused.code).toBe(1);
    expect((refused.errorJson as { error: { code: string; message: string } }).error.code).toBe('IMPORT_FAILED');
    expect((refused.errorJson as { error: { message: string } }).error.message).toContain('bad.csv');
    expect(snapshot(db)).toBe(before);

    const taken = await cli('import', join(SAMPLES_DIR, 'wine.csv'), '--name', 'iris');
    expect(taken.errorJson).toEqual({ error: { code: 'INVALID_ARGUMENT', message: "A dataset named 'iris' already exists (id 1)." } });
    expect(snapshot(db)).toBe(before);

    const again = await cli('import', join(SAMPLES_DIR, 'iris.csv'));
    expect((again.json as { dataset: { name: string } }).dataset.name).toBe('iris (2)');
  });

  it('shows a human summary and progress without --json', async () => {
    const r = await runCli(['--db', db, 'import', join(SAMPLES_DIR, 'iris.csv'), '--name', 'flowers']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Imported 'flowers' \(id 1\): 150 rows × 4 features, 3 classes \(.*\)\.\n$/);
    expect(r.stderr).toContain('Importing');
  });

  it('redraws progress in place on a terminal and starts an error on a fresh line', async () => {
    const ok = await runCli(['--db', db, 'import', join(SAMPLES_DIR, 'iris.csv')], { stderrIsTTY: true });
    expect(ok.stderr).toMatch(/^(\rImporting .*iris\.csv +\d+%)+\rImporting .*iris\.csv 100%\n$/);
    const bad = join(dir, 'ragged.csv');
    writeFileSync(bad, 'a,b\n1,2\n3,4,5\n');
    const refused = await runCli(['--db', db, 'import', bad], { stderrIsTTY: true });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/%\nworkbench: error: .*ragged\.csv/);
  });
});

describe('workbench samples', () => {
  it('lists the bundled samples and adds one, returning the dataset object', async () => {
    const list = (await cli('samples')).json as { samples: Array<{ name: string }> };
    expect(list.samples.map((s) => s.name)).toEqual(['iris', 'wine', 'breast_cancer', 'digits', 'diabetes', 'apples']);
    const added = await cli('samples', 'add', 'wine');
    expect(added.code).toBe(0);
    expect(added.json).toMatchObject({ dataset: { id: 1, name: 'wine', rows: 178, features: 13, classes: ['class_0', 'class_1', 'class_2'], labeled: true } });
    const unknown = await cli('samples', 'add', 'tulips');
    expect(unknown.code).toBe(1);
    expect((unknown.errorJson as { error: { code: string } }).error.code).toBe('NOT_FOUND');
  });
});

describe('workbench datasets, dataset and constraints', () => {
  it('lists, shows, labels pairs and deletes, by id or name', async () => {
    await cli('import', join(SAMPLES_DIR, 'iris.csv'));
    const list = await cli('datasets');
    expect((list.json as { datasets: unknown[] }).datasets).toEqual([expect.objectContaining({ id: 1, name: 'iris', rows: 150, features: 4, labeled: true, constraints: 0 })]);
    const show = await cli('dataset', 'show', 'iris');
    expect((show.json as { dataset: { featureNames: string[] } }).dataset.featureNames).toHaveLength(4);

    expect((await cli('constraints', 'add', '--dataset', 'iris', '7', '3', 'must')).json).toMatchObject({ outcome: 'added', constraint: { i: 3, j: 7, kind: 'must' } });
    expect((await cli('constraints', 'add', '--dataset', '1', '3', '7', 'cannot')).json).toMatchObject({ outcome: 'relabeled', constraint: { kind: 'cannot' } });
    const outOfRange = await cli('constraints', 'add', '--dataset', 'iris', '-1', '150', 'must');
    expect(outOfRange.code).toBe(1);
    expect(outOfRange.errorJson).toEqual({
      error: { code: 'CONSTRAINT_INVALID', message: "Row index -1 is out of range: dataset 'iris' has 150 rows (valid indices 0…149)." },
    });
    const self = await cli('constraints', 'add', '--dataset', 'iris', '5', '5', 'cannot');
    expect(self.errorJson).toEqual({ error: { code: 'CONSTRAINT_INVALID', message: 'A row cannot be paired with itself (i = j = 5).' } });
    const unknown = await cli('constraints', 'list', '--dataset', 'roses');
    expect(unknown.errorJson).toEqual({ error: { code: 'NOT_FOUND', message: "No dataset with id or name 'roses'." } });
    expect((await cli('constraints', 'add', '--dataset', 'iris', '1', '2', 'maybe')).code).toBe(2);

    const generated = await cli('constraints', 'generate', '--dataset', 'iris', '--pairs', '10', '--seed', '3');
    expect(generated.json).toMatchObject({ generated: { must: 5, cannot: 5, seed: 3 } });
    const exported = join(dir, 'pairs.csv');
    expect((await cli('constraints', 'export', '--dataset', 'iris', 'pairs.csv')).json).toMatchObject({ exported: { path: exported } });
    const listed = (await cli('constraints', 'list', '--dataset', 'iris')).json as { constraints: Array<{ i: number; j: number; kind: string }> };
    let total = listed.constraints.length;
    expect(total).toBeGreaterThanOrEqual(10);
    expect(readFileSync(exported, 'utf8').trim().split('\n')).toHaveLength(total + 1);

    expect((await cli('constraints', 'remove', '--dataset', 'iris', '7', '3')).json).toMatchObject({ removed: { i: 3, j: 7, kind: 'cannot' } });
    const imported = await cli('constraints', 'import', '--dataset', 'iris', exported);
    expect(imported.json).toMatchObject({ imported: { total, added: 1, unchanged: total - 1 } });

    expect((await cli('constraints', 'clear', '--dataset', 'iris', '--origin', 'generated')).code).toBe(2);
    const cleared = await cli('constraints', 'clear', '--dataset', 'iris', '--origin', 'imported', '--yes');
    expect(cleared.json).toMatchObject({ cleared: 1 });
    expect(((await cli('constraints', 'list', '--dataset', 'iris')).json as { constraints: Array<{ origin: string }> }).constraints.every((c) => c.origin !== 'imported')).toBe(true);
    total -= 1;

    const refuse = await cli('dataset', 'delete', 'iris');
    expect(refuse.code).toBe(2);
    const deleted = await cli('dataset', 'delete', 'iris', '--yes');
    expect(deleted.json).toMatchObject({ deleted: { id: 1, name: 'iris' }, constraintsRemoved: total, runsRemoved: 0 });
    expect((await cli('datasets')).json).toEqual({ datasets: [] });
  });

  it('prints tables without --json', async () => {
    await cli('import', join(SAMPLES_DIR, 'iris.csv'));
    await cli('constraints', 'add', '--dataset', 'iris', '0', '1', 'must');
    const datasets = await runCli(['--db', db, 'datasets']);
    expect(datasets.stdout.split('\n')[0]).toMatch(/^ID\s+NAME\s+ROWS\s+FEATURES\s+CLASSES\s+CONSTRAINTS\s+COMPARISONS\s+SOURCE\s+CREATED$/);
    expect(datasets.stdout.split('\n')[2]).toMatch(/^ 1\s+iris\s+150\s+4\s+3\s+1\s+0\s+iris\.csv\s/);
    const constraints = await runCli(['--db', db, 'constraints', 'list', '--dataset', 'iris']);
    expect(constraints.stdout).toContain('1 constraints (1 must-link, 0 cannot-link).');
  });
});
