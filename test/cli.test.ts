import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { promisify } from 'node:util';
import { openStore } from '../src/store/database.js';
import { verifyPassword } from '../src/telephony/credentials.js';
import { type Run, callgate as run } from './cli-run.js';
import { freshDatabase } from './databases.js';
import { COMPANY } from './fixtures.js';

const dir = mkdtempSync(join(tmpdir(), 'callgate-cli-'));
const file = (name: string, content: unknown): string => {
  const path = join(dir, name);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
};

/** `callgate <args>` against this test's database. */
const callgate = (db: string, ...args: string[]): Promise<Run> => run(db, args);

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`callgate CLI [${dialect}]`, () => {
    const database = freshDatabase(dialect);
    const db = database.url;
    after(() => database.drop());
    const acme = ['--account', 'acme'];

    test('account create, directory import', async () => {
      const created = await callgate(
        db,
        'account',
        'create',
        '--id',
        'acme',
        '--name',
        'Acme',
        '--plan',
        'basic',
        '--country',
        'US',
      );
      assert.equal(created.code, 0, created.stderr);
      assert.match(created.stdout, /account acme created \(basic, cloud, US\)/);
      const imported = await callgate(
        db,
        'directory',
        'import',
        file('company.json', COMPANY),
        ...acme,
      );
      assert.equal(imported.code, 0, imported.stderr);
      assert.match(imported.stdout, /12 users, 4 departments/);
    });

    test('effective --json gives every level with its sources', async () => {
      const run = await callgate(db, 'effective', '--user', 'u4', '--json', ...acme);
      assert.equal(run.code, 0, run.stderr);
      const answer = JSON.parse(run.stdout) as {
        permissions: Record<string, { level: string; sources: unknown[] }>;
      };
      assert.deepEqual(answer.permissions['callStats.view'], {
        level: 'own',
        sources: [{ roleId: 'manager', roleName: 'Manager', accessCode: 'departmentTree:1' }],
        reasons: [
          { roleId: 'manager', roleName: 'Manager', accessCode: 'departmentTree:1', level: 'own' },
        ],
      });
      assert.equal(answer.permissions['numbers.manage']?.level, 'none');
    });

    test('check answers with its exit code too', async () => {
      const allowed = await callgate(
        db,
        'check',
        '--user',
        'u0',
        '--permission',
        'numbers.manage',
        ...acme,
      );
      assert.equal(allowed.code, 0, allowed.stderr);
      assert.match(allowed.stdout, /^allowed: numbers.manage at level any/);
      const denied = await callgate(
        db,
        'check',
        '--user',
        'u4',
        '--permission',
        'callStats.view',
        '--target-user',
        'u10',
        '--json',
        ...acme,
      );
      assert.equal(denied.code, 3);
      assert.deepEqual(JSON.parse(denied.stdout), {
        allowed: false,
        level: 'own',
        reasons: [
          { roleId: 'manager', roleName: 'Manager', accessCode: 'departmentTree:1', level: 'own' },
        ],
        detail: 'u10 is outside scope own of u4',
      });
    });

    test('calls import, then check about a call', async () => {
      const csv =
        'id,userId,direction,phoneNumber,startedAt,durationSec,status\nc42,u10,inbound,+14155550101,2026-11-02T10:00:00Z,95,answered\n';
      const run = await callgate(db, 'calls', 'import', file('calls.csv', csv), ...acme);
      assert.equal(run.code, 0, run.stderr);
      const check = await callgate(
        db,
        'check',
        '--user',
        'u4',
        '--permission',
        'recording.listen',
        '--call',
        'c42',
        '--json',
        ...acme,
      );
      assert.equal(
        (JSON.parse(check.stdout) as { detail: string }).detail,
        'call c42 belongs to u10: u10 is outside scope own of u4',
      );
    });

    test('a CSV with a bad row is refused whole, naming the line', async () => {
      const csv =
        'id,userId,direction,phoneNumber,startedAt,durationSec,status\nc43,u4,inbound,+14155550101,2026-11-02T10:00:00Z,95,answered\nc44,u4,inbound,+14155550101,yesterday,95,answered\n';
      const run = await callgate(db, 'calls', 'import', file('bad.csv', csv), ...acme);
      assert.equal(run.code, 1);
      assert.match(run.stderr, /line 3\.startedAt: must be an ISO 8601 date-time/);
      const check = await callgate(
        db,
        'check',
        '--user',
        'u0',
        '--permission',
        'callStats.view',
        '--call',
        'c43',
        ...acme,
      );
      assert.match(check.stderr, /not_found: call c43 not found/);
    });

    test('check --batch answers one line per line, in order, errors in their place', async () => {
      const lines = [
        { userId: 'u2', permission: 'callStats.view', callId: 'c42' },
        { userId: 'u4', permission: 'outboundCall.perform', phoneNumber: '+19005550000' },
        { userId: 'u4', permission: 'telephonySettings.modify' },
        { userId: 'u4', permission: 'calls.fly' },
        { userId: 'u4', permission: 'callStats.view', callId: 'missing' },
      ];
      const path = file(
        'checks.jsonl',
        lines.map((l) => JSON.stringify(l)).join('\n') + '\nnot json\n',
      );
      const run = await callgate(db, 'check', '--batch', path, ...acme);
      assert.equal(run.code, 1);
      const answers = run.stdout
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      assert.equal(answers.length, 6);
      assert.deepEqual(
        answers.slice(0, 3).map((a) => [a.allowed, a.level]),
        [
          [false, 'own'], // c42 is u10's, and u2 is only a Manager so far
          [false, 'any'],
          [false, 'none'],
        ],
      );
      assert.match(String(answers[1]?.detail), /blocked/);
      assert.deepEqual(
        answers.slice(3).map((a) => (a.error as { code: string }).code),
        ['invalid_request', 'not_found', 'invalid_request'],
      );
      assert.match(JSON.stringify(answers[3]), /line 4\.permission/);
      assert.match(JSON.stringify(answers[5]), /line 6: not JSON/);
    });

    test('roles export, then import --dry-run shows the change and writes nothing', async () => {
      const exported = await callgate(db, 'roles', 'export', ...acme);
      const document = JSON.parse(exported.stdout) as {
        roles: { id: string }[];
        assignments: unknown[];
      };
      document.assignments.push({
        roleId: 'head-of-department',
        accessCode: 'departmentTree:2',
        expiresAt: null,
      });
      const path = file('permissions.json', document);
      const dry = await callgate(db, 'roles', 'import', path, '--dry-run', ...acme);
      assert.equal(dry.code, 0, dry.stderr);
      assert.match(dry.stdout, /u2 \(Sara Sales\): callStats.view own → department/);
      assert.match(dry.stdout, /dry run: 10 level changes; nothing was changed/);
      assert.equal((await callgate(db, 'roles', 'export', ...acme)).stdout, exported.stdout);
      const saved = await callgate(db, 'roles', 'import', path, ...acme);
      assert.match(saved.stdout, /permissions saved: 10 level changes/);
      const effective = await callgate(db, 'effective', '--user', 'u10', ...acme);
      assert.match(
        effective.stdout,
        /callStats.view\s+department\s+Head of department via departmentTree:2/,
      );
    });

    test('bad input is refused with a message naming the problem, and changes nothing', async () => {
      const before = (await callgate(db, 'roles', 'export', ...acme)).stdout;
      const cycle = {
        ...COMPANY,
        departments: [
          ...COMPANY.departments,
          { id: '5', name: 'A', parentId: '6' },
          { id: '6', name: 'B', parentId: '5' },
        ],
      };
      const run = await callgate(db, 'directory', 'import', file('cycle.json', cycle), ...acme);
      assert.equal(run.code, 1);
      assert.match(
        run.stderr,
        /invalid_request: 1 problem\(s\), nothing was changed\n {2}departments: cycle in the department tree/,
      );
      const badRole = await callgate(
        db,
        'roles',
        'import',
        file('bad-role.json', {
          roles: [{ id: 'x', name: 'X', permissions: { 'numbers.manage': 'own' } }],
          assignments: [],
        }),
        ...acme,
      );
      assert.equal(badRole.code, 1);
      assert.match(
        badRole.stderr,
        /roles\[0\] \(id "x"\)\.permissions\.numbers\.manage: unknown level "own"/,
      );
      assert.equal((await callgate(db, 'roles', 'export', ...acme)).stdout, before);
      const effective = await callgate(db, 'effective', '--user', 'u4', ...acme);
      assert.equal(effective.code, 0);
    });

    test('user password reads the password from a file, keeping it off the command line', async () => {
      const set = await callgate(
        db,
        'user',
        'password',
        '--user',
        'u4',
        '--password-file',
        file('password.txt', 'correct horse battery\n'),
        ...acme,
      );
      assert.equal(set.code, 0, set.stderr);
      const store = await openStore(db);
      try {
        const row = await store.db
          .selectFrom('user_credentials')
          .select('password_hash')
          .where('account_id', '=', 'acme')
          .where('user_id', '=', 'u4')
          .executeTakeFirstOrThrow();
        assert.ok(await verifyPassword('correct horse battery', row.password_hash));
        assert.ok(!(await verifyPassword('correct horse battery\n', row.password_hash)));
      } finally {
        await store.close();
      }
      const both = await callgate(
        db,
        'user',
        'password',
        '--user',
        'u4',
        '--password',
        'x',
        '--password-file',
        '-',
        ...acme,
      );
      assert.equal(both.code, 2);
    });

    test('usage errors exit 2 and say what is missing', async () => {
      const missing = await callgate(db, 'effective', '--user', 'u4');
      assert.equal(missing.code, 2);
      assert.match(missing.stderr, /--account is required/);
      const unknown = await callgate(db, 'launch', 'rockets');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /unknown command "launch rockets"/);
      const badFlag = await callgate(db, 'effective', '--user', 'u4', '--colour', ...acme);
      assert.equal(badFlag.code, 2);
      const noAccount = await callgate(db, 'effective', '--user', 'u4', '--account', 'nope');
      assert.equal(noAccount.code, 1);
      assert.match(noAccount.stderr, /not_found: account nope not found/);
    });
  });
}

test('the installed bin runs the compiled CLI', async () => {
  const db = join(dir, 'bin.db');
  const bin = new URL('../../bin/callgate.js', import.meta.url).pathname;
  const run = promisify(execFile);
  await run(process.execPath, [
    bin,
    'account',
    'create',
    '--db',
    db,
    '--id',
    'b',
    '--name',
    'B',
    '--plan',
    'free',
  ]);
  const { stdout } = await run(process.execPath, [
    bin,
    'roles',
    'export',
    '--db',
    db,
    '--account',
    'b',
  ]);
  assert.deepEqual((JSON.parse(stdout) as { assignments: unknown[] }).assignments, [
    { roleId: 'administrator', accessCode: 'admins', expiresAt: null },
  ]);
  assert.ok(readFileSync(db).length > 0);
});
