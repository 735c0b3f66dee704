import { CallgateError } from '../errors.js';
import type { Executor } from '../store/database.js';
import { describeSealedValue, listSealedValues, resealValue } from '../store/sealed.js';
import type { Secrets } from './secrets.js';

export interface RotationResult {
  /** Values re-sealed, by column. */
  readonly resealed: Readonly<Record<string, number>>;
}

/**
 * Re-seals every value sealed under `from` with `to`. Run it inside one transaction: a value
 * that `from` cannot open (or that changes meanwhile) throws, and the transaction leaves
 * everything under the old key. Recording URLs signed with the old key stop verifying once
 * servers use the new one; they live minutes, and players ask again.
 */
export async function rotateSecretKey(
  db: Executor,
  from: Secrets,
  to: Secrets,
): Promise<RotationResult> {
  const resealed: Record<string, number> = {};
  for (const value of await listSealedValues(db)) {
    let plaintext: string;
    try {
      plaintext = from.decrypt(value.sealed);
    } catch {
      throw new CallgateError(
        'conflict',
        `${describeSealedValue(value)} cannot be opened with the current key; nothing was changed`,
      );
    }
    if (!(await resealValue(db, value, to.encrypt(plaintext)))) {
      throw new CallgateError(
        'conflict',
        `${describeSealedValue(value)} changed during the rotation; nothing was changed, run it again`,
      );
    }
    resealed[value.column] = (resealed[value.column] ?? 0) + 1;
  }
  return { resealed };
}
