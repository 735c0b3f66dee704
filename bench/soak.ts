/**
 * Issue 6, point 2: load and soak. Drives a running server (bench/soak-server.ts: the real
 * `startServer` in a child process, real sockets on 127.0.0.1) with a realistic mix from
 * many concurrent keep-alive clients for a bounded time, and proves:
 *
 * - no 5xx and no failed request;
 * - no wrong answer: sampled checks, outbound decisions, PBX answers, recording plays,
 *   call-list pages and statistics are compared with the engine's own decision, made
 *   offline from the policy loaded from the store (`loadPolicyState` + `decide`/`explain`);
 * - memory flat: the server's heap after a forced collection, sampled at intervals, grows
 *   no more than a bound from the first third of the run to the last;
 * - p50/p95/p99 per request kind, requests/s, statuses.
 *
 * Role changes interleave with the load, so an answer depends on the policy in force. The
 * comparison is sound by versions: the driver reads `accounts.policy_version` before a
 * sampled request and after its answer, and compares only when both are the same (every
 * change bumps it in the change's transaction, so the server decided on that version);
 * it compares against the policy of that very version, loaded in one read transaction and
 * kept only if the loaded account still says that version. Samples taken across a change
 * are counted, not compared.
 *
 *   node dist/bench/soak.js [--duration 600] [--clients 48] [--postgres | --db URL]
 *                           [--calls 5000] [--verify 0.5] [--role-change-ms 1000]
 *                           [--out bench/soak-results.md]
 *
 * `npm run soak` runs it for 10 minutes on SQLite; test/soak.test.ts runs short rounds.
 */
import { type ChildProcess, fork } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  PERMISSION_KEYS,
  type PermissionKey,
  isScopedPermission,
} from '../src/engine/catalogue.js';
import { decide } from '../src/engine/decide.js';
import { levelOf, mayAdministerPermissions } from '../src/engine/effective.js';
import { explain } from '../src/engine/explain.js';
import { findCallOwners } from '../src/store/calls.js';
import { type Store, openStore } from '../src/store/database.js';
import { DEMO_ACCOUNT_ID, DEMO_DIRECTORY, seedDemo } from '../src/telephony/demo.js';
import { generateDemoWav, seedDemoRecordings } from '../src/telephony/demo-audio.js';
import { type PolicyState, loadPolicyState } from '../src/telephony/policy.js';
import { createApp, mintToken } from '../src/telephony/tokens.js';
import { machineLine } from './results.js';
import type {
  SoakFault,
  SoakServerConfig,
  SoakServerMessage,
  SoakServerRequest,
} from './soak-server.js';

const ACCOUNT = DEMO_ACCOUNT_ID;
const APP_ID = 'soak-pbx';
/** Every how many answered calls has a recording: a few dozen are plenty to seek in. */
const RECORDING_EVERY = 40;

export const SOAK_KINDS = [
  'check',
  'calls.first',
  'calls.next',
  'stats',
  'recording',
  'outbound',
  'pbx',
  'ingest',
  'role-change',
] as const;
export type SoakKind = (typeof SOAK_KINDS)[number];

/** How often each kind is drawn by a client (role changes run on their own timer). */
const MIX: readonly (readonly [Exclude<SoakKind, 'calls.next' | 'role-change'>, number])[] = [
  ['check', 30],
  ['calls.first', 18],
  ['stats', 8],
  ['recording', 12],
  ['outbound', 6],
  ['pbx', 14],
  ['ingest', 6],
];

export interface SoakOptions {
  readonly durationSeconds: number;
  readonly clients: number;
  /** The database: a SQLite file path or a postgres:// URL (with ?schema=); empty is seeded. */
  readonly db: string;
  /** Calls in the demo company before the load starts. */
  readonly calls?: number;
  /** The share of answers compared with the engine (0–1). */
  readonly verifyShare?: number;
  /** One role or assignment change every this many milliseconds. */
  readonly roleChangeMs?: number;
  /**
   * Memory samples every this many milliseconds (default: about 40 over the run, 1.5 s at
   * least). Each forces a full collection in the server, which costs it throughput.
   */
  readonly memoryEveryMs?: number;
  /** Heap growth allowed from the first third to the last, at least (bytes). */
  readonly heapSlackBytes?: number;
  /** Faults injected into the server: the self-test that proves the soak can fail. */
  readonly faults?: readonly SoakFault[];
  readonly seed?: number;
  readonly log?: (message: string) => void;
}

export interface KindFigures {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
  readonly statuses: Readonly<Record<string, number>>;
}

export interface MemorySample {
  /** Seconds since the load started. */
  readonly at: number;
  readonly heapUsed: number;
  readonly rss: number;
  /** The longest stall of the server's and of the driver's event loop since the last sample. */
  readonly serverLoopDelayMaxMs: number;
  readonly driverLoopDelayMaxMs: number;
  /** How long the server's forced collection for this sample took. */
  readonly gcMs: number;
}

export interface MemoryVerdict {
  readonly samples: readonly MemorySample[];
  /** Median heap of the first and last third of the samples after the warm-up. */
  readonly firstThird: number;
  readonly lastThird: number;
  readonly growth: number;
  readonly bound: number;
  /** Least-squares slope of the heap after the warm-up, bytes per minute. */
  readonly slopePerMinute: number;
  readonly rssFirst: number;
  readonly rssLast: number;
  readonly flat: boolean;
}

export interface SoakReport {
  readonly dialect: 'sqlite' | 'postgres';
  readonly durationSeconds: number;
  readonly clients: number;
  readonly totalRequests: number;
  readonly requestsPerSecond: number;
  readonly kinds: Readonly<Record<SoakKind, KindFigures>>;
  /** Responses with a 5xx status. */
  readonly serverErrors: number;
  /** Requests that failed without an answer (reset, timeout). */
  readonly transportErrors: number;
  /** Answers compared with the engine, and of those the wrong ones. */
  readonly verified: number;
  readonly wrong: number;
  /** Sampled answers not compared because the policy changed while they were in flight. */
  readonly skippedAcrossChange: number;
  readonly roleChanges: number;
  readonly policyVersions: { readonly first: number; readonly last: number };
  /** The first problems seen (5xx, transport errors, wrong answers), for the failure message. */
  readonly problems: readonly string[];
  readonly memory: MemoryVerdict;
}

