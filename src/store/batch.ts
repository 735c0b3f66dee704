import type { Insertable } from 'kysely';
import type { Executor } from './database.js';
import type { Database } from './schema.js';

/** Both SQLite (32,766) and PostgreSQL (65,535) allow at least this many bound values a statement. */
export const MAX_PARAMETERS = 30_000;

/** Inserts many rows with as few statements as the parameter limits allow. */
export async function insertMany<T extends keyof Database>(
  db: Executor,
  table: T,
  rows: readonly Insertable<Database[T]>[],
): Promise<void> {
  const first = rows[0];
  if (first === undefined) return;
  const size = Math.max(1, Math.floor(MAX_PARAMETERS / Object.keys(first).length));
  for (let i = 0; i < rows.length; i += size) {
    // Kysely cannot relate a generic table name to its row type; the signature above does.
    await db
      .insertInto(table)
      .values(rows.slice(i, i + size))
      .execute();
  }
}

/** Runs a lookup over many ids 1,000 at a time (bound-parameter limits) and joins the rows. */
export async function selectByIds<R>(
  ids: readonly string[],
  lookup: (chunk: string[]) => Promise<R[]>,
): Promise<R[]> {
  const rows: R[] = [];
  for (let i = 0; i < ids.length; i += 1000) rows.push(...(await lookup(ids.slice(i, i + 1000))));
  return rows;
}
