import type { DirectoryDocument } from '../directory/schema.js';
import { exportPermissions, importPermissions } from './permissions.js';
import { createAccount } from './accounts.js';
import { importCalls } from './calls.js';
import { setPassword } from './credentials.js';
import { importDirectory } from './directory.js';
import { seedDemoNumbers } from './numbers.js';
import type { Executor } from '../store/database.js';
import { findAccount } from '../store/accounts.js';

/**
 * The demo company a new user sees first: a small sales organisation with a chief
 * executive, department heads, managers, CRM clients and a month of calls. People and
 * numbers are fictional (555-01xx numbers are reserved for fiction).
 */
export const DEMO_ACCOUNT_ID = 'demo';

/** Every demo user signs in to the web app with their email and this password (README). */
export const DEMO_PASSWORD = 'callgate-demo';

export const DEMO_DIRECTORY: DirectoryDocument = {
  departments: [
    { id: 'company', name: 'Northwind Telephony', parentId: null, headUserId: 'carla' },
    { id: 'sales', name: 'Sales', parentId: 'company', headUserId: 'sofia' },
    { id: 'sales-east', name: 'Sales East', parentId: 'sales', headUserId: 'erik' },
    { id: 'sales-west', name: 'Sales West', parentId: 'sales', headUserId: 'wanda' },
    { id: 'support', name: 'Support', parentId: 'company', headUserId: 'hugo' },
  ],
  users: [
    {
      id: 'ada',
      name: 'Ada Admin',
      email: 'ada@northwind.example',
      admin: true,
      departmentIds: ['company'],
      phones: { extension: '100' },
    },
    {
      id: 'carla',
      name: 'Carla Chief',
      email: 'carla@northwind.example',
      departmentIds: ['company'],
      phones: { work: '+14155550110', extension: '101' },
    },
    {
      id: 'sofia',
      name: 'Sofia Sales',
      email: 'sofia@northwind.example',
      departmentIds: ['sales'],
      phones: { work: '+14155550111', extension: '110' },
    },
    {
      id: 'erik',
      name: 'Erik East',
      email: 'erik@northwind.example',
      departmentIds: ['sales-east'],
      phones: { extension: '120' },
    },
    {
      id: 'mia',
      name: 'Mia Manager',
      email: 'mia@northwind.example',
      departmentIds: ['sales-east'],
      phones: { work: '+14155550112', mobile: '+14155550113', extension: '121' },
    },
    {
      id: 'max',
      name: 'Max Manager',
      email: 'max@northwind.example',
      departmentIds: ['sales-east'],
      phones: { extension: '122' },
    },
    {
      id: 'wanda',
      name: 'Wanda West',
      email: 'wanda@northwind.example',
      departmentIds: ['sales-west'],
      phones: { extension: '130' },
    },
    {
      id: 'walt',
      name: 'Walt Seller',
      email: 'walt@northwind.example',
      departmentIds: ['sales-west'],
      phones: { extension: '131' },
    },
    {
      id: 'hugo',
      name: 'Hugo Help',
      email: 'hugo@northwind.example',
      departmentIds: ['support'],
      phones: { extension: '140' },
    },
    {
      id: 'tess',
      name: 'Tess Tech',
      email: 'tess@northwind.example',
      departmentIds: ['support'],
      phones: { extension: '141' },
    },
    {
      id: 'cora',
      name: 'Cora Contractor',
      email: 'cora@contractor.example',
      departmentIds: ['support'],
      phones: { extension: '142' },
    },
    {
      id: 'olga',
      name: 'Olga Former',
      email: 'olga@northwind.example',
      active: false,
      departmentIds: ['sales-west'],
      phones: { extension: '132' },
    },
  ],
  workgroups: [
    {
      id: 'launch',
      name: 'Spring launch',
      ownerId: 'sofia',
      moderatorIds: ['mia'],
      memberIds: ['walt', 'tess'],
    },
  ],
  crmClients: [
    {
      id: 'acme',
      type: 'company',
      name: 'Acme Corp',
      phones: ['+14155550150'],
      responsibleUserId: 'mia',
    },
    {
      id: 'globex',
      type: 'company',
      name: 'Globex',
      phones: ['+14155550151'],
      responsibleUserId: 'walt',
    },
    {
      id: 'jane',
      type: 'contact',
      name: 'Jane Buyer',
      phones: ['+14155550152', '+14155550153'],
      responsibleUserId: 'max',
    },
    {
      id: 'lead-1',
      type: 'lead',
      name: 'Inbound lead',
      phones: ['+14155550154'],
      responsibleUserId: null,
    },
  ],
  crmReadScopes: [{ accessCode: 'department:sales-west', type: 'contact', level: 'own' }],
  blockedNumbers: ['+19005550100'],
};