// ---------------------------------------------------------------------------------------
// The company

interface Actor {
  readonly userId: string;
  readonly token: string;
}

interface World {
  readonly url: string;
  readonly actors: readonly Actor[];
  readonly admin: Actor;
  readonly appToken: string;
  /** Owner of each seeded call (null: no employee); seeded calls never change owner. */
  readonly owners: ReadonlyMap<string, string | null>;
  readonly callIds: readonly string[];
  /** The audio each seeded recording must play, by call id. */
  readonly recordings: ReadonlyMap<string, Buffer>;
  readonly recordingIds: readonly string[];
}

/** Users the check and PBX questions are about: everyone, the inactive one too. */
const USER_IDS = DEMO_DIRECTORY.users.map((u) => u.id);
const ACTIVE_USER_IDS = DEMO_DIRECTORY.users.filter((u) => u.active !== false).map((u) => u.id);
/** Destinations: CRM clients, employees, an extension, strangers, a blocked and a bad number. */
const DESTINATIONS = [
  ...DEMO_DIRECTORY.crmClients!.flatMap((c) => c.phones),
  '+14155550110',
  '+14155550112',
  '+14155550113',
  '121',
  '131',
  '+14155550299',
  '+14155557000',
  '+442079460000',
  '+19005550100',
  'not a number',
  // An emergency number (allowed to anyone, audited) and a dial string with a post-dial part.
  '911',
  '+14155550110,,1900',
];
const PBX_CALLERS = [
  ...DEMO_DIRECTORY.users.flatMap((u) => [u.id, u.phones?.extension ?? u.id]),
  '999',
  'nobody',
];

/** Seeds the demo company (calls, recordings), an application and a token per actor. */
async function prepareCompany(
  store: Store,
  dataDir: string,
  calls: number,
): Promise<Omit<World, 'url'>> {
  const db = store.db;
  const now = Date.now();
  await db.transaction().execute((trx) => seedDemo(trx, now, calls, { passwords: false }));
  await seedDemoRecordings({ db, dataDir, now, every: RECORDING_EVERY });
  const tokens = await db.transaction().execute(async (trx) => {
    await createApp(
      trx,
      ACCOUNT,
      { id: APP_ID, name: 'Soak PBX', scopes: ['pbx', 'calls.write'] },
      now,
    );
    const minted: Record<string, string> = {};
    for (const userId of ACTIVE_USER_IDS) {
      minted[userId] = (await mintToken(trx, ACCOUNT, { userId }, 'operator', now)).token;
    }
    minted[APP_ID] = (
      await mintToken(trx, ACCOUNT, { userId: 'ada', appId: APP_ID }, 'operator', now)
    ).token;
    return minted;
  });
  const rows = await db
    .selectFrom('calls')
    .select(['id', 'user_id', 'status'])
    .where('account_id', '=', ACCOUNT)
    .orderBy('id')
    .execute();
  // The same choice as seedDemoRecordings: every n-th answered call, the i-th chosen gets seed i.
  const answered = rows.filter((r) => r.status === 'answered').map((r) => r.id);
  const recordings = new Map<string, Buffer>();
  answered.forEach((id, i) => {
    if (i % RECORDING_EVERY === 0) recordings.set(id, generateDemoWav(i / RECORDING_EVERY));
  });
  const actors = ACTIVE_USER_IDS.map((userId) => ({ userId, token: tokens[userId]! }));
  return {
    actors,
    admin: actors.find((a) => a.userId === 'ada')!,
    appToken: tokens[APP_ID]!,
    owners: new Map(rows.map((r) => [r.id, r.user_id])),
    callIds: rows.map((r) => r.id),
    recordings,
    recordingIds: [...recordings.keys()],
  };
}

// ---------------------------------------------------------------------------------------
// The oracle: the engine's own decision, from the policy of one stored version

class Oracle {
  readonly #snapshots = new Map<number, Promise<PolicyState | undefined>>();

  constructor(private readonly store: Store) {}

  async version(): Promise<number> {
    const row = await this.store.db
      .selectFrom('accounts')
      .select('policy_version')
      .where('id', '=', ACCOUNT)
      .executeTakeFirstOrThrow();
    return row.policy_version;
  }

  /** The policy as of `version`, or undefined if the store has already moved past it. */
  at(version: number): Promise<PolicyState | undefined> {
    let snapshot = this.#snapshots.get(version);
    if (snapshot === undefined) {
      snapshot = this.#load(version);
      this.#snapshots.set(version, snapshot);
      // Versions only grow: the old ones are not asked for again.
      for (const key of this.#snapshots.keys()) if (key < version - 4) this.#snapshots.delete(key);
    }
    return snapshot;
  }

  async #load(version: number): Promise<PolicyState | undefined> {
    const transaction =
      this.store.dialect === 'postgres'
        ? this.store.db.transaction().setIsolationLevel('repeatable read')
        : this.store.db.transaction();
    // One read transaction: directory, roles and assignments of one moment, not a mix.
    const state = await transaction.execute((trx) => loadPolicyState(trx, ACCOUNT));
    return state.account.policyVersion === version ? state : undefined;
  }

  owners(ids: readonly string[]): Promise<Map<string, string | null>> {
    return findCallOwners(this.store.db, ACCOUNT, ids);
  }
}

// ---------------------------------------------------------------------------------------
// Requests and what the answers must be

interface Answer {
  readonly status: number;
  readonly headers: Headers;
  readonly json: unknown;
  readonly bytes: Buffer | undefined;
}

