import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import type { DirectoryDocument } from '../src/directory/schema.js';
import { openStore } from '../src/store/database.js';
import { listAudit } from '../src/store/audit.js';
import { type Run, callgate as run } from './cli-run.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';

/**
 * A company as Bitrix24 would hand it over: user and department ids are Bitrix24's
 * numbers, except one user whose id is not a number (they get a user number of their own).
 *
 *   1 Company (head 1) ─┬─ 5 Sales (head 7) ── 9 Sales East (head 12)
 *                       └─ 11 Support (head 15)
 *   user group 5 "Call center": 15, 16; workgroup 3 "Falcon": owner 13, moderator 16, member 20
 */
const COMPANY: DirectoryDocument = {
  departments: [
    { id: '1', name: 'Company', parentId: null, headUserId: '1' },
    { id: '5', name: 'Sales', parentId: '1', headUserId: '7' },
    { id: '9', name: 'Sales East', parentId: '5', headUserId: '12' },
    { id: '11', name: 'Support', parentId: '1', headUserId: '15' },
  ],
  users: [
    { id: '1', name: 'Anna Admin', admin: true, departmentIds: ['1'] },
    { id: '7', name: 'Sergei Sales', departmentIds: ['5'] },
    { id: '12', name: 'Erin East', departmentIds: ['9'] },
    { id: '13', name: 'Ed East', departmentIds: ['9'] },
    { id: '15', name: 'Sue Support', departmentIds: ['11'] },
    { id: '16', name: 'Tom Tech', departmentIds: ['11'] },
    { id: 'contractor-x', name: 'Cara Contractor', departmentIds: ['11'] },
    { id: '20', name: 'Nina Nodept' },
  ],
  userGroups: [{ id: '5', name: 'Call center', memberIds: ['15', '16'] }],
  workgroups: [{ id: '3', name: 'Falcon', ownerId: '13', moderatorIds: ['16'], memberIds: ['20'] }],
};

/** The contractor's user number: the first one given to an id that is not a number. */
const CONTRACTOR_NUMBER = 1_000_000_001;

/**
 * Rows of b_voximplant_role, b_voximplant_role_permission and b_voximplant_role_access as
 * a portal would have them after some editing: the four default roles (Bitrix24's letters:
 * '' none, A own, D department, X any; C/K for calls to CRM clients / and employees), two
 * of its own, ids written as strings the way MySQL exports them, a NULL level, and a
 * duplicated access row.
 */
function bitrixExport() {
  const perm = (
    id: number,
    role: number,
    entity: string,
    action: string,
    level: string | null,
  ) => ({
    ID: String(id),
    ROLE_ID: String(role),
    ENTITY: entity,
    ACTION: action,
    PERMISSION: level,
  });
  return {
    roles: [
      { ID: '1', NAME: 'Administrator' },
      { ID: '2', NAME: 'Chief executive' },
      { ID: '3', NAME: 'Head of department' },
      { ID: '4', NAME: 'Manager' },
      { ID: 5, NAME: 'Support line' },
      { ID: 6, NAME: 'Trainee' },
    ],
    permissions: [
      perm(1, 1, 'CALL_DETAIL', 'VIEW', 'X'),
      perm(2, 1, 'CALL_RECORD', 'LISTEN', 'X'),
      perm(3, 1, 'CALL_RECORD', 'MODIFY', ''),
      perm(4, 1, 'CALL', 'PERFORM', 'X'),
      perm(5, 1, 'USER', 'MODIFY', 'X'),
      perm(6, 1, 'SETTINGS', 'MODIFY', 'X'),
      perm(7, 1, 'LINE', 'MODIFY', 'X'),
      perm(8, 1, 'BALANCE', 'MODIFY', ''),
      perm(9, 2, 'CALL_DETAIL', 'VIEW', 'X'),
      perm(10, 2, 'CALL_RECORD', 'LISTEN', 'X'),
      perm(11, 2, 'CALL', 'PERFORM', 'X'),
      perm(12, 3, 'CALL_DETAIL', 'VIEW', 'D'),
      perm(13, 3, 'CALL_RECORD', 'LISTEN', 'D'),
      perm(14, 3, 'CALL_RECORD', 'MODIFY', 'D'),
      perm(15, 3, 'CALL', 'PERFORM', 'X'),
      perm(16, 3, 'USER', 'MODIFY', 'D'),
      perm(17, 4, 'CALL_DETAIL', 'VIEW', 'A'),
      perm(18, 4, 'CALL_RECORD', 'LISTEN', 'A'),
      perm(19, 4, 'CALL', 'PERFORM', 'X'),
      perm(20, 4, 'USER', 'MODIFY', null),
      perm(21, 5, 'CALL_DETAIL', 'VIEW', 'A'),
      perm(22, 5, 'CALL', 'PERFORM', 'K'),
      perm(23, 5, 'BALANCE', 'MODIFY', 'X'),
      perm(24, 6, 'CALL', 'PERFORM', 'C'),
    ],
    access: [
      { ID: '1', ROLE_ID: '1', ACCESS_CODE: 'G1' },
      { ID: '2', ROLE_ID: '4', ACCESS_CODE: 'DR1' },
      { ID: '3', ROLE_ID: '2', ACCESS_CODE: 'U15' },
      { ID: '4', ROLE_ID: '3', ACCESS_CODE: 'U7' },
      { ID: '5', ROLE_ID: '3', ACCESS_CODE: 'D9' },
      { ID: '6', ROLE_ID: '5', ACCESS_CODE: 'G5' },
      { ID: '7', ROLE_ID: '5', ACCESS_CODE: 'SG3_E' },
      { ID: '8', ROLE_ID: '5', ACCESS_CODE: `U${CONTRACTOR_NUMBER}` },
      { ID: '9', ROLE_ID: '6', ACCESS_CODE: 'SG3_K' },
      { ID: '10', ROLE_ID: '6', ACCESS_CODE: 'SG3_K' },
    ],
  };
}

