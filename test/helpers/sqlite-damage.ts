/**
 * Real damage to a closed SQLite database file, as a failing disk or a stray write would do it: for the storage
 * diagnosis tests and the reliability probes.
 */
import { closeSync, openSync, readSync, truncateSync, writeSync } from 'node:fs';
import Database from 'better-sqlite3';

/** The page size and the root page of `table`, read through SQLite (the file must be closed by every writer). */
function layout(path: string, table: string): { pageSize: number; root: number } {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    const row = db.prepare("SELECT rootpage FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) as { rootpage: number } | undefined;
    if (!row) throw new Error(`${path} has no table ${table}.`);
    return { pageSize, root: row.rootpage };
  } finally {
    db.close();
  }
}

function readPage(fd: number, page: number, pageSize: number): Buffer {
  const bytes = Buffer.alloc(pageSize);
  readSync(fd, bytes, 0, pageSize, (page - 1) * pageSize);
  return bytes;
}

/**
 * Marks the leftmost leaf page of `table`'s b-tree as malformed (its page type byte set to 0), so that reading the
 * table's first rows fails with SQLITE_CORRUPT while the rightmost pages, where new rows go, still work. The table
 * must span several pages (an interior root). Returns the damaged page number.
 */
export function damageFirstLeafOf(path: string, table: string): number {
  const { pageSize, root } = layout(path, table);
  const fd = openSync(path, 'r+');
  try {
    let page = root;
    for (;;) {
      const bytes = readPage(fd, page, pageSize);
      const header = page === 1 ? 100 : 0;
      const type = bytes[header]!;
      if (type === 0x0d) break; // table leaf
      if (type !== 0x05) throw new Error(`Page ${page} of ${table} is not a table b-tree page (type ${type}).`);
      // Interior page: the first cell's left child (cell pointers start after the 12-byte header).
      const firstCell = bytes.readUInt16BE(header + 12);
      page = bytes.readUInt32BE(firstCell);
    }
    if (page === root) throw new Error(`${table} fits in one page; add more rows before damaging it.`);
    writeSync(fd, Buffer.from([0]), 0, 1, (page - 1) * pageSize);
    return page;
  } finally {
    closeSync(fd);
  }
}

/** Cuts the file to `bytes` bytes (a copy interrupted half way). */
export function truncateDatabase(path: string, bytes: number): void {
  truncateSync(path, bytes);
}