/** What one request needs checked: undefined when right, else what was wrong. */
type Judge = (
  answer: Answer,
  state: PolicyState,
) => Promise<string | undefined> | string | undefined;

interface Planned {
  readonly kind: SoakKind;
  readonly method: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly token: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** Statuses that are right whatever the policy (the oracle narrows them when sampled). */
  readonly statuses: readonly number[];
  readonly judge?: Judge;
  readonly binary?: boolean;
}

type Rng = () => number;

/** mulberry32: a fixed sequence per seed, so a run can be repeated. */
function makeRng(seed: number): Rng {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)]!;

/** SPEC §8 "may administer permissions", which is no account administrator: it shows no call. */
const administersPermissions = (state: PolicyState, userId: string) =>
  mayAdministerPermissions(state.policy, userId);

const errorCode = (answer: Answer): string | undefined =>
  (answer.json as { error?: { code?: string } } | undefined)?.error?.code;

function expectStatus(answer: Answer, status: number, what: string): string | undefined {
  return answer.status === status
    ? undefined
    : `${what}: expected ${status}, got ${answer.status} ${JSON.stringify(answer.json)}`;
}

/** POST /permissions/check: the route's rules (API.md "Check") around the engine's decide. */
function planCheck(rng: Rng, world: World, actor: Actor): Planned {
  const scoped = PERMISSION_KEYS.filter(isScopedPermission);
  const r = rng();
  let body: {
    userId?: string;
    permission: PermissionKey;
    callId?: string;
    targetUserId?: string;
    phoneNumber?: string;
    explain?: boolean;
  };
  if (r < 0.25) body = { permission: pick(rng, PERMISSION_KEYS) };
  else if (r < 0.5) body = { permission: pick(rng, scoped), callId: pick(rng, world.callIds) };
  else if (r < 0.7)
    body = { permission: 'outboundCall.perform', phoneNumber: pick(rng, DESTINATIONS) };
  else {
    // About another user: only administrators of permissions may ask.
    body = {
      userId: pick(rng, USER_IDS),
      permission: pick(rng, scoped),
      targetUserId: pick(rng, USER_IDS),
    };
  }
  if (rng() < 0.3) body = { ...body, explain: true };
  const judge: Judge = (answer, state) => {
    const userId = body.userId ?? actor.userId;
    const admin = administersPermissions(state, actor.userId);
    const what = `check ${JSON.stringify(body)} as ${actor.userId}`;
    if (userId !== actor.userId && !admin) return expectStatus(answer, 403, what);
    let target: string | null | undefined = body.targetUserId;
    if (body.callId !== undefined) {
      const owner = world.owners.get(body.callId)!;
      const visible = decide(state.policy, {
        userId: actor.userId,
        permission: 'callStats.view',
        targetUserId: owner,
      }).allowed;
      // A call the asker does not see is 404 whoever the check is about (issue 10.1).
      if (!visible) return expectStatus(answer, 404, what);
      target = owner;
    }
    if (body.targetUserId !== undefined && !state.policy.users.has(body.targetUserId))
      return expectStatus(answer, 404, what);
    const expected = decide(state.policy, {
      userId,
      permission: body.permission,
      ...(target !== undefined && { targetUserId: target }),
      ...(body.phoneNumber !== undefined && { phoneNumber: body.phoneNumber }),
    });
    const got = answer.json as { allowed?: unknown; level?: unknown };
    if (answer.status !== 200 || got.allowed !== expected.allowed || got.level !== expected.level)
      return `${what}: engine says ${JSON.stringify(expected)}, server ${answer.status} ${JSON.stringify(answer.json)}`;
    return undefined;
  };
  return {
    kind: 'check',
    method: 'POST',
    path: '/api/v1/permissions/check',
    token: actor.token,
    body,
    statuses: [200, 403, 404],
    judge,
  };
}

interface CallItem {
  readonly id: string;
  readonly userId: string | null;
  readonly startedAt: string;
}

/** A call-list page must hold only calls the actor's callStats.view reaches, newest first. */
function judgeCallPage(oracle: Oracle, actor: Actor, what: string): Judge {
  return async (answer, state) => {
    if (levelOf(state.policy, actor.userId, 'callStats.view') === 'none')
      return expectStatus(answer, 403, what);
    if (answer.status !== 200)
      return `${what}: expected 200, got ${answer.status} ${JSON.stringify(answer.json)}`;
    const items = (answer.json as { items: CallItem[] }).items;
    const stored = await oracle.owners(items.map((i) => i.id));
    let previous = Number.POSITIVE_INFINITY;
    for (const item of items) {
      if (!stored.has(item.id)) return `${what}: call ${item.id} is not in the store`;
      if (stored.get(item.id) !== item.userId)
        return `${what}: call ${item.id} shown as ${item.userId}'s, stored as ${stored.get(item.id)}'s`;
      if (
        !decide(state.policy, {
          userId: actor.userId,
          permission: 'callStats.view',
          targetUserId: item.userId,
        }).allowed
      )
        return `${what}: call ${item.id} of ${item.userId ?? 'no employee'} is outside ${actor.userId}'s scope`;
      const at = Date.parse(item.startedAt);
      if (at > previous) return `${what}: call ${item.id} is out of order`;
      previous = at;
    }
    return undefined;
  };
}

function planCalls(rng: Rng, oracle: Oracle, actor: Actor, cursors: Map<string, string>): Planned {
  const cursor = cursors.get(actor.userId);
  const next = cursor !== undefined && rng() < 0.5;
  const limit = pick(rng, [20, 50, 100]);
  const query = new URLSearchParams({ limit: String(limit) });
  if (next) query.set('cursor', cursor);
  else if (rng() < 0.2) query.set('direction', pick(rng, ['inbound', 'outbound', 'callback']));
  const kind: SoakKind = next ? 'calls.next' : 'calls.first';
  const what = `GET /calls?${query.toString()} as ${actor.userId}`;
  return {
    kind,
    method: 'GET',
    path: `/api/v1/calls?${query.toString()}`,
    token: actor.token,
    statuses: [200, 403],
    judge: judgeCallPage(oracle, actor, what),
  };
}

