import { createHash } from 'node:crypto';
import { type Kysely, PostgresAdapter, sql } from 'kysely';

/**
 * The audit log becomes tamper-evident and append-only (issue 6, point 5). Frozen.
 *
 * - `prev_hash` and `hash`: each entry's SHA-256 (hex) over its fields and the hash of the
 *   account's previous entry (store/audit.ts, auditHash); the first entry's previous hash
 *   is 64 zeros. Existing rows are chained here, in id order per account. The hash
 *   function is copied rather than imported so that this migration keeps writing what it
 *   wrote when it was made, whatever the code becomes later.
 * - Triggers refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) on `audit_log`, so the
 *   database itself keeps the log append-only. They are created after the backfill, which
 *   is the last update the table ever sees. Deleting an account is refused too, since its
 *   entries would go with it by cascade.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function up(db: Kysely<any>): Promise<void> {
  const isPostgres = db.getExecutor().adapter instanceof PostgresAdapter;
  await db.schema.alterTable('audit_log').addColumn('prev_hash', 'text').execute();
  await db.schema.alterTable('audit_log').addColumn('hash', 'text').execute();
  await backfill(db);
  if (isPostgres) {
    await sql`
      create function audit_log_append_only() returns trigger language plpgsql as $$
      begin
        raise exception 'audit_log is append-only: % refused', tg_op
          using errcode = 'insufficient_privilege';
      end
      $$`.execute(db);
    await sql`
      create trigger audit_log_no_change before update or delete on audit_log
      for each row execute function audit_log_append_only()`.execute(db);
    await sql`
      create trigger audit_log_no_truncate before truncate on audit_log
      for each statement execute function audit_log_append_only()`.execute(db);
  } else {
    await sql`
      create trigger audit_log_no_update before update on audit_log
      begin select raise(abort, 'audit_log is append-only: UPDATE refused'); end`.execute(db);
    await sql`
      create trigger audit_log_no_delete before delete on audit_log
      begin select raise(abort, 'audit_log is append-only: DELETE refused'); end`.execute(db);
  }
}

const GENESIS = '0'.repeat(64);

interface Row {
  id: number;
  account_id: string;
  at: number | string;
  actor: string;
  type: string;
  subject: string | null;
  before: string | null;
  after: string | null;
  detail: string | null;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function backfill(db: Kysely<any>): Promise<void> {
  const previous = new Map<string, string>();
  let lastId = 0;
  for (;;) {
    // Pages in id order: the chain of each account follows its ids.
    const rows = (await db
      .selectFrom('audit_log')
      .select(['id', 'account_id', 'at', 'actor', 'type', 'subject', 'before', 'after', 'detail'])
      .where('id', '>', lastId)
      .orderBy('id')
      .limit(500)
      .execute()) as Row[];
    if (rows.length === 0) return;
    const chained = rows.map((row) => {
      const prev = previous.get(row.account_id) ?? GENESIS;
      const hash = hashV1(prev, row);
      previous.set(row.account_id, hash);
      return sql`(cast(${row.id} as bigint), ${prev}, ${hash})`;
    });
    // One statement a page: row by row, 100,000 entries took 35 s on PostgreSQL.
    await sql`
      with chained(id, prev_hash, hash) as (values ${sql.join(chained)})
      update audit_log set prev_hash = chained.prev_hash, hash = chained.hash
      from chained where audit_log.id = chained.id`.execute(db);
    lastId = Number(rows[rows.length - 1]!.id);
  }
}

function hashV1(prev: string, row: Row): string {
  const fields = [
    'callgate-audit-v1',
    prev,
    row.account_id,
    Number(row.at),
    row.actor,
    row.type,
    row.subject,
    row.before,
    row.after,
    row.detail,
  ];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}
