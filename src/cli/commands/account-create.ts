import { createAccount } from '../../telephony/accounts.js';
import { type Command, requireOption } from '../command.js';

export const accountCreate: Command = {
  name: 'account create',
  usage:
    'account create --id ID --name NAME --plan PLAN [--edition cloud|on-premise] [--country US]',
  summary: 'create an account with the default roles and assignments',
  options: {
    id: { type: 'string' },
    name: { type: 'string' },
    plan: { type: 'string' },
    edition: { type: 'string' },
    country: { type: 'string' },
  },
  async run({ options, openStore, out }) {
    const input = {
      id: requireOption(options, 'id'),
      name: requireOption(options, 'name'),
      plan: requireOption(options, 'plan'),
      edition: typeof options.edition === 'string' ? options.edition : 'cloud',
      defaultCountry: typeof options.country === 'string' ? options.country : 'US',
    };
    const store = await openStore();
    const account = await store.db.transaction().execute((trx) => createAccount(trx, input, 'cli'));
    if (options.json) out(JSON.stringify(account));
    else
      out(
        `account ${account.id} created (${account.plan}, ${account.edition}, ${account.defaultCountry})`,
      );
  },
};
