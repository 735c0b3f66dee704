/**
 * Builds a large company deterministically from a seed: a directory document, call records
 * and check questions, for measuring imports and batch checks (README "Performance").
 *
 *   node dist/bench/generate-company.js --out bench/data [--users 10000] [--departments 1000]
 *        [--calls 100000] [--checks 100000] [--seed 1]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { DirectoryDocument } from '../src/directory/schema.js';
import { PERMISSION_KEYS } from '../src/engine/catalogue.js';

/** A small, fast, seedable PRNG (mulberry32): the same seed gives the same company. */
export function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface CompanySize {
  readonly users: number;
  readonly departments: number;
  readonly workgroups: number;
  readonly crmClients: number;
  readonly maxDepth: number;
}

export function generateCompany(size: CompanySize, seed: number): DirectoryDocument {
  const next = random(seed);
  const pick = (n: number) => Math.floor(next() * n);
  const depth: number[] = [0];
  const departments: DirectoryDocument['departments'] = [
    { id: 'd0', name: 'Company', parentId: null, headUserId: 'u0' },
  ];
  for (let i = 1; i < size.departments; i++) {
    let parent = pick(i);
    while (depth[parent]! >= size.maxDepth - 1) parent = pick(i);
    depth.push(depth[parent]! + 1);
    departments.push({
      id: `d${i}`,
      name: `Department ${i}`,
      parentId: `d${parent}`,
      headUserId: `u${pick(size.users)}`,
    });
  }
  const phone = (n: number) => `+1415${String(2_000_000 + n).padStart(7, '0')}`;
  const users: DirectoryDocument['users'] = [];
  for (let i = 0; i < size.users; i++) {
    const count = 1 + (next() < 0.2 ? 1 : 0) + (next() < 0.05 ? 1 : 0);
    const departmentIds = [
      ...new Set(Array.from({ length: count }, () => `d${pick(size.departments)}`)),
    ];
    users.push({
      id: `u${i}`,
      name: `User ${i}`,
      email: `user${i}@example.com`,
      active: next() > 0.02,
      admin: i < 3,
      departmentIds,
      phones: { work: phone(i), mobile: null, extension: String(1000 + i) },
    });
  }
  const workgroups: NonNullable<DirectoryDocument['workgroups']> = [];
  for (let i = 0; i < size.workgroups; i++) {
    workgroups.push({
      id: `w${i}`,
      name: `Project ${i}`,
      ownerId: `u${pick(size.users)}`,
      moderatorIds: [`u${pick(size.users)}`],
      memberIds: [...new Set(Array.from({ length: 5 }, () => `u${pick(size.users)}`))],
    });
  }
  const types = ['contact', 'company', 'lead'] as const;
  const crmClients: NonNullable<DirectoryDocument['crmClients']> = [];
  for (let i = 0; i < size.crmClients; i++) {
    crmClients.push({
      id: `c${i}`,
      type: types[i % 3]!,
      name: `Client ${i}`,
      phones: [`+1212${String(3_000_000 + i).padStart(7, '0')}`],
      responsibleUserId: `u${pick(size.users)}`,
    });
  }
  return {
    departments,
    users,
    workgroups,
    crmClients,
    crmReadScopes: [{ accessCode: 'everyone', type: 'lead', level: 'department' }],
    blockedNumbers: ['+19005550000'],
  };
}

function main(): void {
  const { values } = parseArgs({
    options: {
      out: { type: 'string', default: 'bench/data' },
      users: { type: 'string', default: '10000' },
      departments: { type: 'string', default: '1000' },
      calls: { type: 'string', default: '100000' },
      checks: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '1' },
    },
  });
  const users = Number(values.users);
  const size = {
    users,
    departments: Number(values.departments),
    workgroups: Math.round(users / 5),
    crmClients: users,
    maxDepth: 8,
  };
  const seed = Number(values.seed);
  const company = generateCompany(size, seed);
  const next = random(seed + 1);
  const pick = (n: number) => Math.floor(next() * n);
  mkdirSync(values.out, { recursive: true });
  writeFileSync(join(values.out, 'directory.json'), JSON.stringify(company));

  const calls: string[] = [
    'id,userId,direction,phoneNumber,startedAt,durationSec,status,cost,currency',
  ];
  const start = Date.parse('2026-10-01T00:00:00Z');
  for (let i = 0; i < Number(values.calls); i++) {
    const userId = next() < 0.03 ? '' : `u${pick(users)}`;
    const at = new Date(start + pick(30 * 24 * 3600) * 1000).toISOString();
    calls.push(
      `k${i},${userId},${next() < 0.5 ? 'inbound' : 'outbound'},+1212${String(3_000_000 + pick(users)).padStart(7, '0')},${at},${pick(600)},answered,0.0${pick(9)},USD`,
    );
  }
  writeFileSync(join(values.out, 'calls.csv'), calls.join('\n') + '\n');

  const checks: string[] = [];
  const callCount = Number(values.calls);
  for (let i = 0; i < Number(values.checks); i++) {
    const userId = `u${pick(users)}`;
    const kind = pick(4);
    const permission = PERMISSION_KEYS[pick(PERMISSION_KEYS.length)]!;
    if (kind === 0 && callCount > 0)
      checks.push(
        JSON.stringify({ userId, permission: 'recording.listen', callId: `k${pick(callCount)}` }),
      );
    else if (kind === 1)
      checks.push(
        JSON.stringify({ userId, permission: 'callStats.view', targetUserId: `u${pick(users)}` }),
      );
    else if (kind === 2)
      checks.push(
        JSON.stringify({
          userId,
          permission: 'outboundCall.perform',
          phoneNumber:
            next() < 0.5
              ? `+1212${String(3_000_000 + pick(users)).padStart(7, '0')}`
              : '+14155550199',
        }),
      );
    else checks.push(JSON.stringify({ userId, permission }));
  }
  writeFileSync(join(values.out, 'checks.jsonl'), checks.join('\n') + '\n');
  process.stdout.write(
    `wrote ${values.out}: ${users} users, ${size.departments} departments, ${callCount} calls, ${checks.length} checks\n`,
  );
}

if (import.meta.url === `file://${process.argv[1]}`) main();
