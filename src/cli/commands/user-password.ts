import { setPassword } from '../../telephony/credentials.js';
import { type Command, UsageError, requireOption } from '../command.js';
import { readInputFile } from '../read-input.js';

export const userPassword: Command = {
  name: 'user password',
  usage: 'user password --account ID --user ID --password-file PATH|- (or --password TEXT)',
  summary:
    "set a user's password for signing in to the web app (ends their open sessions); --password-file - reads it from standard input",
  options: {
    user: { type: 'string' },
    password: { type: 'string' },
    'password-file': { type: 'string' },
  },
  async run({ options, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const userId = requireOption(options, 'user');
    const file = options['password-file'];
    if (typeof file === 'string' && options.password !== undefined)
      throw new UsageError('give --password-file or --password, not both');
    // A password on the command line is visible to `ps` and kept in shell history: a file
    // or standard input keeps it out of both. The line's end is not part of it.
    const password =
      typeof file === 'string'
        ? (await readInputFile(file)).replace(/\r?\n$/, '')
        : requireOption(options, 'password');
    const store = await openStore();
    await store.db
      .transaction()
      .execute((trx) => setPassword(trx, accountId, userId, password, Date.now()));
    out(`password set for ${userId}`);
  },
};
