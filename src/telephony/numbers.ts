import { IssueList } from '../engine/validation-error.js';
import { CallgateError } from '../errors.js';
import { bumpVersions } from '../store/accounts.js';
import { type Actor, appendAudit } from '../store/audit.js';
import type { Executor } from '../store/database.js';
import {
  type InventoryNumber,
  type RentedNumber,
  deleteRental,
  findInventoryNumbers,
  findRentedNumber,
  findRenter,
  insertInventoryNumbers,
  insertRental,
  listAvailableNumbers,
  listRentedNumbers,
  updateConnection,
} from '../store/numbers.js';
import { findSection, writeSection } from '../store/settings.js';
import { clearCallerIdNumber } from '../store/user-settings.js';
import {
  BALANCE_CURRENCY,
  type LedgerEntryView,
  debitNumberFee,
  fromMicros,
  toMicros,
  topUpBalance,
} from './balance.js';
import type { Secrets } from './secrets.js';

/** A number in E.164, as numbers are written in paths and bodies. */
export const E164_PATTERN = '^\\+[1-9][0-9]{6,14}$';
const E164 = new RegExp(E164_PATTERN);
const COUNTRY = /^[A-Z]{2}$/;

/** A number of the pool, as the API answers it: the fee in currency units. */
export interface NumberOffer {
  readonly number: string;
  readonly country: string;
  readonly monthlyFee: number;
  readonly currency: string;
}

/** A rented number, as the API answers it: never the SIP password, only whether there is one. */
export interface RentedNumberView extends NumberOffer {
  readonly rentedAt: string;
  readonly connection: {
    readonly host: string | null;
    readonly username: string | null;
    readonly hasPassword: boolean;
  };
}

function describeOffer(item: InventoryNumber): NumberOffer {
  return {
    number: item.number,
    country: item.country,
    monthlyFee: fromMicros(item.monthlyFeeMicros),
    currency: item.currency,
  };
}

function describeRented(item: RentedNumber): RentedNumberView {
  return {
    ...describeOffer(item),
    rentedAt: new Date(item.rentedAt).toISOString(),
    connection: {
      host: item.sipHost,
      username: item.sipUsername,
      hasPassword: item.sealedSipPassword !== null,
    },
  };
}

/** The numbers an account rents, oldest rental first, with their SIP connections. */
export async function listAccountNumbers(
  db: Executor,
  accountId: string,
): Promise<RentedNumberView[]> {
  return (await listRentedNumbers(db, accountId)).map(describeRented);
}

/** Numbers of the pool that no account rents. */
export async function listNumberOffers(
  db: Executor,
  options: { readonly country?: string; readonly limit: number },
): Promise<NumberOffer[]> {
  return (await listAvailableNumbers(db, options)).map(describeOffer);
}

/**
 * Adds numbers to the provider's pool (an operator task). A number the pool already holds
 * with the same country, fee and currency is accepted again, so a script may be re-run; one
 * held with different terms is a conflict, because accounts may rent it on those terms.
 * Run inside a transaction.
 *
 * @example await addNumbersToInventory(trx, [{ number: '+16285550140', country: 'US', monthlyFee: 5, currency: 'USD' }])
 */
