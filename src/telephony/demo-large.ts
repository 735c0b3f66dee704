import type { DirectoryDocument } from '../directory/schema.js';
import { type CallRecord, insertCalls } from '../store/calls.js';
import { type Executor, analyze } from '../store/database.js';
import { DEMO_ACCOUNT_ID, DEMO_DIRECTORY, seedDemo } from './demo.js';
import { importDirectory } from './directory.js';

export interface LargeDemoSize {
  readonly users: number;
  readonly calls: number;
}

/** What `serve --demo large` builds: the "large demo". */
export const LARGE_DEMO: LargeDemoSize = { users: 2_000, calls: 1_000_000 };

const TEAM_PARENTS = ['sales-east', 'sales-west', 'support'] as const;

/**
 * The demo company grown to `size`: the same people and roles, plus generated colleagues in
 * teams under Sales East, Sales West and Support, and a month of calls among everyone.
 * Deterministic (a fixed pattern, no randomness), so every machine measures the same data.
 * Returns false when the demo account already exists.
 */
export async function seedLargeDemo(
  db: Executor,
  now: number,
  size: LargeDemoSize = LARGE_DEMO,
): Promise<boolean> {
  if (!(await seedDemo(db, now, 0))) return false;
  await growDemo(db, now, size);
  return true;
}

/**
 * The demo account (already seeded) grown to `size`: the generated colleagues and their
 * month of calls, as `seedLargeDemo` adds them (the browser journeys start from the demo).
 * The calls are numbered in order of time, `call-0000001` the oldest.
 */
export async function growDemo(
  db: Executor,
  now: number,
  size: LargeDemoSize = LARGE_DEMO,
): Promise<void> {
  const extra = size.users - DEMO_DIRECTORY.users.length;
  const teams = Array.from({ length: Math.max(1, Math.ceil(extra / 50)) }, (_, i) => ({
    id: `team-${i + 1}`,
    name: `Team ${i + 1}`,
    parentId: TEAM_PARENTS[i % TEAM_PARENTS.length]!,
    headUserId: null,
  }));
  const generated = Array.from({ length: extra }, (_, i) => ({
    id: `user-${i + 1}`,
    name: `Colleague ${i + 1}`,
    email: `user-${i + 1}@northwind.example`,
    departmentIds: [teams[i % teams.length]!.id],
    phones: { extension: String(2000 + i) },
  }));
  const directory: DirectoryDocument = {
    ...DEMO_DIRECTORY,
    departments: [...DEMO_DIRECTORY.departments, ...teams],
    users: [...DEMO_DIRECTORY.users, ...generated],
  };
  await importDirectory(db, DEMO_ACCOUNT_ID, directory, 'system', now);
  const people = directory.users.map((u) => u.id);
  const batch: CallRecord[] = [];
  // Numbered in order of time, as the calls are stored (see oldestFirst).
  for (const [n, i] of oldestFirst(size.calls).entries()) {
    const answered = i % 9 !== 0;
    batch.push({
      id: `call-${String(n + 1).padStart(7, '0')}`,
      userId: i % 17 === 0 ? null : people[(i * 7919) % people.length]!,
      direction: (['inbound', 'outbound', 'outbound', 'callback'] as const)[i % 4]!,
      phoneNumber: `+1415555${String(200 + (i % 700)).padStart(4, '0')}`,
      lineNumber: null,
      startedAt: new Date(now - secondsAgo(i) * 1000).toISOString(),
      durationSec: answered ? 20 + ((i * 37) % 900) : 0,
      status: answered ? 'answered' : 'missed',
      cost: answered ? Math.round(((i * 37) % 900) * 2) / 10_000 : 0,
      currency: 'USD',
      crm: null,
      recordingRef: null,
    });
    if (batch.length === BATCH) await insertCalls(db, DEMO_ACCOUNT_ID, batch.splice(0));
  }
  if (batch.length > 0) await insertCalls(db, DEMO_ACCOUNT_ID, batch);
  await analyze(db);
}

const MONTH_SECONDS = 30 * 24 * 3600;

/**
 * Calls stored at a time. Oldest first, a batch spans a day or two, so its daily totals
 * (one upsert per owner and day among them) are few: a batch of 5,000 needed about as many
 * upserts as calls.
 */
const BATCH = 50_000;

/** How long before `now` the `i`th generated call started: a fixed scatter over the month. */
const secondsAgo = (i: number): number => (i * 104_729) % MONTH_SECONDS;

/**
 * The numbers 0 … count-1 of the generated calls, oldest call first (ties by number).
 *
 * Stored in this order, every index of `calls` grows at its end (time, id and `seq` all
 * rise together) or at one of a few thousand points (per owner, per duration, per cost),
 * instead of taking each row at a random place: in SQLite the pages being written stay in
 * the page cache, and a million calls load in a third of the time (260 s → 93 s).
 */
function oldestFirst(count: number): Uint32Array {
  // One number per call that sorts as wanted: most seconds ago first, then the call's number.
  const keys = Float64Array.from(
    { length: count },
    (_, i) => (MONTH_SECONDS - secondsAgo(i)) * count + i,
  ).sort();
  return Uint32Array.from(keys, (key) => key % count);
}
