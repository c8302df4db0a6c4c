import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorkbench } from '../../src-main/services/workbench.ts';
import { runCli } from './helpers.ts';

let dir: string;
let db: string;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cli-encoding-'));
  db = join(dir, 'workbench.sqlite');
  const rows = ['x,y,label'];
  for (let r = 0; r < 9; r++) rows.push(`${r},${(r * 7) % 5},${['\xe9t\xe9', '\xe8t\xe8', 'hiver'][r % 3]}`);
  writeFileSync(join(dir, 'seasons.csv'), Buffer.from(`${rows.join('\n')}\n`, 'latin1'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('workbench import --encoding', () => {
  it('refuses a latin1 file read as UTF-8 (exit 1, nothing stored), and imports its three classes with --encoding latin1', async () => {
    const refused = await cli('import', 'seasons.csv');
    expect(refused.code).toBe(1);
    expect(refused.errorJson).toEqual({
      error: {
        code: 'IMPORT_FAILED',
        message:
          'seasons.csv: row 2, column "label", byte offset 14: 0xE9 is not valid UTF-8 (it looks like latin1); the file was not imported. ' +
          'Name its encoding to import it: --encoding latin1 on the command line, or Encoding in the import dialog',
      },
    });
    expect((await cli('datasets')).json).toEqual({ datasets: [] });

    const imported = await cli('import', 'seasons.csv', '--encoding', 'latin1');
    expect(imported.code).toBe(0);
    expect(imported.json).toMatchObject({ dataset: { rows: 9, classes: ['hiver', 'ètè', 'été'] }, warnings: [] });
  });

  it('has the import preview show the error with the suggested encoding, and the rows as that encoding reads them', async () => {
    const workbench = await createWorkbench({ dbPath: join(dir, 'preview.sqlite'), mode: 'cli', concurrency: 1 });
    try {
      const { fileId } = await workbench.files.registerPath(join(dir, 'seasons.csv'));
      const asked = await workbench.dispatch('datasets.preview', { fileId });
      expect(asked.ok).toBe(true);
      const { preview } = (asked as { value: { preview: { suggestedEncoding?: string; errors: { message: string }[]; rows: string[][] } } }).value;
      expect(preview.suggestedEncoding).toBe('latin1');
      expect(preview.errors.map((e) => e.message)).toEqual([expect.stringContaining('row 2, column "label", byte offset 14: 0xE9 is not valid UTF-8')]);
      expect(preview.rows[0]).toEqual(['0', '0', 'été']);
      const named = await workbench.dispatch('datasets.preview', { fileId, options: { encoding: 'latin1' } });
      expect(named).toMatchObject({ ok: true, value: { preview: { errors: [], classes: ['hiver', 'ètè', 'été'] } } });
      expect((named as { value: { preview: object } }).value.preview).not.toHaveProperty('suggestedEncoding');
    } finally {
      await workbench.close();
    }
  });
});