export async function addNumbersToInventory(
  db: Executor,
  items: readonly NumberOffer[],
): Promise<{ added: number; unchanged: number }> {
  const issues = new IssueList();
  const seen = new Set<string>();
  const rows: InventoryNumber[] = [];
  items.forEach((item, i) => {
    if (!E164.test(item.number))
      issues.add(`items[${i}].number`, `${JSON.stringify(item.number)} is not an E.164 number`);
    if (!COUNTRY.test(item.country))
      issues.add(`items[${i}].country`, 'must be an ISO 3166 country code such as US');
    if (seen.has(item.number)) issues.add(`items[${i}].number`, `${item.number} is listed twice`);
    seen.add(item.number);
    if (item.currency !== BALANCE_CURRENCY)
      issues.add(`items[${i}].currency`, `balances are kept in ${BALANCE_CURRENCY}`);
    const micros = toMicros(item.monthlyFee);
    if (micros === undefined || micros < 0)
      issues.add(`items[${i}].monthlyFee`, 'must be 0 or more, with at most 6 decimals');
    rows.push({
      number: item.number,
      country: item.country,
      monthlyFeeMicros: micros ?? 0,
      currency: item.currency,
    });
  });
  issues.throwIfAny();
  const existing = await findInventoryNumbers(
    db,
    rows.map((row) => row.number),
  );
  const differing = rows.filter((row) => {
    const held = existing.get(row.number);
    return (
      held !== undefined &&
      (held.country !== row.country ||
        held.monthlyFeeMicros !== row.monthlyFeeMicros ||
        held.currency !== row.currency)
    );
  });
  if (differing.length > 0) {
    throw new CallgateError(
      'conflict',
      `the pool already holds ${differing.map((row) => row.number).join(', ')} on other terms`,
      { numbers: differing.map((row) => row.number) },
    );
  }
  const fresh = rows.filter((row) => !existing.has(row.number));
  await insertInventoryNumbers(db, fresh);
  return { added: fresh.length, unchanged: rows.length - fresh.length };
}

/**
 * Rents a number of the pool to the account and debits its first monthly fee from the
 * balance (ledger kind `number.rent`). A number the pool does not hold is not found (404);
 * one already rented, by this account or another, is a conflict (409). The balance may go
 * below zero: Callgate records the debt, billing collects it. Run inside a transaction.
 *
 * @example await rentNumber(trx, 'acme', '+16285550140', 'user:u0', now)
 */
export async function rentNumber(
  db: Executor,
  accountId: string,
  number: string,
  actor: Actor,
  now: number,
): Promise<{ number: RentedNumberView; charge: LedgerEntryView }> {
  const offer = (await findInventoryNumbers(db, [number])).get(number);
  if (offer === undefined)
    throw new CallgateError('not_found', `${number} is not a number Callgate can rent out`);
  const renter = await findRenter(db, number);
  // The insert settles a race between two rentals: the number is the rentals' key.
  if (renter !== undefined || !(await insertRental(db, accountId, number, now))) {
    throw new CallgateError(
      'conflict',
      renter === accountId
        ? `${number} is already rented by this account`
        : `${number} is not available: it is rented`,
      { number },
    );
  }
  const charge = await debitNumberFee(db, accountId, offer, actor, now);
  // A new line: outbound decisions read the account's lines (SPEC §5 rules 1 and 5).
  await bumpVersions(db, accountId);
  const rented = describeRented((await findRentedNumber(db, accountId, number))!);
  await appendAudit(
    db,
    accountId,
    {
      type: 'number.rented',
      actor,
      subject: number,
      after: rented,
      detail: { ledgerEntryId: charge.id, amount: charge.amount, currency: charge.currency },
    },
    now,
  );
  return { number: rented, charge };
}

/**
 * Ends the account's rental of a number (404 when it does not rent it). The number goes
 * back to the pool. Users whose outbound caller ID it was, and the account's default
 * caller ID, fall back to none, since a caller ID must be a rented number. Run inside a
 * transaction.
 */
export async function releaseNumber(
  db: Executor,
  accountId: string,
  number: string,
  actor: Actor,
  now: number,
): Promise<void> {
  const before = await findRentedNumber(db, accountId, number);
  if (before === undefined || !(await deleteRental(db, accountId, number)))
    throw new CallgateError('not_found', `this account does not rent ${number}`);
  const clearedCallerIdOf = await clearCallerIdNumber(db, accountId, number, now);
  const clearedDefaultCallerId = await clearDefaultCallerId(db, accountId, number, now);
  // The line, and callers' caller IDs, are gone from the outbound decisions.
  await bumpVersions(db, accountId);
  await appendAudit(
    db,
    accountId,
    {
      type: 'number.released',
      actor,
      subject: number,
      before: describeRented(before),
      detail: { clearedCallerIdOf, clearedDefaultCallerId },
    },
    now,
  );
}

