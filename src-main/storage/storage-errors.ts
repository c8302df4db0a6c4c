/**
 * Storage errors that diagnose: SQLite's and the file system's failures on the database file turned into one code
 * of shared/errors.ts and one sentence naming the file and what to do.
 *
 * - DATABASE_READ_ONLY  the file, its folder or its file system cannot be written (reading still works)
 * - DATABASE_DISK_FULL  the disk holding it is full
 * - DATABASE_TRUNCATED  the file is shorter than its header says (or than an SQLite header)
 * - DATABASE_DAMAGED    a page is malformed (SQLITE_CORRUPT on a file of the right length)
 *
 * (DATABASE_TOO_NEW is migrate.ts's.) Anything else is returned unchanged.
 */
import { accessSync, closeSync, constants, existsSync, openSync, readSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { WorkbenchError } from '../../shared/errors.ts';

/** The first bytes of every SQLite 3 file. */
const SQLITE_MAGIC = 'SQLite format 3\u0000';

export class DatabaseReadOnlyError extends WorkbenchError {
  constructor(path: string, why: string, options?: { cause?: unknown }) {
    super(
      'DATABASE_READ_ONLY',
      `The database ${path} is read-only (${why}), so nothing was saved: make it writable, or copy it to a folder you can write and use --db.`,
      options,
    );
    this.name = 'DatabaseReadOnlyError';
  }
}

/** Why the database at `path` cannot be written, in words, or null when it can (as far as access(2) tells). */
export function whyNotWritable(path: string): string | null {
  const folder = dirname(path);
  const check = (target: string): NodeJS.ErrnoException | null => {
    try {
      accessSync(target, constants.W_OK);
      return null;
    } catch (error) {
      return error as NodeJS.ErrnoException;
    }
  };
  const file = existsSync(path) ? check(path) : null;
  if (file?.code === 'EROFS') return 'it is on a read-only file system';
  if (file) return 'the file cannot be written';
  const dir = check(folder);
  if (dir?.code === 'EROFS') return 'it is on a read-only file system';
  if (dir?.code === 'ENOENT') return null;
  if (dir) return `its folder ${folder} cannot be written`;
  return null;
}

/** What the file's header says about its length: the page size and page count, or why it cannot be told. */
interface HeaderLength {
  /** The file's size in bytes. */
  size: number;
  /** Bytes the header declares (page size × page count), or null when the header's count is not valid. */
  declared: number | null;
  /** Whether the file starts with the SQLite magic (or is a prefix of it). */
  sqlite: boolean;
}

function headerLength(path: string): HeaderLength | null {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return null;
  }
  try {
    const size = statSync(path).size;
    const header = Buffer.alloc(100);
    const read = readSync(fd, header, 0, 100, 0);
    const magic = header.toString('latin1', 0, Math.min(read, 16));
    const sqlite = read > 0 && SQLITE_MAGIC.startsWith(magic);
    if (read < 100) return { size, declared: null, sqlite };
    const rawPageSize = header.readUInt16BE(16);
    const pageSize = rawPageSize === 1 ? 65536 : rawPageSize;
    const pages = header.readUInt32BE(28);
    // The page count is valid only when the "version-valid-for" number (offset 92) matches the change counter (24).
    const valid = header.readUInt32BE(92) === header.readUInt32BE(24) && pages > 0 && pageSize >= 512;
    return { size, declared: valid ? pageSize * pages : null, sqlite };
  } finally {
    closeSync(fd);
  }
}

/**
 * A TRUNCATED error when the file at `path` is shorter than an SQLite header or than its header declares (and no
 * WAL could hold the rest), else null.
 */
export function truncationOf(path: string): WorkbenchError | null {
  const length = headerLength(path);
  if (!length || !length.sqlite) return null;
  const cut = (detail: string) =>
    new WorkbenchError(
      'DATABASE_TRUNCATED',
      `The database ${path} is truncated (${detail}), so it cannot be used: restore it from a backup, or start a new database with --db.`,
    );
  if (length.declared === null && length.size < 100) return cut(`${length.size} bytes, shorter than an SQLite header`);
  const walBytes = existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0;
  if (length.declared !== null && length.size < length.declared && walBytes === 0) {
    return cut(`${length.size} bytes of the ${length.declared} its header declares`);
  }
  return null;
}

function sqliteCode(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : '';
}

/**
 * Turns a failure on the database at `path` into its storage code and sentence (see the module doc); any other
 * error, and every WorkbenchError, is returned unchanged.
 */
export function diagnoseStorageError(path: string, error: unknown): unknown {
  if (error instanceof WorkbenchError || path === ':memory:' || path === '') return error;
  const code = sqliteCode(error);
  if (code.startsWith('SQLITE_READONLY') || (code.startsWith('SQLITE_CANTOPEN') && whyNotWritable(path) !== null)) {
    return new DatabaseReadOnlyError(path, whyNotWritable(path) ?? 'SQLite opened it read-only', { cause: error });
  }
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'SQLITE_IOERR_WRITE' && /full/i.test((error as Error).message)) {
    return new WorkbenchError('DATABASE_DISK_FULL', `The disk holding the database ${path} is full, so nothing was saved: free some space and try again.`, {
      cause: error,
    });
  }
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB' || code === 'SQLITE_IOERR_SHORT_READ') {
    const truncated = truncationOf(path);
    if (truncated) return truncated;
    if (code === 'SQLITE_NOTADB') {
      return new WorkbenchError('INVALID_ARGUMENT', `The file ${path} is not a Metric Workbench database (it is not an SQLite database).`, { cause: error });
    }
    return new WorkbenchError(
      'DATABASE_DAMAGED',
      `The database ${path} has a malformed page (SQLite: ${(error as Error).message}), so this was not done: restore it from a backup, or recover what is readable with \`sqlite3 ${path} .recover\`.`,
      { cause: error },
    );
  }
  return error;
}
