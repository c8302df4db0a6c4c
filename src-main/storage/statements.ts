/** Prepared-statement caching shared by the repositories. */
import type { Database, Statement } from 'better-sqlite3';

/**
 * Returns a `prepare(sql)` for `db` that compiles each distinct SQL text once and hands back the same
 * statement on later calls.
 */
export function statementCache(db: Database): (sql: string) => Statement {
  const statements = new Map<string, Statement>();
  return (sql) => {
    let statement = statements.get(sql);
    if (!statement) statements.set(sql, (statement = db.prepare(sql)));
    return statement;
  };
}
