import { setPassword } from '../../telephony/credentials.js';
import { type Command, requireOption } from '../command.js';

export const userPassword: Command = {
  name: 'user password',
  usage: 'user password --account ID --user ID --password TEXT',
  summary: "set a user's password for signing in to the web app (ends their open sessions)",
  options: { user: { type: 'string' }, password: { type: 'string' } },
  async run({ options, openStore, out }) {
    const accountId = requireOption(options, 'account');
    const userId = requireOption(options, 'user');
    const password = requireOption(options, 'password');
    const store = await openStore();
    await store.db
      .transaction()
      .execute((trx) => setPassword(trx, accountId, userId, password, Date.now()));
    out(`password set for ${userId}`);
  },
};
