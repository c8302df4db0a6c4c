/**
 * Atomic file writes for every file the app writes (metric exports, constraint CSVs, reports, grid bundles):
 * each file goes to a temp file in its target folder, is flushed to the disk (fsync), and only then renamed over
 * the target, so a reader sees the old file or the whole new one, never a cut-off one. Several files
 * ({@link writeFilesAtomic}, e.g. the `_L.npy` / `_M.npy` pair) are all or nothing: every temp is written first,
 * then all are renamed; if any step fails, the temps are removed and the files already replaced get their old
 * content back (kept as hard links until the end), so the folder looks as it did before.
 *
 * The folder rules are the same for every writer: missing folders are created; a target that is a folder is
 * refused before anything is written. Failures are {@link ExportError} (code EXPORT_FAILED) naming the path and the
 * cause in words ("the disk is full", "the folder is read-only", "… is a folder", "permission denied").
 */
import { randomBytes } from 'node:crypto';
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  linkSync,
  lstatSync,
  mkdirSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { link, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ExportError } from '../../shared/errors.ts';

/** One file to write: its path and its content (a string is written as UTF-8). */
export interface AtomicFile {
  path: string;
  content: Uint8Array | string;
}

export interface AtomicWriteOptions {
  /** Permission bits of a new file (an existing file keeps its own); default 0o666 less the umask. */
  mode?: number;
}

/** What was written: the path and its size in bytes. */
export interface WrittenFile {
  path: string;
  bytes: number;
}

/** The step a write failed in, which decides how an errno is put in words. */
export type WriteStep = 'folder' | 'temp' | 'rename';

const encoder = new TextEncoder();

function bytesOf(content: Uint8Array | string): Uint8Array {
  return typeof content === 'string' ? encoder.encode(content) : content;
}

/** `.name.<random>.tmp` beside the target: hidden, and unique so that two writers never share one. */
function tempPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
}