type Export = ReturnType<typeof bitrixExport>;

const dir = mkdtempSync(join(tmpdir(), 'callgate-bitrix-import-'));
let files = 0;
const file = (content: unknown): string => {
  const path = join(dir, `${++files}.json`);
  writeFileSync(path, JSON.stringify(content));
  return path;
};

describeOnEachDialect('callgate roles import --from-bitrix', (dialect) => {
  const database = freshDatabase(dialect);
  const db = database.url;
  const callgate = (...args: string[]): Promise<Run> => run(db, args);
  const bx = ['--account', 'bx'];
  const exported = async (account = 'bx'): Promise<string> => {
    const answer = await callgate('roles', 'export', '--account', account);
    assert.equal(answer.code, 0, answer.stderr);
    return answer.stdout;
  };
  const levelsOf = async (userId: string): Promise<Record<string, string>> => {
    const answer = await callgate('effective', '--user', userId, '--json', ...bx);
    assert.equal(answer.code, 0, answer.stderr);
    const { permissions } = JSON.parse(answer.stdout) as {
      permissions: Record<string, { level: string }>;
    };
    return Object.fromEntries(Object.entries(permissions).map(([k, v]) => [k, v.level]));
  };
  const auditCount = async (): Promise<number> => {
    const store = await openStore(db);
    try {
      return (await listAudit(store.db, 'bx', 1000)).length;
    } finally {
      await store.close();
    }
  };

  before(async () => {
    for (const [id, edition, company] of [
      ['bx', 'on-premise', COMPANY],
      ['bxcloud', 'cloud', { ...COMPANY, userGroups: [] }],
    ] as const) {
      const created = await callgate(
        'account',
        'create',
        '--id',
        id,
        '--name',
        id,
        '--plan',
        'basic',
        '--edition',
        edition,
      );
      assert.equal(created.code, 0, created.stderr);
      const imported = await callgate('directory', 'import', file(company), '--account', id);
      assert.equal(imported.code, 0, imported.stderr);
    }
  });
  after(() => database.drop());

  test('a dry run shows the translation and who would gain what, and writes nothing', async () => {
    const before = await exported();
    const audited = await auditCount();
    const dry = await callgate(
      'roles',
      'import',
      '--from-bitrix',
      file(bitrixExport()),
      '--dry-run',
      ...bx,
    );
    assert.equal(dry.code, 0, dry.stderr);
    assert.match(
      dry.stdout,
      /^role bitrix-5 \(Support line\): callStats\.view own, outboundCall\.perform crmClientsAndEmployees, balance\.manage any$/m,
    );
    assert.match(dry.stdout, /^role bitrix-6 \(Trainee\): outboundCall\.perform crmClients$/m);
    assert.match(dry.stdout, /^G1 → admins: bitrix-1$/m);
    assert.match(dry.stdout, /^SG3_E → workgroup:3:moderators: bitrix-5$/m);
    assert.match(
      dry.stdout,
      new RegExp(`^U${CONTRACTOR_NUMBER} → user:contractor-x: bitrix-5$`, 'm'),
    );
    assert.match(dry.stdout, /^contractor-x \(Cara Contractor\): balance\.manage none → any$/m);
    assert.match(dry.stdout, /^20 \(Nina Nodept\): outboundCall\.perform none → crmClients$/m);
    assert.match(dry.stdout, /dry run: \d+ level changes; nothing was changed$/m);
    assert.equal(await exported(), before);
    assert.equal(await auditCount(), audited);
    assert.equal((await levelsOf('contractor-x'))['balance.manage'], 'none');
  });

  test('the import replaces roles and assignments, audited, and users hold what Bitrix24 gave them', async () => {
    const saved = await callgate(
      'roles',
      'import',
      '--from-bitrix',
      file(bitrixExport()),
      '--json',
      ...bx,
    );
    assert.equal(saved.code, 0, saved.stderr);
    assert.equal((JSON.parse(saved.stdout) as { applied: boolean }).applied, true);

    const document = JSON.parse(await exported()) as {
      roles: { id: string; name: string; permissions: Record<string, string> }[];
      assignments: { roleId: string; accessCode: string }[];
    };
    assert.deepEqual(
      document.roles.map((r) => `${r.id} ${r.name}`),
      [
        'bitrix-1 Administrator',
        'bitrix-2 Chief executive',
        'bitrix-3 Head of department',
        'bitrix-4 Manager',
        'bitrix-5 Support line',
        'bitrix-6 Trainee',
      ],
    );
    assert.deepEqual(document.roles[2]!.permissions, {
      'callStats.view': 'department',
      'recording.listen': 'department',
      'recording.delete': 'department',
      'outboundCall.perform': 'any',
      'userSettings.modify': 'department',
      'telephonySettings.modify': 'none',
      'numbers.manage': 'none',
      'balance.manage': 'none',
    });
    // The duplicated SG3_K row became one assignment.
    assert.deepEqual(
      document.assignments.map((a) => `${a.roleId} ${a.accessCode}`),
      [
        'bitrix-1 admins',
        'bitrix-4 departmentTree:1',
        'bitrix-2 user:15',
        'bitrix-3 user:7',
        'bitrix-3 department:9',
        'bitrix-5 group:5',
        'bitrix-5 workgroup:3:moderators',
        'bitrix-5 user:contractor-x',
        'bitrix-6 workgroup:3:members',
      ],
    );

    // Sergei: Head of department (U7) and Manager (DR1): the higher level of each.
    const sergei = await levelsOf('7');
    assert.equal(sergei['callStats.view'], 'department');
    assert.equal(sergei['recording.delete'], 'department');
    assert.equal(sergei['balance.manage'], 'none');
    // Sue: Chief executive (U15), Manager, Support line (user group 5).
    const sue = await levelsOf('15');
    assert.equal(sue['callStats.view'], 'any');
    assert.equal(sue['balance.manage'], 'any');
    assert.equal(sue['telephonySettings.modify'], 'none');
    // Ed owns workgroup 3, so SG3_E (owner and moderators) reaches him.
    assert.equal((await levelsOf('13'))['balance.manage'], 'any');
    // Erin is a direct member of department 9 (D9): Head of department.
    assert.equal((await levelsOf('12'))['userSettings.modify'], 'department');
    // The contractor, through their user number.
    const cara = await levelsOf('contractor-x');
    assert.equal(cara['balance.manage'], 'any');
    assert.equal(cara['outboundCall.perform'], 'any');
    // Nina is in no department: only the Trainee role, through SG3_K.
    const nina = await levelsOf('20');
    assert.equal(nina['outboundCall.perform'], 'crmClients');
    assert.equal(nina['callStats.view'], 'none');

    const store = await openStore(db);
    try {
      const types = (await listAudit(store.db, 'bx', 5)).map((e) => `${e.type} ${e.actor}`);
      assert.ok(types.includes('roles.replaced cli'), types.join(', '));
      assert.ok(types.includes('assignments.replaced cli'), types.join(', '));
    } finally {
      await store.close();
    }
  });

  const broken: readonly [string, (e: Export) => void, RegExp][] = [
    [
      'an unknown entity',
      (e) => e.permissions.push({ ...e.permissions[0]!, ENTITY: 'CALL_TRANSCRIPT' }),
      /permissions\[24\]\.ENTITY: unknown entity "CALL_TRANSCRIPT"; expected one of CALL_DETAIL, /,
    ],
    [
      'an unknown action',
      (e) => e.permissions.push({ ...e.permissions[0]!, ACTION: 'LISTEN' }),
      /permissions\[24\]\.ACTION: unknown action "LISTEN" for CALL_DETAIL; expected VIEW/,
    ],
    [
      'a level letter the pair does not take',
      (e) => (e.permissions[23]!.PERMISSION = 'D'),
      /permissions\[23\]\.PERMISSION: "D" is not a level of CALL\/PERFORM; expected one of "" \(none\), C, K, X/,
    ],
    [
      'a level that is not a letter of Bitrix24',
      (e) => (e.permissions[5]!.PERMISSION = 'A'),
      /permissions\[5\]\.PERMISSION: "A" is not a level of SETTINGS\/MODIFY/,
    ],
    [
      'two levels for one pair',
      (e) => e.permissions.push({ ...e.permissions[16]!, PERMISSION: 'X' }),
      /permissions\[24\]: role 4 already has CALL_DETAIL\/VIEW = own/,
    ],
    [
      'an unknown user',
      (e) => e.access.push({ ID: '11', ROLE_ID: '2', ACCESS_CODE: 'U99' }),
      /access\[10\]\.ACCESS_CODE: U99: no user has the number 99/,
    ],
    [
      'an unknown department',
      (e) => e.access.push({ ID: '11', ROLE_ID: '2', ACCESS_CODE: 'DR77' }),
      /access\[10\]\.ACCESS_CODE: DR77 → departmentTree:77 names no department "77"/,
    ],
    [
      'an access code Callgate has no equivalent for',
      (e) => e.access.push({ ID: '11', ROLE_ID: '2', ACCESS_CODE: 'CR' }),
      /access\[10\]\.ACCESS_CODE: "CR": no Callgate equivalent/,
    ],
    [
      'a row of a role that is not there',
      (e) => e.access.push({ ID: '11', ROLE_ID: '42', ACCESS_CODE: 'AU' }),
      /access\[10\]\.ROLE_ID: no role 42 in "roles"/,
    ],
    [
      'an empty row',
      (e) => (e.access as unknown[]).push({}),
      /access\[10\]\.ROLE_ID: missing[^]*access\[10\]\.ACCESS_CODE: missing: no Callgate equivalent/,
    ],
    [
      'a row that is not an object',
      (e) => (e.roles as unknown[]).push('Manager'),
      /roles\[6\]: must be an object \(one row\)/,
    ],
    [
      'a name longer than Callgate takes (Bitrix24 takes 255 characters)',
      (e) => (e.roles[0]!.NAME = 'A'.repeat(101)),
      /roles\[0\] \(id "bitrix-1"\)\.name: must be a non-empty string of at most 100 characters/,
    ],
    [
      'an unknown column',
      (e) => ((e.roles[0] as Record<string, unknown>).CODE = 'admin'),
      /roles\[0\]\.CODE: unknown column; expected ID, NAME/,
    ],
  ];
  for (const [name, breakIt, message] of broken) {
    test(`${name} is refused, naming the row, and nothing is written`, async () => {
      const before = await exported();
      const audited = await auditCount();
      const input = bitrixExport();
      breakIt(input);
      const refused = await callgate('roles', 'import', '--from-bitrix', file(input), ...bx);
      assert.equal(refused.code, 1, refused.stdout);
      assert.match(refused.stderr, /invalid_request: \d+ problem\(s\), nothing was changed/);
      assert.match(refused.stderr, message);
      assert.equal(await exported(), before);
      assert.equal(await auditCount(), audited);
    });
  }

  test('several problems are all named at once', async () => {
    const input = bitrixExport();
    input.permissions[0]!.ENTITY = 'CALLS';
    input.access[3]!.ACCESS_CODE = 'U98';
    const refused = await callgate('roles', 'import', '--from-bitrix', file(input), ...bx);
    assert.match(refused.stderr, /2 problem\(s\)/);
    assert.match(refused.stderr, /permissions\[0\]\.ENTITY/);
    assert.match(refused.stderr, /access\[3\]\.ACCESS_CODE: U98/);
  });

  test('user-group codes are refused on the cloud edition, as any import refuses them', async () => {
    const before = await exported('bxcloud');
    const refused = await callgate(
      'roles',
      'import',
      '--from-bitrix',
      file(bitrixExport()),
      '--account',
      'bxcloud',
    );
    assert.equal(refused.code, 1);
    assert.match(
      refused.stderr,
      /access\[5\]\.ACCESS_CODE: G5 → user-group access codes are available on the on-premise edition only/,
    );
    assert.equal(await exported('bxcloud'), before);
  });

  test('one file only: a document and --from-bitrix together is a usage error', async () => {
    const path = file(bitrixExport());
    const both = await callgate('roles', 'import', path, '--from-bitrix', path, ...bx);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /name one file/);
    assert.equal((await callgate('roles', 'import', ...bx)).code, 2);
  });
});
