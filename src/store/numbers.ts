import type { Executor } from './database.js';

/** A number of the provider's pool, shared by every account. Money in micro-units. */
export interface InventoryNumber {
  readonly number: string;
  readonly country: string;
  readonly monthlyFeeMicros: number;
  readonly currency: string;
}

/** A number an account rents, with its SIP connection; the password stays sealed. */
export interface RentedNumber extends InventoryNumber {
  readonly rentedAt: number;
  readonly sipHost: string | null;
  readonly sipUsername: string | null;
  readonly sealedSipPassword: string | null;
}

export interface SipConnection {
  readonly sipHost: string | null;
  readonly sipUsername: string | null;
  readonly sealedSipPassword: string | null;
}

/** Of these numbers, the ones the pool holds, by number. */
export async function findInventoryNumbers(
  db: Executor,
  numbers: readonly string[],
): Promise<Map<string, InventoryNumber>> {
  const found = new Map<string, InventoryNumber>();
  for (let i = 0; i < numbers.length; i += 1000) {
    const rows = await db
      .selectFrom('number_inventory')
      .selectAll()
      .where('number', 'in', numbers.slice(i, i + 1000))
      .execute();
    for (const row of rows) {
      found.set(row.number, {
        number: row.number,
        country: row.country,
        monthlyFeeMicros: row.monthly_fee_micros,
        currency: row.currency,
      });
    }
  }
  return found;
}

/** Adds numbers to the pool; numbers it already holds are left as they are. */
export async function insertInventoryNumbers(
  db: Executor,
  items: readonly InventoryNumber[],
): Promise<void> {
  for (let i = 0; i < items.length; i += 1000) {
    await db
      .insertInto('number_inventory')
      .values(
        items.slice(i, i + 1000).map((item) => ({
          number: item.number,
          country: item.country,
          monthly_fee_micros: item.monthlyFeeMicros,
          currency: item.currency,
        })),
      )
      .onConflict((oc) => oc.column('number').doNothing())
      .execute();
  }
}

/** Numbers of the pool no account rents, in number order. */
export async function listAvailableNumbers(
  db: Executor,
  options: { readonly country?: string; readonly limit: number },
): Promise<InventoryNumber[]> {
  let query = db
    .selectFrom('number_inventory as i')
    .leftJoin('account_numbers as a', 'a.number', 'i.number')
    .select(['i.number', 'i.country', 'i.monthly_fee_micros', 'i.currency'])
    .where('a.number', 'is', null);
  if (options.country !== undefined) query = query.where('i.country', '=', options.country);
  const rows = await query.orderBy('i.number').limit(options.limit).execute();
  return rows.map((row) => ({
    number: row.number,
    country: row.country,
    monthlyFeeMicros: row.monthly_fee_micros,
    currency: row.currency,
  }));
}

function rentedQuery(db: Executor, accountId: string) {
  return db
    .selectFrom('account_numbers as a')
    .innerJoin('number_inventory as i', 'i.number', 'a.number')
    .select([
      'a.number',
      'a.rented_at',
      'a.sip_host',
      'a.sip_username',
      'a.sip_password',
      'i.country',
      'i.monthly_fee_micros',
      'i.currency',
    ])
    .where('a.account_id', '=', accountId);
}

type RentedRow = Awaited<ReturnType<ReturnType<typeof rentedQuery>['executeTakeFirstOrThrow']>>;

function fromRentedRow(row: RentedRow): RentedNumber {
  return {
    number: row.number,
    country: row.country,
    monthlyFeeMicros: row.monthly_fee_micros,
    currency: row.currency,
    rentedAt: row.rented_at,
    sipHost: row.sip_host,
    sipUsername: row.sip_username,
    sealedSipPassword: row.sip_password,
  };
}

/** The numbers an account rents, oldest rental first. */
export async function listRentedNumbers(db: Executor, accountId: string): Promise<RentedNumber[]> {
  const rows = await rentedQuery(db, accountId)
    .orderBy('a.rented_at')
    .orderBy('a.number')
    .execute();
  return rows.map(fromRentedRow);
}

