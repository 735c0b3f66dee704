import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { openStore } from '../src/store/database.js';
import { createAccount } from '../src/telephony/accounts.js';
import { importDirectory } from '../src/telephony/directory.js';
import { mintToken } from '../src/telephony/tokens.js';
import { describeOnPostgres, freshDatabase } from './databases.js';
import { COMPANY } from './fixtures.js';
import {
  OPERATOR_TOKEN,
  type Proxy,
  type ServerProcess,
  startProxy,
  startServerProcess,
} from './faults-harness.js';

/**
 * Issue 6, point 1: two `callgate serve` processes over one PostgreSQL are one service. A
 * change saved on one is in force on the other within a second, and a server cut off from
 * the database while a change was made answers with it once it is back. Server B reaches
 * PostgreSQL through a proxy the test can cut.
 */
const ACCOUNT = 'acme';
/** The bound for a change to reach every server. */
const IN_FORCE_WITHIN_MS = 1_000;

interface ManagerRole {
  readonly id: string;
  readonly name: string;
  readonly permissions: Record<string, string>;
  readonly version: unknown;
}

describeOnPostgres('several servers over one PostgreSQL', () => {
  const database = freshDatabase('postgres');
  const dataDir = mkdtempSync(join(tmpdir(), 'callgate-multi-'));
  const tokens: Record<string, string> = {};
  let proxy: Proxy;
  let a: ServerProcess;
  let b: ServerProcess;

  before(async () => {
    const store = await openStore(database.url);
    try {
      await store.db.transaction().execute(async (trx) => {
        const now = Date.now();
        await createAccount(trx, { id: ACCOUNT, name: 'Acme', plan: 'standard' }, 'operator', now);
        await importDirectory(trx, ACCOUNT, COMPANY, 'operator', now);
        for (const userId of ['u0', 'u4'])
          tokens[userId] = (await mintToken(trx, ACCOUNT, { userId }, 'operator', now)).token;
      });
    } finally {
      await store.close();
    }
    proxy = await startProxy({ host: '127.0.0.1', port: 5432 });
    const throughProxy = new URL(database.url);
    throughProxy.port = String(proxy.port);
    // One data directory, as a shared volume: the servers share its key and recordings.
    [a, b] = await Promise.all([
      startServerProcess(database.url, dataDir),
      startServerProcess(throughProxy.toString(), dataDir),
    ]);
  });

  after(async () => {
    await Promise.all([a?.kill(), b?.kill()]);
    await proxy?.close();
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const call = async (
    server: ServerProcess,
    as: string,
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown>; etag: string | null }> => {
    const response = await fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${as === 'operator' ? OPERATOR_TOKEN : tokens[as]}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      body: text ? (JSON.parse(text) as Record<string, unknown>) : {},
      etag: response.headers.get('etag'),
    };
  };

  /** u4 asks server B whether they hold `permission`; undefined when B cannot answer. */
  const u4Holds = async (permission: string): Promise<boolean | undefined> => {
    const answer = await call(b, 'u4', 'POST', '/api/v1/permissions/check', { permission });
    return answer.status === 200 ? answer.body.allowed === true : undefined;
  };

  /** Milliseconds until `holds` is true on server B; fails after a generous bound. */
  const untilOnB = async (holds: () => Promise<boolean>): Promise<number> => {
    const started = performance.now();
    while (!(await holds())) {
      if (performance.now() - started > 10 * IN_FORCE_WITHIN_MS)
        assert.fail('the change never reached server B');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    return performance.now() - started;
  };

  const assignments = async (server: ServerProcess) => {
    const current = await call(server, 'u0', 'GET', '/api/v1/role-assignments');
    assert.equal(current.status, 200);
    return current as typeof current & { body: { version: unknown; items: unknown[] } };
  };

  test('an assignment saved on A is in force on B within a second', async () => {
    assert.equal(await u4Holds('numbers.manage'), false);
    const current = await assignments(a);
    const saved = await call(
      a,
      'u0',
      'PUT',
      '/api/v1/role-assignments',
      {
        items: [
          ...current.body.items,
          { roleId: 'administrator', accessCode: 'user:u4', expiresAt: null },
        ],
      },
      { 'if-match': current.etag ?? String(current.body.version) },
    );
    assert.equal(saved.status, 200, JSON.stringify(saved.body));
    const ms = await untilOnB(async () => (await u4Holds('numbers.manage')) === true);
    assert.ok(ms < IN_FORCE_WITHIN_MS, `in force on B after ${ms.toFixed(0)} ms`);
  });

  test('a role changed on A is in force on B within a second', async () => {
    const roles = await call(a, 'u0', 'GET', '/api/v1/roles');
    const manager = (roles.body as unknown as ManagerRole[]).find((r) => r.id === 'manager')!;
    assert.equal(await u4Holds('numbers.manage'), true, 'u4 is an administrator now');
    assert.equal(await u4Holds('balance.manage'), false);
    // Take the administrator assignment back, then give the manager role the balance.
    const current = await assignments(a);
    const back = await call(
      a,
      'u0',
      'PUT',
      '/api/v1/role-assignments',
      {
        items: current.body.items.filter(
          (item) => (item as { accessCode: string }).accessCode !== 'user:u4',
        ),
      },
      { 'if-match': current.etag ?? String(current.body.version) },
    );
    assert.equal(back.status, 200, JSON.stringify(back.body));
    await untilOnB(async () => (await u4Holds('numbers.manage')) === false);
    const changed = await call(
      a,
      'u0',
      'PUT',
      '/api/v1/roles/manager',
      {
        name: manager.name,
        permissions: { ...manager.permissions, 'balance.manage': 'any' },
      },
      { 'if-match': String(manager.version) },
    );
    assert.equal(changed.status, 200, JSON.stringify(changed.body));
    const ms = await untilOnB(async () => (await u4Holds('balance.manage')) === true);
    assert.ok(ms < IN_FORCE_WITHIN_MS, `in force on B after ${ms.toFixed(0)} ms`);
  });

  test('a directory change on A is in force on B within a second', async () => {
    const away = {
      ...COMPANY,
      users: COMPANY.users.map((u) => (u.id === 'u4' ? { ...u, active: false } : u)),
    };
    const imported = await call(
      a,
      'operator',
      'PUT',
      `/api/v1/accounts/${ACCOUNT}/directory`,
      away,
    );
    assert.equal(imported.status, 200, JSON.stringify(imported.body));
    // A deactivated user's token is refused everywhere.
    const ms = await untilOnB(async () => {
      const answer = await call(b, 'u4', 'POST', '/api/v1/permissions/check', {
        permission: 'numbers.manage',
      });
      return answer.status === 401;
    });
    assert.ok(ms < IN_FORCE_WITHIN_MS, `refused on B after ${ms.toFixed(0)} ms`);
    const back = await call(a, 'operator', 'PUT', `/api/v1/accounts/${ACCOUNT}/directory`, COMPANY);
    assert.equal(back.status, 200);
    await untilOnB(async () => (await u4Holds('balance.manage')) === true);
  });

  test('B, cut off from the database while A saved a change, answers with it once back', async () => {
    assert.equal(await u4Holds('balance.manage'), true);
    await proxy.cut();
    try {
      const cutOff = await call(b, 'u4', 'POST', '/api/v1/permissions/check', {
        permission: 'balance.manage',
      });
      assert.notEqual(cutOff.status, 200, 'B cannot answer without the database');
      assert.equal(cutOff.status, 503, 'a clean refusal, never a guess');
      const roles = await call(a, 'u0', 'GET', '/api/v1/roles');
      const manager = (roles.body as unknown as ManagerRole[]).find((r) => r.id === 'manager')!;
      const changed = await call(
        a,
        'u0',
        'PUT',
        '/api/v1/roles/manager',
        { name: manager.name, permissions: { ...manager.permissions, 'balance.manage': 'none' } },
        { 'if-match': String(manager.version) },
      );
      assert.equal(changed.status, 200, JSON.stringify(changed.body));
    } finally {
      await proxy.restore();
    }
    // No answer from B may be the old one: it either cannot answer yet or answers the new.
    const ms = await untilOnB(async () => {
      const holds = await u4Holds('balance.manage');
      assert.notEqual(holds, true, 'B answered from before the change');
      return holds === false;
    });
    assert.ok(ms < 5 * IN_FORCE_WITHIN_MS, `B caught up ${ms.toFixed(0)} ms after reconnecting`);
  });
});
