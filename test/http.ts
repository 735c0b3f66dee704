import type { RateLimits } from '../src/api/rate-limits.js';
import { after, before } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { type App, buildApp } from '../src/api/app.js';
import { type Services, createServices } from '../src/api/services.js';
import { type DialectName, type Store, openStore } from '../src/store/database.js';
import { createAccount } from '../src/telephony/accounts.js';
import { importCalls } from '../src/telephony/calls.js';
import { importDirectory } from '../src/telephony/directory.js';
import { DEFAULT_TOKEN_LIFETIMES, createApp, mintToken } from '../src/telephony/tokens.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { COMPANY, assign, role } from './fixtures.js';
import type { PermissionLevels } from '../src/engine/catalogue.js';
import { DEFAULT_ROLES, defaultAssignments } from '../src/engine/defaults.js';
import type { Assignment } from '../src/engine/roles.js';
import { importPermissions } from '../src/telephony/permissions.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const OPERATOR_TOKEN = 'operator-secret-for-tests';
export const START = Date.parse('2026-11-22T12:00:00Z');

/** A clock the tests move by hand. */
export interface Clock {
  now: number;
}

/**
 * A running app (not listening: requests go through `app.inject`) over a fresh database,
 * with account `acme` holding the test company (test/fixtures.ts), one call per user
 * (`call-<userId>`, and `call-none` that no employee took), a user token per user, and an
 * application `pbx-app` with every scope, acting for u0.
 */
export interface Harness {
  readonly app: App;
  readonly services: Services;
  readonly store: Store;
  readonly clock: Clock;
  readonly dialect: DialectName;
  /** User tokens of account acme, by user id. */
  readonly tokens: Readonly<Record<string, string>>;
  /** An application token with every scope, acting for u0 (the administrator). */
  readonly appToken: string;
  /** Sends a request as `token` (a user id of acme, 'operator', 'app', or a raw token; null sends none). */
  request(
    as: string | null,
    method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
    url: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<LightMyRequestResponse>;
}

export const CALL_START = Date.parse('2026-11-02T10:00:00Z');

export async function seedAccount(
  store: Store,
  accountId: string,
  now: number,
  plan = 'basic',
): Promise<Record<string, string>> {
  return store.db.transaction().execute(async (trx) => {
    await createAccount(
      trx,
      { id: accountId, name: `Account ${accountId}`, plan },
      'operator',
      now,
    );
    await importDirectory(trx, accountId, COMPANY, 'operator', now);
    const users = [...COMPANY.users.map((u) => u.id), null];
    await importCalls(
      trx,
      accountId,
      users.map((userId, i) => ({
        where: `[${i}]`,
        record: {
          id: `call-${userId ?? 'none'}`,
          userId,
          direction: i % 2 === 0 ? 'inbound' : 'outbound',
          phoneNumber: '+14155550101',
          startedAt: new Date(CALL_START + i * 3_600_000).toISOString(),
          durationSec: 60 * (i + 1),
          status: 'answered',
          cost: 0.1 * (i + 1),
          currency: 'USD',
        },
      })),
      'operator',
      now,
    );
    const tokens: Record<string, string> = {};
    // The longest lifetime there is: suites that move the clock by weeks (retention) keep
    // their tokens.
    const ttlSeconds = DEFAULT_TOKEN_LIFETIMES.maxTtlSeconds;
    for (const user of COMPANY.users) {
      if (user.active === false) continue;
      tokens[user.id] = (
        await mintToken(trx, accountId, { userId: user.id, ttlSeconds }, 'operator', now)
      ).token;
    }
    await createApp(
      trx,
      accountId,
      { id: 'pbx-app', name: 'PBX', scopes: ['telephony', 'calls.write', 'pbx'] },
      now,
    );
    tokens.app = (
      await mintToken(
        trx,
        accountId,
        { userId: 'u0', appId: 'pbx-app', ttlSeconds },
        'operator',
        now,
      )
    ).token;
    return tokens;
  });
}

/** Declares a suite against the HTTP app on SQLite and on PostgreSQL, each with its own database. */
export function describeHttp(name: string, suite: (harness: () => Harness) => void): void {
  describeOnEachDialect(name, (dialect) => {
    let harness: Harness | undefined;
    let cleanup: (() => Promise<void>) | undefined;
    before(async () => {
      const database = freshDatabase(dialect);
      const dataDir = mkdtempSync(join(tmpdir(), 'callgate-data-'));
      const store = await openStore(database.url);
      const clock: Clock = { now: START };
      const services = createServices(store, {
        operatorToken: OPERATOR_TOKEN,
        dataDir,
        secretKey: Buffer.alloc(32, 7),
        maxRecordingBytes: 256 * 1024,
        // The suites send thousands of requests from one address; test/http-access tests the limits.
        rateLimits: false,
        now: () => clock.now,
      });
      const app = await buildApp(services);
      const tokens = await seedAccount(store, 'acme', START);
      const resolve = (as: string): string =>
        as === 'operator' ? OPERATOR_TOKEN : as === 'app' ? tokens.app! : (tokens[as] ?? as);
      harness = {
        app,
        services,
        store,
        clock,
        dialect,
        tokens,
        appToken: tokens.app!,
        request: (as, method, url, body, headers = {}) =>
          app.inject({
            method,
            url,
            headers: {
              ...(as === null ? {} : { authorization: `Bearer ${resolve(as)}` }),
              ...headers,
            },
            ...(body === undefined
              ? {}
              : typeof body === 'string' || Buffer.isBuffer(body)
                ? { payload: body }
                : { payload: body as object }),
          }),
      };
      cleanup = async () => {
        await app.close();
        await store.close();
        await database.drop();
        rmSync(dataDir, { recursive: true, force: true });
      };
    });
    after(() => cleanup?.());
    suite(() => {
      if (!harness) throw new Error('harness not ready');
      return harness;
    });
  });
}

/** The parsed JSON body of a response. */
export function json<T = Record<string, unknown>>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

/**
 * Replaces acme's roles and assignments with the defaults plus, when `levels` is given, a
 * test role with those levels assigned to `codes`, and any `extra` assignments. The policy
 * version moves, so the next request decides with the change.
 */
export async function grant(
  h: Harness,
  levels: Partial<PermissionLevels> | null,
  codes: readonly string[] = [],
  extra: readonly Assignment[] = [],
): Promise<void> {
  const roles = levels === null ? DEFAULT_ROLES : [...DEFAULT_ROLES, role('test-role', levels)];
  const assignments = [
    ...defaultAssignments('1'),
    ...(levels === null ? [] : codes.map((code) => assign('test-role', code))),
    ...extra,
  ];
  await h.store.db
    .transaction()
    .execute((trx) =>
      importPermissions(
        trx,
        'acme',
        { roles, assignments },
        { dryRun: false, actor: 'operator', now: h.clock.now },
      ),
    );
}

/** Limits no test reaches: a base for tests that lower one of them. */
export const UNLIMITED: RateLimits = {
  windowMs: 1_000,
  perAddress: 1e9,
  perToken: 1e9,
  pbxPerToken: 1e9,
  perAccount: 1e9,
};

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
