/**
 * The child of test/postgres-gc.test.ts: stores calls in the database at argv[2], reads a
 * page of them over and over, and prints `pages` before the reads, so that the V8 trace
 * it runs under (`--trace-gc-nvp`) can be told apart from the setup's.
 */
import { insertCalls, listCalls } from '../src/store/calls.js';
import { openStore } from '../src/store/database.js';
import { createAccount } from '../src/telephony/accounts.js';
import { callRecord } from './fixtures.js';

const [url, pages] = [process.argv[2]!, Number(process.argv[3])];
const store = await openStore(url);
await store.db
  .transaction()
  .execute((trx) =>
    createAccount(trx, { id: 'gc', name: 'gc', plan: 'standard' }, 'operator', Date.now()),
  );
const start = Date.UTC(2026, 9, 1);
const calls = Array.from({ length: 500 }, (_, i) =>
  callRecord(`call-${String(i).padStart(4, '0')}`, start + i * 60_000, `u${i % 7}`),
);
await insertCalls(store.db, 'gc', calls);
const page = () => listCalls(store.db, 'gc', { kind: 'any' }, { limit: 50 });
// Warmed first: the optimised code allocates as it will in the loop.
for (let i = 0; i < 200; i++) await page();
console.log('pages');
for (let i = 0; i < pages; i++) await page();
await store.close();
