import { sql } from 'kysely';
import { insertMany, selectByIds } from './batch.js';
import type { Executor } from './database.js';

/**
 * Numbers given to users whose id is not a decimal number start above this one, so they
 * can never meet a decimal id (at most nine digits) that arrives later.
 */
export const FIRST_ASSIGNED_USER_NUMBER = 1_000_000_000;

/** A user's own number: the id itself when it is a decimal number (no leading zero, ≤ 9 digits). */
export function ownUserNumber(userId: string): number | undefined {
  return /^[1-9][0-9]{0,8}$/.test(userId) ? Number(userId) : undefined;
}

/**
 * Gives a number to each of these users that has none yet: their own when their id is a
 * decimal number, otherwise the next after the account's highest assigned one. Numbers are
 * never taken back (rows outlive users), so none is reused. Run inside the transaction that
 * brings the users.
 */
export async function assignUserNumbers(
  db: Executor,
  accountId: string,
  userIds: readonly string[],
): Promise<void> {
  const known = new Set(
    (
      await selectByIds(userIds, (chunk) =>
        db
          .selectFrom('user_numbers')
          .select('user_id')
          .where('account_id', '=', accountId)
          .where('user_id', 'in', chunk)
          .execute(),
      )
    ).map((row) => row.user_id),
  );
  const missing = userIds.filter((id) => !known.has(id));
  if (missing.length === 0) return;
  const { rows } = await sql<{ highest: number | string | null }>`
    select max(number) as highest from ${sql.table('user_numbers')}
    where account_id = ${accountId} and number > ${FIRST_ASSIGNED_USER_NUMBER}`.execute(db);
  let next = Math.max(Number(rows[0]?.highest ?? 0), FIRST_ASSIGNED_USER_NUMBER);
  await insertMany(
    db,
    'user_numbers',
    missing.map((user_id) => ({
      account_id: accountId,
      user_id,
      number: ownUserNumber(user_id) ?? ++next,
    })),
  );
}

/** Every numbered user of the account: user id → number. */
export async function loadUserNumbers(
  db: Executor,
  accountId: string,
): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('user_numbers')
    .select(['user_id', 'number'])
    .where('account_id', '=', accountId)
    .execute();
  return new Map(rows.map((row) => [row.user_id, Number(row.number)]));
}

/** The number of one user, if they have one. */
export async function findUserNumber(
  db: Executor,
  accountId: string,
  userId: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('user_numbers')
    .select('number')
    .where('account_id', '=', accountId)
    .where('user_id', '=', userId)
    .executeTakeFirst();
  return row === undefined ? undefined : Number(row.number);
}
