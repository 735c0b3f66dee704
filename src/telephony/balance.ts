import { CallgateError } from '../errors.js';
import { type Actor, appendAudit } from '../store/audit.js';
import {
  LEDGER_KINDS,
  type LedgerEntry,
  type LedgerKind,
  appendLedgerEntry,
  listLedger,
  sumLedger,
} from '../store/balance.js';
import type { Executor } from '../store/database.js';

/** The kinds of balance entries, for the surfaces' schemas. */
export { LEDGER_KINDS };

/**
 * The one currency balances are kept in. Numbers priced in another currency are refused
 * when added to the pool, so every fee can be debited from the balance.
 */
export const BALANCE_CURRENCY = 'USD';
export type Currency = typeof BALANCE_CURRENCY;

export const MICROS_PER_UNIT = 1_000_000;
/** The largest single top-up, in currency units. */
export const MAX_TOP_UP = 100_000;

/**
 * A decimal amount as integer micro-units, or undefined when it has more decimals than
 * `decimals` (binary floating point cannot hold 0.07 exactly, so "exactly" means within a
 * millionth of a cent).
 *
 * @example toMicros(12.34, 2) // 12_340_000
 */
export function toMicros(amount: number, decimals = 6): number | undefined {
  const scale = 10 ** decimals;
  const scaled = amount * scale;
  const whole = Math.round(scaled);
  if (!Number.isSafeInteger(whole) || Math.abs(scaled - whole) > 1e-6) return undefined;
  return whole * (MICROS_PER_UNIT / scale);
}

/** Micro-units as the decimal amount answers show. */
export function fromMicros(micros: number): number {
  return micros / MICROS_PER_UNIT;
}

/** A ledger entry as the API answers it: decimal amount, ISO time, string id. */
export interface LedgerEntryView {
  readonly id: string;
  readonly at: string;
  readonly amount: number;
  readonly currency: string;
  readonly kind: LedgerKind;
  readonly description: string;
}

export function describeLedgerEntry(entry: LedgerEntry): LedgerEntryView {
  return {
    id: String(entry.id),
    at: new Date(entry.at).toISOString(),
    amount: fromMicros(entry.amountMicros),
    currency: entry.currency,
    kind: entry.kind,
    description: entry.description,
  };
}

export interface BalanceView {
  readonly balance: number;
  readonly currency: Currency;
  readonly ledger: LedgerEntryView[];
}

/**
 * The account's balance and its latest ledger entries, newest first.
 *
 * @example await describeBalance(db, 'acme', 100) // { balance: 12.34, currency: 'USD', ledger: [...] }
 */
export async function describeBalance(
  db: Executor,
  accountId: string,
  limit: number,
): Promise<BalanceView> {
  const [total, entries] = await Promise.all([
    sumLedger(db, accountId, BALANCE_CURRENCY),
    listLedger(db, accountId, limit),
  ]);
  return {
    balance: fromMicros(total),
    currency: BALANCE_CURRENCY,
    ledger: entries.map(describeLedgerEntry),
  };
}

/**
 * Credits the balance with a top-up of at most {@link MAX_TOP_UP}, in cents (two decimals
 * at most), and audits it. There is no payment provider behind it: the caller stands for
 * the payment. Run inside a transaction.
 *
 * @example await topUpBalance(trx, 'acme', { amount: 25.5 }, 'user:u0', now)
 */
export async function topUpBalance(
  db: Executor,
  accountId: string,
  input: { readonly amount: number; readonly currency?: Currency },
  actor: Actor,
  now: number,
  description = 'Top-up',
): Promise<LedgerEntryView> {
  const micros = toMicros(input.amount, 2);
  if (micros === undefined || micros <= 0 || input.amount > MAX_TOP_UP) {
    throw new CallgateError(
      'invalid_request',
      `amount must be above 0 and at most ${MAX_TOP_UP}, with at most 2 decimals`,
      { fields: [{ path: 'body.amount', message: 'above 0, at most 100000, 2 decimals' }] },
    );
  }
  const entry = await appendLedgerEntry(db, accountId, {
    at: now,
    amountMicros: micros,
    currency: input.currency ?? BALANCE_CURRENCY,
    kind: 'top-up',
    description,
    actor,
  });
  const view = describeLedgerEntry(entry);
  await appendAudit(
    db,
    accountId,
    { type: 'balance.toppedUp', actor, subject: view.id, after: view },
    now,
  );
  return view;
}

/**
 * Debits a number's monthly fee. Run inside the transaction that rents the number.
 */
export async function debitNumberFee(
  db: Executor,
  accountId: string,
  fee: { readonly number: string; readonly monthlyFeeMicros: number; readonly currency: string },
  actor: Actor,
  now: number,
): Promise<LedgerEntryView> {
  const entry = await appendLedgerEntry(db, accountId, {
    at: now,
    amountMicros: -fee.monthlyFeeMicros,
    currency: fee.currency,
    kind: 'number.rent',
    description: `Monthly fee for ${fee.number}`,
    actor,
  });
  return describeLedgerEntry(entry);
}
