import { sql } from 'kysely';
import type { Actor } from './audit.js';
import type { Executor } from './database.js';

/** What moved the balance: a top-up, or a number's monthly fee. */
export const LEDGER_KINDS = ['top-up', 'number.rent'] as const;
export type LedgerKind = (typeof LEDGER_KINDS)[number];

/** One movement of the balance; money in integer micro-units (credits positive). */
export interface LedgerEntry {
  readonly id: number;
  readonly at: number;
  readonly amountMicros: number;
  readonly currency: string;
  readonly kind: LedgerKind;
  readonly description: string;
  readonly actor: Actor;
}

/** Appends a movement to the account's ledger. Like the audit log, the ledger only grows. */
export async function appendLedgerEntry(
  db: Executor,
  accountId: string,
  entry: Omit<LedgerEntry, 'id'>,
): Promise<LedgerEntry> {
  const row = await db
    .insertInto('balance_ledger')
    .values({
      account_id: accountId,
      at: entry.at,
      amount_micros: entry.amountMicros,
      currency: entry.currency,
      kind: entry.kind,
      description: entry.description,
      actor: entry.actor,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return { id: Number(row.id), ...entry };
}

/** The sum of the account's ledger in one currency, in micro-units. */
export async function sumLedger(
  db: Executor,
  accountId: string,
  currency: string,
): Promise<number> {
  // PostgreSQL sums bigint as numeric, which pg hands over as text.
  const row = await db
    .selectFrom('balance_ledger')
    .select(sql<string | number | null>`sum(amount_micros)`.as('total'))
    .where('account_id', '=', accountId)
    .where('currency', '=', currency)
    .executeTakeFirst();
  return Number(row?.total ?? 0);
}

/** The account's latest ledger entries, newest first. */
export async function listLedger(
  db: Executor,
  accountId: string,
  limit: number,
): Promise<LedgerEntry[]> {
  const rows = await db
    .selectFrom('balance_ledger')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map((row) => ({
    id: Number(row.id),
    at: row.at,
    amountMicros: row.amount_micros,
    currency: row.currency,
    kind: row.kind as LedgerKind,
    description: row.description,
    actor: row.actor as Actor,
  }));
}
