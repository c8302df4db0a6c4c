/**
 * Every exporter of the CLI writes through the atomic writer: a failed export (a folder in the way, a read-only
 * folder, a full disk) is EXPORT_FAILED naming the path and the cause, leaves an earlier export byte for byte and no
 * temp file; npy's two files are all or nothing; `constraints export` creates a missing folder as `export` does.
 */
import { closeSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canMount, mountTmpfs, readOnlyFolder } from '../helpers/fs-faults.ts';
import { runCli } from './helpers.ts';

let dir: string;
let db: string;
let runId: number;
const cli = (...args: string[]) => runCli(['--db', db, '--json', ...args], { cwd: dir });
const KEPT = 'Nothing was written; an existing file there is unchanged.';

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wb-export-failures-'));
  db = join(dir, 'w.sqlite');
  expect((await cli('samples', 'add', 'iris')).code).toBe(0);
  const learned = await cli('learn', '--dataset', 'iris', '--method', 'lda', '--seed', '0');
  expect(learned.code).toBe(0);
  runId = (learned.json as { run: { id: number } }).run.id;
  expect((await cli('constraints', 'generate', '--dataset', 'iris', '--pairs', '10')).code).toBe(0);
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('exports that fail', () => {
  it('writes neither npy file when the M file is a folder (an earlier L file keeps its bytes)', async () => {
    const out = join(dir, 'npy');
    mkdirSync(join(out, 'm_M.npy'), { recursive: true });
    writeFileSync(join(out, 'm_L.npy'), 'earlier L');
    const r = await cli('export', '--run', String(runId), '--format', 'npy', '--out', join(out, 'm.npy'));
    expect(r.code).toBe(1);
    expect(r.errorJson).toEqual({ error: { code: 'EXPORT_FAILED', message: `Cannot write ${join(out, 'm_M.npy')}: ${join(out, 'm_M.npy')} is a folder. ${KEPT}` } });
    expect(readFileSync(join(out, 'm_L.npy'), 'utf8')).toBe('earlier L');
    expect(readdirSync(out).sort()).toEqual(['m_L.npy', 'm_M.npy']);
  });

  it('keeps an earlier export in a folder that cannot be written', async () => {
    const folder = readOnlyFolder((d) => writeFileSync(join(d, 'keep.json'), '{"earlier":true}'));
    try {
      const path = join(folder.dir, 'keep.json');
      const r = await cli('export', '--run', String(runId), '--format', 'json', '--out', path);
      expect((r.errorJson as { error: { code: string } }).error.code).toBe('EXPORT_FAILED');
      expect((r.errorJson as { error: { message: string } }).error.message).toMatch(new RegExp(`^Cannot write ${path}: the folder (${folder.dir} )?is read-only`));
      expect(readFileSync(path, 'utf8')).toBe('{"earlier":true}');
      expect(readdirSync(folder.dir)).toEqual(['keep.json']);
    } finally {
      folder.remove();
    }
  });

  it.runIf(canMount)('keeps an earlier export byte for byte on a full disk and leaves no temp file', async () => {
    const disk = mountTmpfs(64 * 1024);
    try {
      const path = join(disk.dir, 'keep.json');
      expect((await cli('export', '--run', String(runId), '--format', 'json', '--out', path)).code).toBe(0);
      const earlier = readFileSync(path);
      // Fill what is left of the disk.
      const fd = openSync(join(disk.dir, 'filler'), 'w');
      try {
        for (;;) writeSync(fd, Buffer.alloc(4096));
      } catch {
        // ENOSPC: the disk is full.
      } finally {
        closeSync(fd);
      }
      const r = await cli('export', '--run', String(runId), '--format', 'json', '--out', path);
      expect(r.errorJson).toEqual({ error: { code: 'EXPORT_FAILED', message: `Cannot write ${path}: the disk is full. ${KEPT}` } });
      expect(readFileSync(path)).toEqual(earlier);
      expect(readdirSync(disk.dir).sort()).toEqual(['filler', 'keep.json']);
    } finally {
      disk.unmount();
    }
  });
});

describe('constraints export follows the same folder rules', () => {
  it('creates a missing folder, as export does', async () => {
    const path = join(dir, 'new', 'folder', 'pairs.csv');
    const r = await cli('constraints', 'export', '--dataset', 'iris', path);
    expect(r.json).toMatchObject({ exported: { count: 10, path } });
    expect(readFileSync(path, 'utf8').split('\n')[0]).toBe('i,j,kind,origin,created_at');
  });

  it('refuses a folder in the way with EXPORT_FAILED', async () => {
    const path = join(dir, 'pairs-folder.csv');
    mkdirSync(path);
    const r = await cli('constraints', 'export', '--dataset', 'iris', path);
    expect(r.errorJson).toEqual({ error: { code: 'EXPORT_FAILED', message: `Cannot write ${path}: ${path} is a folder. ${KEPT}` } });
  });
});
