import { DEMO_ACCOUNT_ID, seedDemo } from '../../telephony/demo.js';
import type { Command } from '../command.js';

export const demo: Command = {
  name: 'demo',
  usage: 'demo [--db PATH]',
  summary: 'create the demo company (account "demo") with its people, roles and a month of calls',
  options: {},
  async run({ openStore, out }) {
    const store = await openStore();
    const created = await store.db.transaction().execute((trx) => seedDemo(trx));
    out(
      created
        ? `demo company created: account "${DEMO_ACCOUNT_ID}"`
        : `account "${DEMO_ACCOUNT_ID}" already exists; left as it is`,
    );
  },
};