function backupPathFor(path: string): string {
  return join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.old`);
}

/**
 * The cause of a failed write, in words: "the disk is full", "the folder is read-only", "/x/out.json is a folder",
 * "permission denied". Unknown errors keep their own message.
 */
export function describeWriteError(error: unknown, path: string, step: WriteStep = 'temp'): string {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  switch (code) {
    case 'ENOSPC':
    case 'EDQUOT':
      return 'the disk is full';
    case 'EROFS':
      return 'the folder is read-only (a read-only file system)';
    case 'EACCES':
    case 'EPERM':
      return step === 'rename' ? 'permission denied' : `the folder ${dirname(path)} is read-only (permission denied)`;
    case 'EISDIR':
      return `${path} is a folder`;
    case 'ENOTDIR':
    case 'EEXIST':
      return step === 'folder' ? `a part of the folder ${dirname(path)} is a file, not a folder` : `${path} is in the way`;
    case 'ENAMETOOLONG':
      return 'the file name is too long';
    case 'EIO':
      return 'an input/output error (the disk may be failing)';
    default:
      return (error as Error | null)?.message ?? String(error);
  }
}

function failure(path: string, error: unknown, step: WriteStep): ExportError {
  return new ExportError(`Cannot write ${path}: ${describeWriteError(error, path, step)}. Nothing was written; an existing file there is unchanged.`, { cause: error });
}

/** A target that is a folder is refused before anything is written. */
function isFolderError(path: string): ExportError {
  const error = Object.assign(new Error(`EISDIR: ${path}`), { code: 'EISDIR' });
  return failure(path, error, 'rename');
}

interface Pending {
  path: string;
  temp: string;
  bytes: number;
  /** Whether a file was at `path` before (it is then restored on failure). */
  existed: boolean;
  /** A hard link to the file being replaced, kept until every rename has succeeded; null when there was none. */
  backup: string | null;
  renamed: boolean;
}

/**
 * The permission bits to keep from what stands at `path` (`existing`: its lstat, null when nothing): null unless a file.
 * @throws ExportError (EXPORT_FAILED) when a folder stands at `path`.
 */
function modeToKeep(path: string, existing: Stats | null): number | null {
  if (existing?.isDirectory()) throw isFolderError(path);
  return existing?.isFile() ? existing.mode & 0o7777 : null;
}

/** The bookkeeping of one file about to be written (`mode`: from {@link modeToKeep}): nothing backed up or renamed yet. */
function pendingFor(path: string, bytes: Uint8Array, mode: number | null): Pending {
  return { path, temp: tempPathFor(path), bytes: bytes.byteLength, existed: mode !== null, backup: null, renamed: false };
}

/**
 * Writes one file atomically (see the module doc). Resolves to the path and the bytes written.
 * @throws ExportError (EXPORT_FAILED) naming the path and the cause; the file at `path`, if any, is unchanged.
 */
export async function writeFileAtomic(path: string, content: Uint8Array | string, options: AtomicWriteOptions = {}): Promise<WrittenFile> {
  return (await writeFilesAtomic([{ path, content }], options))[0]!;
}

/**
 * Writes several files all or nothing (see the module doc): on success every file holds its new content; on failure
 * none does, no temp file is left, and the files that existed before hold their old bytes.
 * @throws ExportError (EXPORT_FAILED) naming the path that failed and the cause.
 */
export async function writeFilesAtomic(files: readonly AtomicFile[], options: AtomicWriteOptions = {}): Promise<WrittenFile[]> {
  const pending: Pending[] = [];
  try {
    const modes: Array<number | null> = [];
    for (const file of files) {
      try {
        await mkdir(dirname(file.path), { recursive: true });
      } catch (error) {
        throw failure(file.path, error, 'folder');
      }
      modes.push(modeToKeep(file.path, await lstat(file.path).catch(() => null)));
    }
    for (const [k, file] of files.entries()) {
      const bytes = bytesOf(file.content);
      const entry = pendingFor(file.path, bytes, modes[k] ?? null);
      pending.push(entry);
      try {
        const handle = await open(entry.temp, 'wx', options.mode ?? 0o666);
        try {
          const mode = modes[k] ?? null;
          if (mode !== null) await handle.chmod(mode);
          await handle.writeFile(bytes);
          await handle.sync();
        } finally {
          await handle.close();
        }
      } catch (error) {
        throw failure(file.path, error, 'temp');
      }
    }
    if (pending.length > 1) {
      for (const entry of pending) {
        if (!entry.existed) continue;
        const backup = backupPathFor(entry.path);
        entry.backup = await link(entry.path, backup).then(
          () => backup,
          () => null,
        );
      }
    }
    for (const entry of pending) {
      try {
        await rename(entry.temp, entry.path);
        entry.renamed = true;
      } catch (error) {
        throw failure(entry.path, error, 'rename');
      }
    }
    await syncFolders(pending.map((p) => dirname(p.path)));
    for (const entry of pending) if (entry.backup) await rm(entry.backup, { force: true }).catch(() => undefined);
    return pending.map((p) => ({ path: p.path, bytes: p.bytes }));
  } catch (error) {
    await rollBack(pending);
    throw error instanceof ExportError ? error : failure(pending.at(-1)?.path ?? files[0]?.path ?? '', error, 'temp');
  }
}

/** Puts the folder back as it was: temps removed, replaced files restored from their backups, new files removed. */
async function rollBack(pending: readonly Pending[]): Promise<void> {
  for (const entry of pending) {
    if (!entry.renamed) await rm(entry.temp, { force: true }).catch(() => undefined);
    else if (entry.backup) await rename(entry.backup, entry.path).catch(() => undefined);
    else if (!entry.existed) await rm(entry.path, { force: true }).catch(() => undefined);
    // A file replaced where no hard link could be made (a file system without them) keeps its new, whole content.
    if (entry.backup) await rm(entry.backup, { force: true }).catch(() => undefined);
  }
}

/** Makes the renames durable: fsync of each folder (not possible on every platform, e.g. Windows; then skipped). */
async function syncFolders(folders: readonly string[]): Promise<void> {
  for (const folder of new Set(folders)) {
    const handle = await open(folder, 'r').catch(() => null);
    if (!handle) continue;
    await handle.sync().catch(() => undefined);
    await handle.close();
  }
}

/**
 * The synchronous form of {@link writeFilesAtomic}, for the synchronous writers (grid bundles, result files of
 * array tasks, the launcher's cache): the same steps, the same errors.
 */
export function writeFilesAtomicSync(files: readonly AtomicFile[], options: AtomicWriteOptions = {}): WrittenFile[] {
  const pending: Pending[] = [];
  try {
    const modes: Array<number | null> = [];
    for (const file of files) {
      try {
        mkdirSync(dirname(file.path), { recursive: true });
      } catch (error) {
        throw failure(file.path, error, 'folder');
      }
      modes.push(modeToKeep(file.path, lstatOrNull(file.path)));
    }
    for (const [k, file] of files.entries()) {
      const bytes = bytesOf(file.content);
      const entry = pendingFor(file.path, bytes, modes[k] ?? null);
      pending.push(entry);
      try {
        const fd = openSync(entry.temp, 'wx', options.mode ?? 0o666);
        try {
          const mode = modes[k] ?? null;
          if (mode !== null) fchmodSync(fd, mode);
          for (let offset = 0; offset < bytes.byteLength; ) offset += writeSync(fd, bytes, offset, bytes.byteLength - offset);
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch (error) {
        throw failure(file.path, error, 'temp');
      }
    }
    if (pending.length > 1) {
      for (const entry of pending) {
        if (!entry.existed) continue;
        const backup = backupPathFor(entry.path);
        try {
          linkSync(entry.path, backup);
          entry.backup = backup;
        } catch {
          entry.backup = null;
        }
      }
    }
    for (const entry of pending) {
      try {
        renameSync(entry.temp, entry.path);
        entry.renamed = true;
      } catch (error) {
        throw failure(entry.path, error, 'rename');
      }
    }
    for (const folder of new Set(pending.map((p) => dirname(p.path)))) {
      try {
        const fd = openSync(folder, 'r');
        try {
          fsyncSync(fd);
        } finally {
          closeSync(fd);
        }
      } catch {
        // Folders cannot be opened or synced on every platform (Windows); the rename itself is still atomic.
      }
    }
    for (const entry of pending) if (entry.backup) rmSync(entry.backup, { force: true });
    return pending.map((p) => ({ path: p.path, bytes: p.bytes }));
  } catch (error) {
    for (const entry of pending) {
      try {
        if (!entry.renamed) rmSync(entry.temp, { force: true });
        else if (entry.backup) renameSync(entry.backup, entry.path);
        else if (!entry.existed) rmSync(entry.path, { force: true });
        if (entry.backup) rmSync(entry.backup, { force: true });
      } catch {
        // Best effort: the folder is being put back after a failure already reported.
      }
    }
    throw error instanceof ExportError ? error : failure(pending.at(-1)?.path ?? files[0]?.path ?? '', error, 'temp');
  }
}

/** One file, synchronously: see {@link writeFilesAtomicSync}. */
export function writeFileAtomicSync(path: string, content: Uint8Array | string, options: AtomicWriteOptions = {}): WrittenFile {
  return writeFilesAtomicSync([{ path, content }], options)[0]!;
}

function lstatOrNull(path: string) {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
