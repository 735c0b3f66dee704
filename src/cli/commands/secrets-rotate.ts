import { rotateSecretKey } from '../../telephony/key-rotation.js';
import { Secrets, parseSecretKey } from '../../telephony/secrets.js';
import { type Command, UsageError } from '../command.js';

/**
 * `secrets rotate`: re-seals every sealed value from the current key to a new one, in one
 * transaction. Keys are named by environment variables, never given on the command line
 * (where `ps` and shell history would show them).
 */
export const secretsRotate: Command = {
  name: 'secrets rotate',
  usage:
    'secrets rotate [--old-key-env CALLGATE_SECRET_KEY] [--new-key-env CALLGATE_NEW_SECRET_KEY]',
  summary:
    're-encrypt every SIP secret and SIP password from the key in one environment variable to the key in another, all or nothing',
  options: { 'old-key-env': { type: 'string' }, 'new-key-env': { type: 'string' } },
  async run({ options, io, openStore, out }) {
    const oldKey = readKey(io.env, options['old-key-env'], 'CALLGATE_SECRET_KEY');
    const newKey = readKey(io.env, options['new-key-env'], 'CALLGATE_NEW_SECRET_KEY');
    if (oldKey.equals(newKey)) throw new UsageError('the new key is the current key');
    const store = await openStore();
    const { resealed } = await store.db
      .transaction()
      .execute((trx) => rotateSecretKey(trx, new Secrets(oldKey), new Secrets(newKey)));
    if (options.json) {
      out(JSON.stringify({ resealed }));
      return;
    }
    const counts = Object.entries(resealed).map(([column, count]) => `${count} in ${column}`);
    out(`re-encrypted ${counts.length === 0 ? 'nothing (no sealed values)' : counts.join(', ')}`);
    out(
      'now give every server the new key as CALLGATE_SECRET_KEY and restart it; recording URLs signed with the old key stop working',
    );
  },
};

function readKey(env: NodeJS.ProcessEnv, named: unknown, fallback: string): Buffer {
  const name = typeof named === 'string' && named !== '' ? named : fallback;
  const text = env[name];
  if (text === undefined || text === '') throw new UsageError(`${name} is not set`);
  try {
    return parseSecretKey(text);
  } catch {
    throw new UsageError(`${name} must hold at least 32 bytes, base64 or hex`);
  }
}
