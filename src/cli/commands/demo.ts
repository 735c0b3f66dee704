import { DEMO_ACCOUNT_ID, seedDemo } from '../../telephony/demo.js';
import { seedDemoRecordings } from '../../telephony/demo-audio.js';
import type { Command } from '../command.js';

export const demo: Command = {
  name: 'demo',
  usage: 'demo [--db PATH] [--data-dir ./data]',
  summary:
    'create the demo company (account "demo"): people, roles, numbers, a month of calls, recordings',
  options: { 'data-dir': { type: 'string' } },
  async run({ options, io, openStore, out }) {
    const store = await openStore();
    const now = Date.now();
    const created = await store.db.transaction().execute((trx) => seedDemo(trx, now));
    if (!created) {
      out(`account "${DEMO_ACCOUNT_ID}" already exists; left as it is`);
      return;
    }
    const dataDir =
      typeof options['data-dir'] === 'string'
        ? options['data-dir']
        : (io.env.CALLGATE_DATA_DIR ?? './data');
    const recordings = await seedDemoRecordings({ db: store.db, dataDir, now });
    out(
      `demo company created: account "${DEMO_ACCOUNT_ID}", ${recordings} recordings under ${dataDir}`,
    );
  },
};