/**
 * Creates the demo account (once) with its directory, a few roles beyond the defaults and
 * `calls` calls over the 30 days before `now`, spread over everyone. Run inside a transaction.
 * `passwords: false` leaves out the web sign-in passwords: twelve password hashes are most of
 * the seeding time, and API-only users of the demo (the soak) need none.
 */
export async function seedDemo(
  db: Executor,
  now = Date.now(),
  calls = 600,
  options: { readonly passwords?: boolean } = {},
): Promise<boolean> {
  if (await findAccount(db, DEMO_ACCOUNT_ID)) return false;
  await createAccount(
    db,
    { id: DEMO_ACCOUNT_ID, name: 'Northwind Telephony', plan: 'professional' },
    'system',
    now,
  );
  await importDirectory(db, DEMO_ACCOUNT_ID, DEMO_DIRECTORY, 'system', now);
  const permissions = await exportPermissions(db, DEMO_ACCOUNT_ID);
  const crmOnly = {
    id: 'crm-caller',
    name: 'CRM caller',
    permissions: {
      ...permissions.roles.find((r) => r.id === 'manager')!.permissions,
      'outboundCall.perform': 'crmClients',
    },
  };
  await importPermissions(
    db,
    DEMO_ACCOUNT_ID,
    {
      roles: [...permissions.roles, crmOnly],
      // Sales are Managers who call anyone; Support may call CRM clients only.
      assignments: [
        { roleId: 'administrator', accessCode: 'admins', expiresAt: null },
        { roleId: 'manager', accessCode: 'departmentTree:sales', expiresAt: null },
        { roleId: 'crm-caller', accessCode: 'departmentTree:support', expiresAt: null },
        { roleId: 'chief-executive', accessCode: 'user:carla', expiresAt: null },
        { roleId: 'head-of-department', accessCode: 'user:sofia', expiresAt: null },
        { roleId: 'head-of-department', accessCode: 'user:erik', expiresAt: null },
        { roleId: 'head-of-department', accessCode: 'user:wanda', expiresAt: null },
        { roleId: 'head-of-department', accessCode: 'user:hugo', expiresAt: null },
      ],
    },
    { dryRun: false, actor: 'system', now },
  );
  const people = DEMO_DIRECTORY.users.map((u) => u.id);
  const numbers = DEMO_DIRECTORY.crmClients!.flatMap((c) => c.phones);
  const records = Array.from({ length: calls }, (_, i) => {
    // A fixed pattern, not randomness: the demo looks the same on every machine.
    const userId = i % 17 === 0 ? null : people[(i * 7) % people.length]!;
    const startedAt = new Date(now - ((i * 4337) % (30 * 24 * 60)) * 60_000).toISOString();
    return {
      where: `demo call ${i}`,
      record: {
        id: `call-${String(i + 1).padStart(4, '0')}`,
        userId,
        direction: (['inbound', 'outbound', 'outbound', 'callback'] as const)[i % 4],
        phoneNumber:
          i % 3 === 0
            ? numbers[i % numbers.length]
            : `+1415555${String(200 + (i % 700)).padStart(4, '0')}`,
        startedAt,
        durationSec: i % 9 === 0 ? 0 : 20 + ((i * 37) % 900),
        status: i % 9 === 0 ? 'missed' : 'answered',
        cost: i % 9 === 0 ? 0 : Math.round(((i * 37) % 900) * 0.02) / 100,
        currency: 'USD',
      },
    };
  });
  await importCalls(db, DEMO_ACCOUNT_ID, records, 'system', now);
  await seedDemoNumbers(db, DEMO_ACCOUNT_ID, now);
  if (options.passwords === false) return true;
  for (const user of DEMO_DIRECTORY.users)
    await setPassword(db, DEMO_ACCOUNT_ID, user.id, DEMO_PASSWORD, now);
  return true;
}
