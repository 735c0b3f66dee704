/**
 * The child of test/postgres-gc.test.ts: stores calls in the database at argv[2], reads a
 * page of them over and over, and prints `pages` before the reads, so that the V8 trace
 * it runs under (`--trace-gc-nvp`) can be told apart from the setup's.
 */
import { type CallRecord, insertCalls, listCalls } from '../src/store/calls.js';
import { openStore } from '../src/store/database.js';

const [url, pages] = [process.argv[2]!, Number(process.argv[3])];
const store = await openStore(url);
await store.db
  .insertInto('accounts')
  .values({
    id: 'gc',
    name: 'gc',
    plan: 'business',
    edition: 'standard',
    default_country: 'US',
    created_at: 0,
    policy_version: 0,
    assignments_version: 0,
    directory_version: 0,
  })
  .execute();
const start = Date.UTC(2026, 9, 1);
const calls = Array.from({ length: 500 }, (_, i): CallRecord => ({
  id: `call-${String(i).padStart(4, '0')}`,
  userId: `u${i % 7}`,
  direction: 'inbound',
  phoneNumber: '+12125550100',
  lineNumber: null,
  startedAt: new Date(start + i * 60_000).toISOString(),
  durationSec: 30,
  status: 'answered',
  cost: 0.5,
  currency: 'USD',
  crm: null,
  recordingRef: null,
}));
await insertCalls(store.db, 'gc', calls);
const page = () => listCalls(store.db, 'gc', { kind: 'any' }, { limit: 50 });
// Warmed first: the optimised code allocates as it will in the loop.
for (let i = 0; i < 200; i++) await page();
console.log('pages');
for (let i = 0; i < pages; i++) await page();
await store.close();
