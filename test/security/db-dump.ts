import type { Store } from '../../src-main/storage/store.ts';

/** Every row of every table (BLOBs as hex) plus the schema version: equal dumps mean an unchanged database. */
export function dumpDatabase(store: Store): string {
  const tables = store.db
    .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
    .all() as { name: string }[];
  const out: Record<string, unknown> = { userVersion: store.db.pragma('user_version', { simple: true }) };
  for (const { name } of tables) {
    const rows = store.db.prepare(`SELECT * FROM "${name}" ORDER BY rowid`).all() as Record<string, unknown>[];
    out[name] = rows.map((row) =>
      Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Buffer.isBuffer(v) ? `blob:${v.toString('hex')}` : v])),
    );
  }
  return JSON.stringify(out);
}