function planStats(rng: Rng, actor: Actor): Planned {
  const groupBy = pick(rng, ['user', 'day', undefined]);
  const from = new Date(Date.now() - pick(rng, [1, 7, 30]) * 86_400_000).toISOString();
  const query = new URLSearchParams({ from, ...(groupBy !== undefined && { groupBy }) });
  const what = `GET /calls/stats?${query.toString()} as ${actor.userId}`;
  const judge: Judge = (answer, state) => {
    if (levelOf(state.policy, actor.userId, 'callStats.view') === 'none')
      return expectStatus(answer, 403, what);
    if (answer.status !== 200) return `${what}: expected 200, got ${answer.status}`;
    const stats = answer.json as {
      totals: { count: number };
      groups: { key: string | null; count: number }[];
    };
    if (groupBy === 'user') {
      for (const group of stats.groups) {
        if (
          !decide(state.policy, {
            userId: actor.userId,
            permission: 'callStats.view',
            targetUserId: group.key,
          }).allowed
        )
          return `${what}: a group of ${group.key ?? 'no employee'} is outside ${actor.userId}'s scope`;
      }
    }
    if (groupBy !== undefined) {
      const sum = stats.groups.reduce((n, g) => n + g.count, 0);
      if (sum !== stats.totals.count)
        return `${what}: groups add up to ${sum}, totals say ${stats.totals.count}`;
    }
    return undefined;
  };
  return {
    kind: 'stats',
    method: 'GET',
    path: `/api/v1/calls/stats?${query.toString()}`,
    token: actor.token,
    statuses: [200, 403],
    judge,
  };
}

/** A recording played with a Range, as a player seeks: the bytes must be the stored audio's. */
function planRecording(rng: Rng, world: World, actor: Actor): Planned {
  const callId = pick(rng, world.recordingIds);
  const audio = world.recordings.get(callId)!;
  const size = audio.length;
  const a = Math.floor(rng() * (size - 1));
  const b = Math.min(size - 1, a + Math.floor(rng() * 65_536));
  const r = rng();
  const [range, start, end] =
    r < 0.3
      ? [`bytes=0-1023`, 0, 1023]
      : r < 0.6
        ? [`bytes=${a}-${b}`, a, b]
        : r < 0.8
          ? [`bytes=${a}-`, a, size - 1]
          : [`bytes=-4096`, size - 4096, size - 1];
  const what = `GET /calls/${callId}/recording (${range}) as ${actor.userId}`;
  const judge: Judge = (answer, state) => {
    const owner = world.owners.get(callId)!;
    const may = decide(state.policy, {
      userId: actor.userId,
      permission: 'recording.listen',
      targetUserId: owner,
    }).allowed;
    if (!may) {
      return answer.status === 403 || answer.status === 404
        ? undefined
        : `${what}: the engine refuses, the server answered ${answer.status}`;
    }
    if (answer.status !== 206)
      return `${what}: the engine allows, the server answered ${answer.status} ${JSON.stringify(answer.json)}`;
    const contentRange = answer.headers.get('content-range');
    if (contentRange !== `bytes ${start}-${end}/${size}`)
      return `${what}: Content-Range ${contentRange}`;
    if (answer.bytes === undefined || !answer.bytes.equals(audio.subarray(start, end + 1)))
      return `${what}: the bytes differ from the recording's`;
    return undefined;
  };
  return {
    kind: 'recording',
    method: 'GET',
    path: `/api/v1/calls/${callId}/recording`,
    token: actor.token,
    headers: { range },
    statuses: [206, 403, 404],
    judge,
    binary: true,
  };
}

/** POST /calls/outbound: the engine's explain decides, classification included. */
function planOutbound(rng: Rng, actor: Actor): Planned {
  const to = pick(rng, DESTINATIONS);
  const what = `POST /calls/outbound ${to} as ${actor.userId}`;
  const judge: Judge = (answer, state) => {
    const expected = explain(state.policy, {
      userId: actor.userId,
      permission: 'outboundCall.perform',
      phoneNumber: to,
    });
    if (expected.allowed) {
      const got = answer.json as { classification?: string };
      return answer.status === 201 && got.classification === expected.classification
        ? undefined
        : `${what}: engine allows (${expected.classification}), server ${answer.status} ${JSON.stringify(answer.json)}`;
    }
    return answer.status === 403 && errorCode(answer) === 'destination_not_allowed'
      ? undefined
      : `${what}: engine refuses (${expected.classification}), server ${answer.status} ${JSON.stringify(answer.json)}`;
  };
  return {
    kind: 'outbound',
    method: 'POST',
    path: '/api/v1/calls/outbound',
    token: actor.token,
    body: { to },
    statuses: [201, 403],
    judge,
  };
}

/** GET /pbx/authorize: the caller as the PBX names it (extension, then user id), then explain. */
function planPbx(rng: Rng, world: World): Planned {
  const from = pick(rng, PBX_CALLERS);
  const to = pick(rng, DESTINATIONS);
  const query = new URLSearchParams({ from, to });
  const what = `GET /pbx/authorize?${query.toString()}`;
  const judge: Judge = (answer, state) => {
    const caller =
      state.policy.phoneBook.extensions.get(from) ??
      (state.policy.users.has(from) ? from : undefined);
    const got = answer.json as {
      allowed?: boolean;
      classification?: string;
      userId?: string | null;
    };
    if (answer.status !== 200) return `${what}: expected 200, got ${answer.status}`;
    // An unknown caller is asked about under the name the PBX gave (no user has it): refused,
    // but for emergency numbers, which anyone may call (SPEC §5 rule 1).
    const expected = explain(state.policy, {
      userId: caller ?? from,
      permission: 'outboundCall.perform',
      phoneNumber: to,
    });
    return got.allowed === expected.allowed &&
      got.classification === expected.classification &&
      got.userId === (caller ?? null)
      ? undefined
      : `${what}: engine says ${caller} ${expected.allowed ? 'may' : 'may not'} (${expected.classification}), server ${JSON.stringify(got)}`;
  };
  return {
    kind: 'pbx',
    method: 'GET',
    path: `/api/v1/pbx/authorize?${query.toString()}`,
    token: world.appToken,
    statuses: [200],
    judge,
  };
}