/** The general settings section keeps the account's default caller ID (telephony/settings.ts). */
async function clearDefaultCallerId(
  db: Executor,
  accountId: string,
  number: string,
  now: number,
): Promise<boolean> {
  const general = await findSection(db, accountId, 'general');
  const value = general?.value as { defaultCallerIdNumber?: unknown } | undefined;
  if (general === undefined || value?.defaultCallerIdNumber !== number) return false;
  await writeSection(
    db,
    accountId,
    'general',
    { ...value, defaultCallerIdNumber: null },
    general.version,
    now,
  );
  return true;
}

export interface ConnectionInput {
  readonly host: string;
  readonly username: string;
  /** Omitted: keep the stored password; null: remove it. */
  readonly password?: string | null;
}

/**
 * Sets the SIP connection of a rented number (404 when the account does not rent it). The
 * password is sealed before it is stored and never given back. Run inside a transaction.
 */
export async function changeNumberConnection(
  db: Executor,
  accountId: string,
  number: string,
  input: ConnectionInput,
  secrets: Secrets,
  actor: Actor,
  now: number,
): Promise<RentedNumberView> {
  const before = await findRentedNumber(db, accountId, number);
  if (before === undefined)
    throw new CallgateError('not_found', `this account does not rent ${number}`);
  const sealedSipPassword =
    input.password === undefined
      ? before.sealedSipPassword
      : input.password === null
        ? null
        : secrets.encrypt(input.password);
  await updateConnection(db, accountId, number, {
    sipHost: input.host,
    sipUsername: input.username,
    sealedSipPassword,
  });
  const after = describeRented({
    ...before,
    sipHost: input.host,
    sipUsername: input.username,
    sealedSipPassword,
  });
  await appendAudit(
    db,
    accountId,
    {
      type: 'number.connectionChanged',
      actor,
      subject: number,
      before: describeRented(before).connection,
      after: after.connection,
      // Whether the password changed, never the password.
      detail: {
        password:
          input.password === undefined ? 'unchanged' : input.password === null ? 'removed' : 'set',
      },
    },
    now,
  );
  return after;
}

/** The demo account's share of the pool: 555-01xx numbers are reserved for fiction. */
export const DEMO_NUMBER_INVENTORY: readonly NumberOffer[] = [
  { number: '+16285550140', country: 'US', monthlyFee: 5, currency: 'USD' },
  { number: '+16285550141', country: 'US', monthlyFee: 5, currency: 'USD' },
  { number: '+16285550142', country: 'US', monthlyFee: 5, currency: 'USD' },
  { number: '+16285550143', country: 'US', monthlyFee: 7.5, currency: 'USD' },
  { number: '+12125550144', country: 'US', monthlyFee: 9.99, currency: 'USD' },
  { number: '+12125550145', country: 'US', monthlyFee: 9.99, currency: 'USD' },
];

/**
 * Fills the pool with {@link DEMO_NUMBER_INVENTORY}, gives the account an opening balance
 * of 100 USD and rents it the first two numbers, so the demo shows a balance, a ledger and
 * rented numbers. Does nothing (and answers []) when the account already rents numbers.
 * Run inside a transaction, after the account exists.
 *
 * @example await db.transaction().execute((trx) => seedDemoNumbers(trx, DEMO_ACCOUNT_ID, Date.now()))
 */
export async function seedDemoNumbers(
  db: Executor,
  accountId: string,
  now: number,
): Promise<string[]> {
  if ((await listRentedNumbers(db, accountId)).length > 0) return [];
  await insertInventoryNumbers(
    db,
    DEMO_NUMBER_INVENTORY.map((item) => ({
      number: item.number,
      country: item.country,
      monthlyFeeMicros: toMicros(item.monthlyFee)!,
      currency: item.currency,
    })),
  );
  await topUpBalance(db, accountId, { amount: 100 }, 'system', now, 'Opening balance');
  const rented: string[] = [];
  for (const offer of DEMO_NUMBER_INVENTORY) {
    if (rented.length === 2) break;
    // Another account may have rented a demo number; the demo takes the next one.
    if ((await findRenter(db, offer.number)) !== undefined) continue;
    await rentNumber(db, accountId, offer.number, 'system', now);
    rented.push(offer.number);
  }
  return rented;
}
