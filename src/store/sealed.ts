import type { Executor } from './database.js';

/**
 * Every value sealed with `Secrets.encrypt` (telephony/secrets.ts), wherever it lives: the
 * users' SIP secrets, the SIP passwords of rented numbers and of SIP connections. Key rotation re-seals exactly
 * these; a new sealed column belongs here too (test/secrets-rotation.test.ts checks that the
 * code seals nothing else).
 */
export type SealedValue =
  | {
      readonly column: 'user_telephony_settings.sip_secret';
      readonly accountId: string;
      readonly userId: string;
      readonly sealed: string;
    }
  | {
      readonly column: 'account_numbers.sip_password';
      readonly accountId: string;
      readonly number: string;
      readonly sealed: string;
    }
  | {
      readonly column: 'sip_connections.password';
      readonly accountId: string;
      readonly connectionId: number;
      readonly sealed: string;
    };

/** Every sealed value of every account. */
export async function listSealedValues(db: Executor): Promise<SealedValue[]> {
  const secrets = await db
    .selectFrom('user_telephony_settings')
    .select(['account_id', 'user_id', 'sip_secret'])
    .where('sip_secret', 'is not', null)
    .orderBy('account_id')
    .orderBy('user_id')
    .execute();
  const passwords = await db
    .selectFrom('account_numbers')
    .select(['account_id', 'number', 'sip_password'])
    .where('sip_password', 'is not', null)
    .orderBy('account_id')
    .orderBy('number')
    .execute();
  const connections = await db
    .selectFrom('sip_connections')
    .select(['account_id', 'id', 'password'])
    .where('password', 'is not', null)
    .orderBy('account_id')
    .orderBy('id')
    .execute();
  return [
    ...secrets.map((row) => ({
      column: 'user_telephony_settings.sip_secret' as const,
      accountId: row.account_id,
      userId: row.user_id,
      sealed: row.sip_secret!,
    })),
    ...passwords.map((row) => ({
      column: 'account_numbers.sip_password' as const,
      accountId: row.account_id,
      number: row.number,
      sealed: row.sip_password!,
    })),
    ...connections.map((row) => ({
      column: 'sip_connections.password' as const,
      accountId: row.account_id,
      connectionId: Number(row.id),
      sealed: row.password!,
    })),
  ];
}

/**
 * Replaces one sealed value if it is still the one read: answers false when it changed in
 * between, so a concurrent write is never overwritten with a stale secret. The settings'
 * version stays: the secret is the same, only its sealing changed.
 */
export async function resealValue(
  db: Executor,
  value: SealedValue,
  resealed: string,
): Promise<boolean> {
  const result = await (() => {
    switch (value.column) {
      case 'user_telephony_settings.sip_secret':
        return db
          .updateTable('user_telephony_settings')
          .set({ sip_secret: resealed })
          .where('account_id', '=', value.accountId)
          .where('user_id', '=', value.userId)
          .where('sip_secret', '=', value.sealed)
          .executeTakeFirst();
      case 'account_numbers.sip_password':
        return db
          .updateTable('account_numbers')
          .set({ sip_password: resealed })
          .where('account_id', '=', value.accountId)
          .where('number', '=', value.number)
          .where('sip_password', '=', value.sealed)
          .executeTakeFirst();
      case 'sip_connections.password':
        return db
          .updateTable('sip_connections')
          .set({ password: resealed })
          .where('account_id', '=', value.accountId)
          .where('id', '=', value.connectionId)
          .where('password', '=', value.sealed)
          .executeTakeFirst();
    }
  })();
  return result.numUpdatedRows > 0n;
}

/** Where a sealed value lives, for messages. */
export function describeSealedValue(value: SealedValue): string {
  switch (value.column) {
    case 'user_telephony_settings.sip_secret':
      return `the SIP secret of user ${value.userId} of account ${value.accountId}`;
    case 'account_numbers.sip_password':
      return `the SIP password of number ${value.number} of account ${value.accountId}`;
    case 'sip_connections.password':
      return `the password of SIP connection ${value.connectionId} of account ${value.accountId}`;
  }
}