/** POST /calls: a PBX's batch of finished calls. */
function planIngest(rng: Rng, world: World, ids: { next: number; run: string }): Planned {
  const count = 1 + Math.floor(rng() * 10);
  const items = Array.from({ length: count }, () => {
    const answered = rng() < 0.8;
    return {
      id: `soak-${ids.run}-${ids.next++}`,
      userId: rng() < 0.05 ? null : pick(rng, ACTIVE_USER_IDS),
      direction: pick(rng, ['inbound', 'outbound', 'callback'] as const),
      phoneNumber: pick(
        rng,
        DESTINATIONS.filter((d) => d.startsWith('+')),
      ),
      startedAt: new Date(Date.now() - Math.floor(rng() * 30 * 86_400_000)).toISOString(),
      durationSec: answered ? 10 + Math.floor(rng() * 900) : 0,
      status: answered ? 'answered' : 'missed',
      cost: answered ? Math.round(rng() * 200) / 100 : 0,
      currency: 'USD',
    };
  });
  const judge: Judge = (answer) => {
    const got = answer.json as { imported?: number };
    return answer.status === 201 && got.imported === count
      ? undefined
      : `POST /calls (${count} calls): ${answer.status} ${JSON.stringify(answer.json)}`;
  };
  return {
    kind: 'ingest',
    method: 'POST',
    path: '/api/v1/calls',
    token: world.appToken,
    body: { items },
    statuses: [201],
    judge,
  };
}

// ---------------------------------------------------------------------------------------
// The run

class Recorder {
  readonly latencies = new Map<SoakKind, number[]>(SOAK_KINDS.map((k) => [k, []]));
  readonly statuses = new Map<SoakKind, Map<string, number>>(SOAK_KINDS.map((k) => [k, new Map()]));
  readonly problems: string[] = [];
  serverErrors = 0;
  transportErrors = 0;
  verified = 0;
  wrong = 0;
  skippedAcrossChange = 0;
  roleChanges = 0;

  status(kind: SoakKind, status: string): void {
    const counts = this.statuses.get(kind)!;
    counts.set(status, (counts.get(status) ?? 0) + 1);
  }

  problem(message: string): void {
    if (this.problems.length < 50) this.problems.push(message);
  }
}

async function send(
  world: World,
  planned: Planned,
  recorder: Recorder,
): Promise<Answer | undefined> {
  const started = performance.now();
  try {
    const response = await fetch(`${world.url}${planned.path}`, {
      method: planned.method,
      headers: {
        authorization: `Bearer ${planned.token}`,
        ...(planned.body !== undefined && { 'content-type': 'application/json' }),
        ...planned.headers,
      },
      ...(planned.body !== undefined && { body: JSON.stringify(planned.body) }),
      signal: AbortSignal.timeout(30_000),
    });
    const raw = Buffer.from(await response.arrayBuffer());
    recorder.latencies.get(planned.kind)!.push(performance.now() - started);
    recorder.status(planned.kind, String(response.status));
    const isJson = (response.headers.get('content-type') ?? '').includes('json');
    const answer: Answer = {
      status: response.status,
      headers: response.headers,
      json: isJson && raw.length > 0 ? JSON.parse(raw.toString('utf8')) : undefined,
      bytes: planned.binary && !isJson ? raw : undefined,
    };
    if (answer.status >= 500) {
      recorder.serverErrors++;
      recorder.problem(
        `${planned.kind} ${planned.method} ${planned.path}: ${answer.status} ${raw.toString('utf8').slice(0, 300)}`,
      );
    } else if (!planned.statuses.includes(answer.status)) {
      recorder.wrong++;
      recorder.problem(
        `${planned.kind} ${planned.method} ${planned.path}: unexpected ${answer.status} ${raw.toString('utf8').slice(0, 300)}`,
      );
    }
    return answer;
  } catch (error) {
    recorder.transportErrors++;
    recorder.status(planned.kind, 'error');
    recorder.problem(
      `${planned.kind} ${planned.method} ${planned.path}: ${(error as Error).message}`,
    );
    return undefined;
  }
}

/** Sends one request; a sampled one is compared with the engine at the version in force. */
async function run(
  world: World,
  oracle: Oracle,
  planned: Planned,
  recorder: Recorder,
  sampled: boolean,
): Promise<Answer | undefined> {
  if (!sampled || planned.judge === undefined) return send(world, planned, recorder);
  const before = await oracle.version();
  const answer = await send(world, planned, recorder);
  // A failure or a status no policy allows is counted by send already.
  if (answer === undefined || !planned.statuses.includes(answer.status)) return answer;
  const after = await oracle.version();
  const state = before === after ? await oracle.at(before) : undefined;
  if (state === undefined) {
    recorder.skippedAcrossChange++;
    return answer;
  }
  const problem = await planned.judge(answer, state);
  recorder.verified++;
  if (problem !== undefined) {
    recorder.wrong++;
    recorder.problem(`wrong answer at policy version ${before}: ${problem}`);
  }
  return answer;
}