/** One number the account rents, or undefined when it does not rent it. */
export async function findRentedNumber(
  db: Executor,
  accountId: string,
  number: string,
): Promise<RentedNumber | undefined> {
  const row = await rentedQuery(db, accountId).where('a.number', '=', number).executeTakeFirst();
  return row && fromRentedRow(row);
}

/** The account renting a number, or undefined when nobody does. */
export async function findRenter(db: Executor, number: string): Promise<string | undefined> {
  const row = await db
    .selectFrom('account_numbers')
    .select('account_id')
    .where('number', '=', number)
    .executeTakeFirst();
  return row?.account_id;
}

/**
 * Records a rental, and answers whether it was recorded: false when someone rented the
 * number first (the number is the table's key, so two rentals can never both succeed).
 */
export async function insertRental(
  db: Executor,
  accountId: string,
  number: string,
  now: number,
): Promise<boolean> {
  const result = await db
    .insertInto('account_numbers')
    .values({
      account_id: accountId,
      number,
      rented_at: now,
      sip_host: null,
      sip_username: null,
      sip_password: null,
    })
    .onConflict((oc) => oc.column('number').doNothing())
    .executeTakeFirst();
  return (result.numInsertedOrUpdatedRows ?? 0n) > 0n;
}

/** Ends a rental; answers whether the account rented the number. */
export async function deleteRental(
  db: Executor,
  accountId: string,
  number: string,
): Promise<boolean> {
  const result = await db
    .deleteFrom('account_numbers')
    .where('account_id', '=', accountId)
    .where('number', '=', number)
    .executeTakeFirst();
  return result.numDeletedRows > 0n;
}

export async function updateConnection(
  db: Executor,
  accountId: string,
  number: string,
  connection: SipConnection,
): Promise<void> {
  await db
    .updateTable('account_numbers')
    .set({
      sip_host: connection.sipHost,
      sip_username: connection.sipUsername,
      sip_password: connection.sealedSipPassword,
    })
    .where('account_id', '=', accountId)
    .where('number', '=', number)
    .execute();
}

/** A rented number's line access list (SPEC §5 rule 5) and its version. */
export interface LineAccess {
  readonly accessCodes: readonly string[];
  readonly version: number;
}

/** Every line the account rents, with its country and access list: what decisions read. */
export async function loadLines(
  db: Executor,
  accountId: string,
): Promise<{ number: string; country: string; accessCodes: string[] }[]> {
  const rows = await db
    .selectFrom('account_numbers as a')
    .innerJoin('number_inventory as i', 'i.number', 'a.number')
    .select(['a.number', 'i.country', 'a.access_codes'])
    .where('a.account_id', '=', accountId)
    .orderBy('a.number')
    .execute();
  // Written only by writeLineAccess, from a checked list.
  return rows.map((row) => ({
    number: row.number,
    country: row.country,
    accessCodes: JSON.parse(row.access_codes) as string[],
  }));
}

/** One rented number's access list, or undefined when the account does not rent it. */
export async function findLineAccess(
  db: Executor,
  accountId: string,
  number: string,
): Promise<LineAccess | undefined> {
  const row = await db
    .selectFrom('account_numbers')
    .select(['access_codes', 'access_version'])
    .where('account_id', '=', accountId)
    .where('number', '=', number)
    .executeTakeFirst();
  return (
    row && {
      accessCodes: JSON.parse(row.access_codes) as string[],
      version: row.access_version,
    }
  );
}

/**
 * Replaces a line's access list if it is still at `expectedVersion`, and answers whether
 * it was (check and write in one statement). The new version is `expectedVersion + 1`.
 */
export async function writeLineAccess(
  db: Executor,
  accountId: string,
  number: string,
  accessCodes: readonly string[],
  expectedVersion: number,
): Promise<boolean> {
  const result = await db
    .updateTable('account_numbers')
    .set({ access_codes: JSON.stringify(accessCodes), access_version: expectedVersion + 1 })
    .where('account_id', '=', accountId)
    .where('number', '=', number)
    .where('access_version', '=', expectedVersion)
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}
