import type { Executor } from '../store/database.js';
import { findUserNumber, loadUserNumbers } from '../store/user-numbers.js';

/**
 * Users' stable numbers (SPEC §12): what the Bitrix24 surface shows and takes wherever
 * Bitrix24 has a user id. Given with the directory import (store/user-numbers.ts).
 */
export async function userNumberOf(
  db: Executor,
  accountId: string,
  userId: string,
): Promise<number | undefined> {
  return findUserNumber(db, accountId, userId);
}

/** Every numbered user of an account, both ways. */
export async function userNumbersOf(
  db: Executor,
  accountId: string,
): Promise<{ byUser: Map<string, number>; byNumber: Map<number, string> }> {
  const byUser = await loadUserNumbers(db, accountId);
  return { byUser, byNumber: new Map([...byUser].map(([user, number]) => [number, user])) };
}