async function client(
  index: number,
  world: World,
  oracle: Oracle,
  recorder: Recorder,
  options: {
    deadline: number;
    verifyShare: number;
    seed: number;
    ingestIds: { next: number; run: string };
  },
): Promise<void> {
  const rng = makeRng(options.seed * 1_000 + index);
  const cursors = new Map<string, string>();
  const total = MIX.reduce((n, [, weight]) => n + weight, 0);
  while (performance.now() < options.deadline) {
    const actor = pick(rng, world.actors);
    let draw = rng() * total;
    const kind = MIX.find(([, weight]) => (draw -= weight) < 0)?.[0] ?? 'check';
    const planned =
      kind === 'check'
        ? planCheck(rng, world, actor)
        : kind === 'calls.first'
          ? planCalls(rng, oracle, actor, cursors)
          : kind === 'stats'
            ? planStats(rng, actor)
            : kind === 'recording'
              ? planRecording(rng, world, actor)
              : kind === 'outbound'
                ? planOutbound(rng, actor)
                : kind === 'pbx'
                  ? planPbx(rng, world)
                  : planIngest(rng, world, options.ingestIds);
    const answer = await run(world, oracle, planned, recorder, rng() < options.verifyShare);
    if (planned.kind === 'calls.first' || planned.kind === 'calls.next') {
      const nextCursor =
        answer?.status === 200 ? (answer.json as { nextCursor: string | null }).nextCursor : null;
      if (nextCursor === null) cursors.delete(actor.userId);
      else cursors.set(actor.userId, nextCursor);
    }
  }
}

/**
 * The administrator's occasional changes, through the API like any client: Mia made head of
 * department and back (an assignment), and the CRM callers' outbound level raised to `any`
 * and back (a role). Both change answers the mix asks about.
 */
