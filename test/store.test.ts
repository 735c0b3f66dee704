import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseDirectory } from '../src/directory/directory.js';
import type { DirectoryDocument } from '../src/directory/schema.js';
import { reachableUsers, scopeFilter } from '../src/engine/scope.js';
import { ValidationError } from '../src/engine/validation-error.js';
import type { CallgateError } from '../src/errors.js';
import { findAccount } from '../src/store/accounts.js';
import { listAudit } from '../src/store/audit.js';
import { type CallRecord, listCalls } from '../src/store/calls.js';
import type { Executor } from '../src/store/database.js';
import { loadDirectory } from '../src/store/directory.js';
import { loadAssignments, loadRoles } from '../src/store/permissions.js';
import { createAccount } from '../src/telephony/accounts.js';
import { importCalls, readCallFile } from '../src/telephony/calls.js';
import { importDirectory } from '../src/telephony/directory.js';
import { exportPermissions, importPermissions } from '../src/telephony/permissions.js';
import { PolicyCache, loadPolicyState } from '../src/telephony/policy.js';
import { levelOf } from '../src/engine/effective.js';
import { describeEachDatabase } from './databases.js';
import { COMPANY, role } from './fixtures.js';

const NOW = Date.parse('2026-11-22T12:00:00Z');

describeEachDatabase('store', (store, dialect) => {
  const inTransaction = <T>(fn: (trx: Executor) => Promise<T>): Promise<T> =>
    store().db.transaction().execute(fn);
  const newAccount = (id: string, plan = 'basic') =>
    inTransaction((trx) => createAccount(trx, { id, name: `Account ${id}`, plan }, 'cli', NOW));
  /** Everything a failed write must leave as it was. */
  const snapshot = async (accountId: string) => ({
    account: await findAccount(store().db, accountId),
    directory: await loadDirectory(store().db, accountId),
    roles: await loadRoles(store().db, accountId),
    assignments: await loadAssignments(store().db, accountId),
    audit: await listAudit(store().db, accountId, 1000),
    calls: await listCalls(store().db, accountId, { kind: 'any' }, { limit: 1000 }),
  });

  test('a new account has the default roles, the administrators assignment and an audit entry', async () => {
    await newAccount('a1');
    const roles = await loadRoles(store().db, 'a1');
    assert.deepEqual(
      roles.map((r) => [r.id, r.version]),
      [
        ['administrator', 1],
        ['chief-executive', 1],
        ['head-of-department', 1],
        ['manager', 1],
      ],
    );
    assert.deepEqual(await loadAssignments(store().db, 'a1'), [
      { roleId: 'administrator', accessCode: 'admins', expiresAt: null },
    ]);
    assert.deepEqual(
      (await listAudit(store().db, 'a1')).map((e) => e.type),
      ['account.created'],
    );
    await assert.rejects(newAccount('a1'), (e: CallgateError) => e.code === 'conflict');
  });

  test('the first directory brings the default Manager assignment to the root department', async () => {
    const counts = await inTransaction((trx) => importDirectory(trx, 'a1', COMPANY, 'cli', NOW));
    assert.equal(counts.users, 12);
    assert.equal(counts.departments, 4);
    assert.deepEqual(await loadAssignments(store().db, 'a1'), [
      { roleId: 'administrator', accessCode: 'admins', expiresAt: null },
      { roleId: 'manager', accessCode: 'departmentTree:1', expiresAt: null },
    ]);
    const account = await findAccount(store().db, 'a1');
    assert.equal(account?.directoryVersion, 1);
    assert.equal(account?.assignmentsVersion, 1);
  });

  test('the directory reads back exactly as it was checked', async () => {
    const expected = parseDirectory(COMPANY, { edition: 'cloud', defaultCountry: 'US' });
    assert.deepEqual(await loadDirectory(store().db, 'a1'), expected);
  });

  test('the department closure answers department scopes in SQL', async () => {
    const closure = await store()
      .db.selectFrom('department_closure')
      .select(['ancestor_id', 'descendant_id', 'depth'])
      .where('account_id', '=', 'a1')
      .where('ancestor_id', '=', '2')
      .orderBy('descendant_id')
      .execute();
    assert.deepEqual(closure, [
      { ancestor_id: '2', descendant_id: '2', depth: 0 },
      { ancestor_id: '2', descendant_id: '3', depth: 1 },
    ]);
  });

  const refusedDirectories: [name: string, document: unknown, names: RegExp][] = [
    ['a malformed document', { users: 'nobody' }, /users/],
    [
      'a cycle in the department tree',
      {
        ...COMPANY,
        departments: [
          ...COMPANY.departments,
          { id: '5', name: 'Loop A', parentId: '6' },
          { id: '6', name: 'Loop B', parentId: '5' },
        ],
      },
      /cycle in the department tree: (5 → 6 → 5|6 → 5 → 6)/,
    ],
    [
      'a user in a department that does not exist',
      {
        ...COMPANY,
        users: [...COMPANY.users, { id: 'u99', name: 'Lost', departmentIds: ['404'] }],
      },
      /users\[12\] \(id "u99"\)\.departmentIds\[0\]: no department "404"/,
    ],
    ['an unknown field', { ...COMPANY, extra: true }, /extra/],
    [
      'a phone that is not one',
      { ...COMPANY, blockedNumbers: ['call me maybe'] },
      /blockedNumbers\[0\]: "call me maybe" is not a phone number/,
    ],
  ];
  for (const [name, document, names] of refusedDirectories) {
    test(`refuses ${name}, naming it, and changes nothing`, async () => {
      const before = await snapshot('a1');
      await assert.rejects(
        inTransaction((trx) => importDirectory(trx, 'a1', document, 'cli', NOW)),
        (error: ValidationError) => {
          assert.ok(error instanceof ValidationError, String(error));
          assert.match(error.message, names);
          return true;
        },
      );
      assert.deepEqual(await snapshot('a1'), before);
    });
  }

  test('a transaction that fails after writing leaves nothing behind', async () => {
    const before = await snapshot('a1');
    const smaller: DirectoryDocument = {
      ...COMPANY,
      workgroups: [],
      crmClients: [],
      blockedNumbers: [],
    };
    await assert.rejects(
      inTransaction(async (trx) => {
        await importDirectory(trx, 'a1', smaller, 'cli', NOW);
        throw new Error('power cut');
      }),
      /power cut/,
    );
    assert.deepEqual(await snapshot('a1'), before);
  });

  test('roles import: a dry run names who gains what, and writes nothing', async () => {
    const document = await exportPermissions(store().db, 'a1');
    const headOfSales = { roleId: 'head-of-department', accessCode: 'user:u2', expiresAt: null };
    const before = await snapshot('a1');
    const result = await inTransaction((trx) =>
      importPermissions(
        trx,
        'a1',
        { ...document, assignments: [...document.assignments, headOfSales] },
        { dryRun: true, actor: 'cli', now: NOW },
      ),
    );
    assert.equal(result.applied, false);
    assert.deepEqual(
      result.changes.map((c) => `${c.userId} ${c.permission} ${c.from}→${c.to}`),
      ['u2 callStats.view own→department', 'u2 recording.listen own→department'],
    );
    assert.equal(result.changes[0]?.userName, 'Sara Sales');
    assert.deepEqual(await snapshot('a1'), before);
  });

  test('roles import: saves roles and assignments together, versions them, audits before and after', async () => {
    const document = await exportPermissions(store().db, 'a1');
    const nightDesk = role(
      'night-desk',
      { 'callStats.view': 'department', 'outboundCall.perform': 'crmClients' },
      'Night desk',
    );
    const manager = document.roles.find((r) => r.id === 'manager')!;
    const next = {
      roles: [
        ...document.roles.filter((r) => r.id !== 'chief-executive' && r.id !== 'manager'),
        { ...manager, permissions: { ...manager.permissions, 'recording.listen': 'department' } },
        nightDesk,
      ],
      assignments: [
        ...document.assignments,
        {
          roleId: 'night-desk',
          accessCode: 'workgroup:w1:members',
          expiresAt: '2027-01-01T00:00:00+01:00',
        },
      ],
    };
    const result = await inTransaction((trx) =>
      importPermissions(trx, 'a1', next, { dryRun: false, actor: 'cli', now: NOW }),
    );
    assert.equal(result.applied, true);
    const roles = await loadRoles(store().db, 'a1');
    assert.deepEqual(
      roles.map((r) => [r.id, r.version]),
      [
        ['administrator', 1],
        ['head-of-department', 1],
        ['manager', 2],
        ['night-desk', 1],
      ],
    );
    const assignments = await loadAssignments(store().db, 'a1');
    assert.equal(assignments.at(-1)?.expiresAt, '2026-12-31T23:00:00.000Z');
    const audit = await listAudit(store().db, 'a1', 2);
    assert.deepEqual(
      audit.map((e) => e.type),
      ['assignments.replaced', 'roles.replaced'],
    );
    assert.deepEqual(
      (audit[1]?.before as { id: string }[]).map((r) => r.id),
      document.roles.map((r) => r.id),
    );
    assert.deepEqual(
      (audit[1]?.after as { id: string }[]).map((r) => r.id),
      next.roles.map((r) => r.id),
    );
    const { policy } = await loadPolicyState(store().db, 'a1', NOW);
    assert.equal(
      policy.users.get('u7')!.ranks[0],
      2,
      'u7 holds night-desk through the workgroup: department',
    );
  });

  const refusedPermissions: [
    name: string,
    edit: (doc: { roles: unknown[]; assignments: unknown[] }) => unknown,
    names: RegExp,
  ][] = [
    [
      'an unknown permission key',
      (d) => ({
        ...d,
        roles: [
          ...d.roles,
          { ...role('x', {}), permissions: { ...role('x', {}).permissions, 'calls.fly': 'any' } },
        ],
      }),
      /roles\[\d\] \(id "x"\)\.permissions\.calls\.fly: unknown permission/,
    ],
    [
      'an unknown level',
      (d) => ({
        ...d,
        roles: [...d.roles, role('x', { 'numbers.manage': 'department' as 'any' })],
      }),
      /permissions\.numbers\.manage: unknown level "department"/,
    ],
    [
      'a missing permission',
      (d) => ({ ...d, roles: [...d.roles, { id: 'x', name: 'X', permissions: {} }] }),
      /permissions\.callStats\.view: missing/,
    ],
    [
      'an assignment to a department that does not exist',
      (d) => ({
        ...d,
        assignments: [
          ...d.assignments,
          { roleId: 'manager', accessCode: 'departmentTree:404', expiresAt: null },
        ],
      }),
      /departmentTree:404 names no department "404"/,
    ],
    [
      'an assignment of a role that does not exist',
      (d) => ({
        ...d,
        assignments: [{ roleId: 'ghost', accessCode: 'everyone', expiresAt: null }],
      }),
      /no role "ghost"/,
    ],
    [
      'a user-group code on the cloud edition',
      (d) => ({
        ...d,
        assignments: [{ roleId: 'manager', accessCode: 'group:g1', expiresAt: null }],
      }),
      /on-premise edition only/,
    ],
    [
      'a malformed access code',
      (d) => ({ ...d, assignments: [{ roleId: 'manager', accessCode: 'D1', expiresAt: null }] }),
      /"D1" is not an access code/,
    ],
  ];
  for (const [name, edit, names] of refusedPermissions) {
    test(`roles import refuses ${name}, naming it, and changes nothing`, async () => {
      const document = (await exportPermissions(store().db, 'a1')) as unknown as {
        roles: unknown[];
        assignments: unknown[];
      };
      const before = await snapshot('a1');
      await assert.rejects(
        inTransaction((trx) =>
          importPermissions(trx, 'a1', edit(document), { dryRun: false, actor: 'cli', now: NOW }),
        ),
        (error: Error) => {
          assert.ok(error instanceof ValidationError, String(error));
          assert.match(error.message, names);
          return true;
        },
      );
      assert.deepEqual(await snapshot('a1'), before);
    });
  }

  test('on the free plan permissions cannot be edited', async () => {
    await newAccount('free1', 'free');
    const document = await exportPermissions(store().db, 'free1');
    await assert.rejects(
      inTransaction((trx) =>
        importPermissions(trx, 'free1', document, { dryRun: true, actor: 'cli', now: NOW }),
      ),
      (error: CallgateError) =>
        error.code === 'feature_not_in_plan' && /not available on your plan/.test(error.message),
    );
  });

  const call = (id: string, userId: string | null, minute: number): Record<string, unknown> => ({
    id,
    userId,
    direction: 'outbound',
    phoneNumber: '+14155550101',
    startedAt: new Date(Date.UTC(2026, 10, 2, 10, minute)).toISOString(),
    durationSec: 60 + minute,
    status: 'answered',
    cost: 0.12,
    currency: 'USD',
  });

  test('calls import from JSON and CSV, one transaction each', async () => {
    const users = [...COMPANY.users.map((u) => u.id), null];
    const json = users.map((userId, i) => call(`j${i}`, userId, i));
    const result = await inTransaction((trx) =>
      importCalls(
        trx,
        'a1',
        json.map((record, i) => ({ where: `[${i}]`, record })),
        'cli',
        NOW,
      ),
    );
    assert.equal(result.imported, 13);
    const csv =
      'id,userId,direction,phoneNumber,startedAt,durationSec,status,cost,currency,crmType,crmId\n' +
      'k1,u4,inbound,(415) 555-0101,2026-11-03T09:00:00Z,30,answered,0.5,USD,contact,c1\n' +
      '"k2",,inbound,"+1 415 555 0102",2026-11-03T09:05:00Z,0,missed,,,,\n';
    const fromCsv = await inTransaction((trx) =>
      importCalls(trx, 'a1', readCallFile(csv, 'csv'), 'cli', NOW),
    );
    assert.equal(fromCsv.imported, 2);
    const page = await listCalls(store().db, 'a1', { kind: 'any' }, { limit: 2 });
    assert.deepEqual(page.items[1], {
      id: 'k1',
      userId: 'u4',
      direction: 'inbound',
      phoneNumber: '+14155550101',
      lineNumber: null,
      startedAt: '2026-11-03T09:00:00.000Z',
      durationSec: 30,
      status: 'answered',
      cost: 0.5,
      currency: 'USD',
      crm: { type: 'contact', id: 'c1' },
      recordingRef: null,
    } satisfies CallRecord);
    assert.equal(page.items[0]?.userId, null);
  });

  const refusedCalls: [name: string, csv: string, names: RegExp][] = [
    [
      'a bad direction',
      'id,userId,direction,phoneNumber,startedAt,durationSec,status\nb1,u4,sideways,+14155550101,2026-11-03T09:00:00Z,3,answered\n',
      /line 2\.direction/,
    ],
    [
      'a date without a zone',
      'id,userId,direction,phoneNumber,startedAt,durationSec,status\nb1,u4,inbound,+14155550101,2026-11-03 09:00,3,answered\n',
      /line 2\.startedAt/,
    ],
    [
      'a user not in the directory',
      'id,userId,direction,phoneNumber,startedAt,durationSec,status\nb1,u404,inbound,+14155550101,2026-11-03T09:00:00Z,3,answered\n',
      /line 2\.userId: no user "u404"/,
    ],
    [
      'a short row',
      'id,userId,direction,phoneNumber,startedAt,durationSec,status\nb1,u4,inbound\n',
      /line 2: 3 cells where the header has 7/,
    ],
    [
      'a negative duration',
      'id,userId,direction,phoneNumber,startedAt,durationSec,status\nb1,u4,inbound,+14155550101,2026-11-03T09:00:00Z,-3,answered\n',
      /line 2\.durationSec/,
    ],
    ['an unknown column', 'id,userId,mood\nb1,u4,happy\n', /unknown column "mood"/],
  ];
  for (const [name, csv, names] of refusedCalls) {
    test(`calls import refuses ${name} with the line, and imports nothing`, async () => {
      const good =
        'id,userId,direction,phoneNumber,startedAt,durationSec,status\nok1,u4,inbound,+14155550101,2026-11-03T09:00:00Z,3,answered\n';
      const before = await snapshot('a1');
      await assert.rejects(
        async () =>
          inTransaction((trx) =>
            importCalls(
              trx,
              'a1',
              [...readCallFile(good, 'csv'), ...readCallFile(csv, 'csv')],
              'cli',
              NOW,
            ),
          ),
        (error: Error) => {
          assert.match(error.message, names);
          return true;
        },
      );
      assert.deepEqual(await snapshot('a1'), before);
    });
  }

  test('calls import refuses ids already recorded', async () => {
    await assert.rejects(
      inTransaction((trx) =>
        importCalls(trx, 'a1', [{ where: '[0]', record: call('j1', 'u4', 1) }], 'cli', NOW),
      ),
      (error: CallgateError) => error.code === 'conflict' && /j1/.test(error.message),
    );
  });

  test('the scope filter in SQL returns exactly the calls of the users the engine reaches', async () => {
    const { policy, directory } = await loadPolicyState(store().db, 'a1', NOW);
    const all = await listCalls(store().db, 'a1', { kind: 'any' }, { limit: 1000 });
    for (const user of directory.users) {
      for (const permission of ['callStats.view', 'recording.listen'] as const) {
        const reached = reachableUsers(policy, user.id, permission);
        const expected = all.items
          .filter((c) => reached === 'all' || (c.userId !== null && reached.has(c.userId)))
          .map((c) => c.id);
        // Walk the pages with the cursor: page size 3 crosses several pages.
        const ids: string[] = [];
        let cursor: string | undefined;
        do {
          const page = await listCalls(store().db, 'a1', scopeFilter(policy, user.id, permission), {
            limit: 3,
            ...(cursor && { cursor }),
          });
          ids.push(...page.items.map((c) => c.id));
          cursor = page.nextCursor ?? undefined;
        } while (cursor);
        assert.deepEqual(ids, expected, `${user.id} ${permission}`);
      }
    }
  });

  test("one account never sees another account's calls, even with the same ids", async () => {
    await newAccount('a2');
    await inTransaction((trx) => importDirectory(trx, 'a2', COMPANY, 'cli', NOW));
    await inTransaction((trx) =>
      importCalls(trx, 'a2', [{ where: '[0]', record: call('j1', 'u4', 59) }], 'cli', NOW),
    );
    const a2 = await listCalls(store().db, 'a2', { kind: 'any' }, { limit: 100 });
    assert.deepEqual(
      a2.items.map((c) => [c.id, c.durationSec]),
      [['j1', 119]],
    );
    const a1 = await listCalls(
      store().db,
      'a1',
      { kind: 'department', userId: 'u2', departmentIds: ['2'] },
      { limit: 100 },
    );
    assert.ok(a1.items.every((c) => c.durationSec !== 119));
    assert.ok(a1.items.length > 0);
  });

  test('a cached policy is reused until a change, then recompiled with it', async () => {
    const cache = new PolicyCache();
    const first = await cache.get(store().db, 'a2', NOW);
    assert.equal(
      await cache.get(store().db, 'a2', NOW),
      first,
      'no change: the same compiled policy',
    );
    assert.equal(levelOf(first.policy, 'u4', 'numbers.manage'), 'none');
    const document = await exportPermissions(store().db, 'a2');
    const soon = new Date(NOW + 60_000).toISOString();
    await inTransaction((trx) =>
      importPermissions(
        trx,
        'a2',
        {
          ...document,
          assignments: [
            ...document.assignments,
            { roleId: 'administrator', accessCode: 'user:u4', expiresAt: soon },
          ],
        },
        { dryRun: false, actor: 'cli', now: NOW },
      ),
    );
    const second = await cache.get(store().db, 'a2', NOW);
    assert.notEqual(second, first);
    assert.equal(
      levelOf(second.policy, 'u4', 'numbers.manage'),
      'any',
      'the change is in force on the next decision',
    );
    assert.equal(
      second.description,
      first.description,
      'an assignment change keeps the reduced directory',
    );
    const u4Away = {
      ...COMPANY,
      users: COMPANY.users.map((u) => (u.id === 'u4' ? { ...u, active: false } : u)),
    };
    await inTransaction((trx) => importDirectory(trx, 'a2', u4Away, 'cli', NOW));
    const third = await cache.get(store().db, 'a2', NOW);
    assert.notEqual(third.description, second.description, 'a directory change reduces again');
    assert.equal(
      levelOf(third.policy, 'u4', 'numbers.manage'),
      'none',
      'the deactivation is in force on the next decision',
    );
    await inTransaction((trx) => importDirectory(trx, 'a2', COMPANY, 'cli', NOW));
    const later = await cache.get(store().db, 'a2', NOW + 60_000);
    assert.equal(
      levelOf(later.policy, 'u4', 'numbers.manage'),
      'none',
      'the assignment expired by itself',
    );
  });

  // SQLite keeps prepared statements by text (store/database.ts); PostgreSQL does not stream.
  if (dialect === 'sqlite')
    test('a query answers in full after the same query was streamed and broken off', async () => {
      const { db } = store();
      const query = db.selectFrom('audit_log').select('id').orderBy('id');
      const all = (await query.execute()).map((row) => row.id);
      assert.ok(all.length >= 3, 'the suite has written audit entries');
      // A statement left mid-iteration must not be reused as it is.
      for await (const row of query.stream()) {
        assert.equal(row.id, all[0]);
        break;
      }
      assert.deepEqual(
        (await query.execute()).map((row) => row.id),
        all,
      );
      const streamed: number[] = [];
      for await (const row of query.stream()) streamed.push(row.id);
      assert.deepEqual(streamed, all);
    });
});

test('migration names sort in the order they were written, so Kysely runs them in that order', async () => {
  const { migrationProvider } = await import('../src/store/migrations/index.js');
  const names = Object.keys(await migrationProvider.getMigrations());
  // Text order, as Kysely sorts: "2026-12-06-10" before "2026-12-06-2" is why numbers are padded.
  assert.deepEqual([...names].sort(), names);
  assert.ok(names.length >= 12, names.join(' '));
});