async function roleChanger(
  world: World,
  recorder: Recorder,
  deadline: number,
  everyMs: number,
): Promise<void> {
  const admin = world.admin;
  // The reads a change is based on: anything but 200 is a problem (a 5xx counted as such).
  const get = async (path: string): Promise<unknown> => {
    const response = await fetch(`${world.url}${path}`, {
      headers: { authorization: `Bearer ${admin.token}` },
    });
    const body = await response.json();
    if (response.status >= 500) recorder.serverErrors++;
    else if (response.status !== 200) recorder.wrong++;
    if (response.status !== 200) throw new Error(`GET ${path}: ${response.status}`);
    return body;
  };
  let turn = 0;
  while (performance.now() + everyMs < deadline) {
    await new Promise((resolve) => setTimeout(resolve, everyMs));
    let planned: Planned;
    try {
      // The role first: a server that misses changes is caught from the first one.
      if (turn++ % 2 === 1) {
        const body = await get('/api/v1/role-assignments');
        const set = body as {
          version: number;
          items: { roleId: string; accessCode: string; expiresAt?: string | null }[];
        };
        const isMia = (a: { roleId: string; accessCode: string }) =>
          a.roleId === 'head-of-department' && a.accessCode === 'user:mia';
        const items = set.items.some(isMia)
          ? set.items.filter((a) => !isMia(a))
          : [
              ...set.items,
              { roleId: 'head-of-department', accessCode: 'user:mia', expiresAt: null },
            ];
        planned = {
          kind: 'role-change',
          method: 'PUT',
          path: '/api/v1/role-assignments',
          token: admin.token,
          headers: { 'if-match': `"${set.version}"` },
          body: { items },
          statuses: [200, 412],
        };
      } else {
        const body = await get('/api/v1/roles');
        const role = (
          body as {
            id: string;
            name: string;
            version: number;
            permissions: Record<string, string>;
          }[]
        ).find((r) => r.id === 'crm-caller')!;
        const level = role.permissions['outboundCall.perform'] === 'any' ? 'crmClients' : 'any';
        planned = {
          kind: 'role-change',
          method: 'PUT',
          path: '/api/v1/roles/crm-caller',
          token: admin.token,
          headers: { 'if-match': `"${role.version}"` },
          body: {
            name: role.name,
            permissions: { ...role.permissions, 'outboundCall.perform': level },
          },
          statuses: [200, 412],
        };
      }
    } catch (error) {
      if (error instanceof TypeError) recorder.transportErrors++;
      recorder.problem(`role-change read: ${(error as Error).message}`);
      continue;
    }
    const answer = await send(world, planned, recorder);
    if (answer?.status === 200) recorder.roleChanges++;
  }
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * Flat means: after a warm-up (the first fifth of the run, at most a minute), the median heap
 * of the last third of the samples exceeds that of the first third by no more than the larger
 * of `slack` and a fifth of it. Medians, so one sample taken mid-burst does not decide.
 */
export function judgeMemory(
  samples: readonly MemorySample[],
  durationSeconds: number,
  slack: number,
): MemoryVerdict {
  const warmUp = Math.min(60, durationSeconds / 5);
  const steady = samples.filter((s) => s.at >= warmUp);
  const third = Math.max(1, Math.floor(steady.length / 3));
  const firstThird = median(steady.slice(0, third).map((s) => s.heapUsed));
  const lastThird = median(steady.slice(-third).map((s) => s.heapUsed));
  const growth = lastThird - firstThird;
  const bound = Math.max(slack, 0.2 * firstThird);
  const n = steady.length;
  const meanT = steady.reduce((s, x) => s + x.at, 0) / n;
  const meanH = steady.reduce((s, x) => s + x.heapUsed, 0) / n;
  const covariance = steady.reduce((s, x) => s + (x.at - meanT) * (x.heapUsed - meanH), 0);
  const variance = steady.reduce((s, x) => s + (x.at - meanT) ** 2, 0);
  return {
    samples,
    firstThird,
    lastThird,
    growth,
    bound,
    slopePerMinute: variance > 0 ? (covariance / variance) * 60 : 0,
    rssFirst: steady[0]?.rss ?? Number.NaN,
    rssLast: steady.at(-1)?.rss ?? Number.NaN,
    flat: n >= 3 && growth <= bound,
  };
}

function figures(latencies: readonly number[], statuses: ReadonlyMap<string, number>): KindFigures {
  const sorted = Float64Array.from(latencies).sort();
  const at = (q: number) =>
    sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return {
    count: sorted.length,
    p50: at(0.5),
    p95: at(0.95),
    p99: at(0.99),
    max: sorted.length === 0 ? 0 : sorted[sorted.length - 1]!,
    statuses: Object.fromEntries(statuses),
  };
}

/** The server child: started early (loading its modules is most of its start-up), then told where. */
class ServerProcess {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<
    number,
    (sample: { usage: NodeJS.MemoryUsage; loopDelayMaxMs: number; gcMs: number }) => void
  >();
  #nextId = 0;
  readonly #loaded: Promise<void>;
  readonly #listening: Promise<string>;
  readonly #exited: Promise<number | null>;

  constructor() {
    this.#child = fork(fileURLToPath(new URL('./soak-server.js', import.meta.url)), [], {
      execArgv: ['--expose-gc'],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.#exited = new Promise((resolve) => this.#child.once('exit', (code) => resolve(code)));
    const died = this.#exited.then((code) => {
      throw new Error(`the soak server exited with ${code}`);
    });
    // Either may never be awaited (the seeding failed first): no unhandled rejection then.
    died.catch(() => {});
    const message = (type: 'loaded' | 'listening') =>
      Promise.race([
        died,
        new Promise<string>((resolve) =>
          this.#child.on('message', (m: SoakServerMessage) => {
            if (m.type === type) resolve(m.type === 'listening' ? m.url : '');
          }),
        ),
      ]);
    this.#loaded = message('loaded').then(() => undefined);
    this.#listening = message('listening');
    this.#loaded.catch(() => {});
    this.#listening.catch(() => {});
    this.#child.on('message', (m: SoakServerMessage) => {
      if (m.type !== 'memory') return;
      this.#waiting.get(m.id)?.(m);
      this.#waiting.delete(m.id);
    });
  }

  #send(request: SoakServerRequest): void {
    this.#child.send(request);
  }

  /** Starts the server over a seeded database; answers its URL. */
  async start(config: SoakServerConfig): Promise<string> {
    await this.#loaded;
    this.#send({ type: 'start', config });
    return this.#listening;
  }

  memory(): Promise<{ usage: NodeJS.MemoryUsage; loopDelayMaxMs: number; gcMs: number }> {
    const id = this.#nextId++;
    return new Promise((resolve) => {
      this.#waiting.set(id, resolve);
      this.#send({ type: 'memory', id });
    });
  }

  async stop(): Promise<void> {
    if (this.#child.exitCode === null && this.#child.connected) this.#send({ type: 'stop' });
    const timer = setTimeout(() => this.#child.kill('SIGKILL'), 10_000);
    await this.#exited;
    clearTimeout(timer);
  }
}

/**
 * Seeds the company into `options.db`, starts the server, runs the load and answers the
 * figures and verdicts; the caller decides what fails. The data directory is its own.
 */
export async function runSoak(options: SoakOptions): Promise<SoakReport> {
  const log = options.log ?? (() => {});
  const dataDir = mkdtempSync(join(tmpdir(), 'callgate-soak-'));
  const server = new ServerProcess();
  let store: Store | undefined;
  try {
    store = await openStore(options.db);
    log(`seeding the demo company with ${options.calls ?? 5_000} calls`);
    const company = await prepareCompany(store, dataDir, options.calls ?? 5_000);
    const url = await server.start({ db: options.db, dataDir, faults: options.faults ?? [] });
    const world: World = { ...company, url };
    const oracle = new Oracle(store);
    const recorder = new Recorder();
    const firstVersion = await oracle.version();
    const seed = options.seed ?? 1;
    const durationMs = options.durationSeconds * 1000;
    const memoryEveryMs =
      options.memoryEveryMs ?? Math.max(1_500, Math.min(15_000, durationMs / 40));
    log(`${options.clients} clients for ${options.durationSeconds} s against ${world.url}`);
    const started = performance.now();
    const deadline = started + durationMs;
    const samples: MemorySample[] = [];
    const driverLoopDelay = monitorEventLoopDelay({ resolution: 10 });
    driverLoopDelay.enable();
    const sampleMemory = async () => {
      const { usage, loopDelayMaxMs, gcMs } = await server.memory();
      samples.push({
        at: (performance.now() - started) / 1000,
        heapUsed: usage.heapUsed,
        rss: usage.rss,
        serverLoopDelayMaxMs: loopDelayMaxMs,
        driverLoopDelayMaxMs: driverLoopDelay.max / 1e6,
        gcMs,
      });
      driverLoopDelay.reset();
    };
    const sampler = (async () => {
      while (performance.now() + memoryEveryMs < deadline) {
        await new Promise((resolve) => setTimeout(resolve, memoryEveryMs));
        await sampleMemory();
        const last = samples.at(-1)!;
        if (samples.length % 10 === 0)
          log(
            `${Math.round(last.at)} s: heap ${(last.heapUsed / 2 ** 20).toFixed(1)} MiB, ${recorder.latencies.get('check')!.length} checks so far; longest stall of the server's event loop ${Math.round(Math.max(...samples.slice(-10).map((x) => x.serverLoopDelayMaxMs)))} ms, the driver's ${Math.round(Math.max(...samples.slice(-10).map((x) => x.driverLoopDelayMaxMs)))} ms`,
          );
      }
    })();
    const ingestIds = { next: 0, run: randomBytes(3).toString('hex') };
    await Promise.all([
      ...Array.from({ length: options.clients }, (_, i) =>
        client(i, world, oracle, recorder, {
          deadline,
          verifyShare: options.verifyShare ?? 0.5,
          seed,
          ingestIds,
        }),
      ),
      roleChanger(world, recorder, deadline, options.roleChangeMs ?? 1_000),
      sampler,
    ]);
    const elapsed = (performance.now() - started) / 1000;
    await sampleMemory();
    driverLoopDelay.disable();
    const kinds = Object.fromEntries(
      SOAK_KINDS.map((kind) => [
        kind,
        figures(recorder.latencies.get(kind)!, recorder.statuses.get(kind)!),
      ]),
    ) as Record<SoakKind, KindFigures>;
    const totalRequests =
      SOAK_KINDS.reduce((n, kind) => n + kinds[kind].count, 0) + recorder.transportErrors;
    return {
      dialect: store.dialect,
      durationSeconds: elapsed,
      clients: options.clients,
      totalRequests,
      requestsPerSecond: totalRequests / elapsed,
      kinds,
      serverErrors: recorder.serverErrors,
      transportErrors: recorder.transportErrors,
      verified: recorder.verified,
      wrong: recorder.wrong,
      skippedAcrossChange: recorder.skippedAcrossChange,
      roleChanges: recorder.roleChanges,
      policyVersions: { first: firstVersion, last: await oracle.version() },
      problems: recorder.problems,
      memory: judgeMemory(samples, elapsed, options.heapSlackBytes ?? 8 * 2 ** 20),
    };
  } finally {
    await server.stop();
    await store?.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** True when the run proves what the issue asks: no 5xx, no failure, no wrong answer, flat heap. */
export function soakPassed(report: SoakReport): boolean {
  return (
    report.serverErrors === 0 &&
    report.transportErrors === 0 &&
    report.wrong === 0 &&
    report.verified > 0 &&
    report.memory.flat
  );
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
const ms = (value: number) => (value < 10 ? value.toFixed(2) : value.toFixed(1));

/** The report as Markdown: what the README quotes. */
export function formatReport(report: SoakReport, command: string): string {
  const rows = SOAK_KINDS.map((kind) => {
    const k = report.kinds[kind];
    const statuses = Object.entries(k.statuses)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([status, n]) => `${status}: ${n}`)
      .join(', ');
    return `| ${kind} | ${k.count} | ${(k.count / report.durationSeconds).toFixed(1)} | ${ms(k.p50)} | ${ms(k.p95)} | ${ms(k.p99)} | ${ms(k.max)} | ${statuses} |`;
  });
  const m = report.memory;
  return [
    '# Soak results',
    '',
    `Produced by \`${command}\` on ${machineLine()}, ${new Date().toISOString().slice(0, 16)}Z; the machine is shared with other work, so the figures are a floor, not a ceiling.`,
    '',
    `${report.dialect === 'sqlite' ? 'SQLite' : 'PostgreSQL'}, the demo company, ${report.clients} keep-alive clients for ${report.durationSeconds.toFixed(0)} s on 127.0.0.1, the server in its own process: **${report.totalRequests} requests, ${report.requestsPerSecond.toFixed(0)} requests/s**. Verdict: **${soakPassed(report) ? 'passed' : 'FAILED'}**.`,
    '',
    '| kind | requests | per second | p50 ms | p95 ms | p99 ms | max ms | statuses |',
    '|---|---|---|---|---|---|---|---|',
    ...rows,
    '',
    `- 5xx: ${report.serverErrors}; requests failed without an answer: ${report.transportErrors}.`,
    `- Answers compared with the engine's offline decision: ${report.verified}; wrong: ${report.wrong}; sampled across a policy change and not compared: ${report.skippedAcrossChange}.`,
    `- Role and assignment changes applied: ${report.roleChanges} (policy version ${report.policyVersions.first} → ${report.policyVersions.last}).`,
    `- Longest event-loop stall: server ${Math.round(Math.max(...m.samples.map((s) => s.serverLoopDelayMaxMs)))} ms, driver ${Math.round(Math.max(...m.samples.map((s) => s.driverLoopDelayMaxMs)))} ms (both at once means the machine, not the server, stalled); the forced collections took up to ${Math.round(Math.max(...m.samples.map((s) => s.gcMs)))} ms.`,
    `- Server heap after forced GC: ${mib(m.firstThird)} (median, first third after warm-up) → ${mib(m.lastThird)} (last third): ${m.growth >= 0 ? '+' : ''}${mib(m.growth)}, bound ${mib(m.bound)}, slope ${mib(m.slopePerMinute)}/min; RSS ${mib(m.rssFirst)} → ${mib(m.rssLast)}; ${m.samples.length} samples.`,
    ...(report.problems.length > 0
      ? ['', 'First problems:', '', ...report.problems.slice(0, 10).map((p) => `- ${p}`)]
      : []),
    '',
  ].join('\n');
}

/** A fresh PostgreSQL schema for one run, and how to drop it. */
function freshPostgresSchema(): { url: string; drop: () => Promise<void> } {
  const base = process.env.CALLGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  const schema = `cg_soak_${process.pid}_${randomBytes(3).toString('hex')}`;
  return {
    url: `${base}?schema=${schema}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: base });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      duration: { type: 'string', default: process.env.SOAK_DURATION ?? '600' },
      clients: { type: 'string', default: process.env.SOAK_CLIENTS ?? '48' },
      postgres: { type: 'boolean', default: false },
      db: { type: 'string' },
      calls: { type: 'string', default: '5000' },
      verify: { type: 'string', default: '0.5' },
      'role-change-ms': { type: 'string', default: '1000' },
      out: { type: 'string', default: 'bench/soak-results.md' },
    },
  });
  const scratch = mkdtempSync(join(tmpdir(), 'callgate-soak-db-'));
  const postgres = values.postgres ? freshPostgresSchema() : undefined;
  const db = values.db ?? postgres?.url ?? join(scratch, 'soak.db');
  try {
    const report = await runSoak({
      db,
      durationSeconds: Number(values.duration),
      clients: Number(values.clients),
      calls: Number(values.calls),
      verifyShare: Number(values.verify),
      roleChangeMs: Number(values['role-change-ms']),
      log: (message) => process.stderr.write(`[soak] ${message}\n`),
    });
    const command = `node dist/bench/soak.js ${process.argv.slice(2).join(' ')}`.trim();
    const text = formatReport(report, command);
    process.stdout.write(text);
    writeFileSync(values.out, text);
    process.stderr.write(`[soak] written to ${values.out}\n`);
    if (!soakPassed(report)) process.exitCode = 1;
  } finally {
    await postgres?.drop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await main();
