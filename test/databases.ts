import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import pg from 'pg';
import { type DialectName, type Store, openStore } from '../src/store/database.js';

export const POSTGRES_URL =
  process.env.CALLGATE_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Why PostgreSQL can't be reached, or undefined when it can. A loaded machine (every suite
 * runs at once) can take seconds to accept a connection, so a timeout is tried again before
 * it counts: a refused connection is an answer, a slow one is not.
 */
export async function postgresReachable(): Promise<string | undefined> {
  let problem: string | undefined;
  for (let attempt = 0; attempt < 3; attempt++) {
    const client = new pg.Client({
      connectionString: POSTGRES_URL,
      connectionTimeoutMillis: 10_000,
    });
    try {
      await client.connect();
      await client.end();
      return undefined;
    } catch (error) {
      problem = (error as Error).message;
      if (!/timeout/i.test(problem)) return problem;
    }
  }
  return problem;
}

/** Where a fresh, empty database of this dialect lives, and how to throw it away. */
export function freshDatabase(dialect: DialectName): { url: string; drop: () => Promise<void> } {
  if (dialect === 'sqlite') {
    const dir = mkdtempSync(join(tmpdir(), 'callgate-test-'));
    return {
      url: join(dir, 'test.db'),
      drop: () => Promise.resolve(rmSync(dir, { recursive: true, force: true })),
    };
  }
  const schema = `cg_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  return {
    url: `${POSTGRES_URL}?schema=${schema}`,
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    },
  };
}

/**
 * Declares a suite once per dialect, `body` running inside it. Without a reachable
 * PostgreSQL the PostgreSQL half is skipped locally, and fails under CI (CI=true), where
 * skipping it would hide a broken dialect; `.ci/run` also fails on any skipped test.
 */
export function describeOnEachDialect(name: string, body: (dialect: DialectName) => void): void {
  for (const dialect of ['sqlite', 'postgres'] as const) describeOn(dialect, name, body);
}

/** Declares a suite that needs PostgreSQL (several servers over one database), as above. */
export function describeOnPostgres(name: string, body: () => void): void {
  describeOn('postgres', name, body);
}

function describeOn(
  dialect: DialectName,
  name: string,
  body: (dialect: DialectName) => void,
): void {
  describe(`${name} [${dialect}]`, async () => {
    const problem = dialect === 'postgres' ? await postgresReachable() : undefined;
    if (problem === undefined) return body(dialect);
    // Under CI this is a failing test; elsewhere a skipped one. Either way it is counted.
    const skip = process.env.CI ? false : `not reachable at ${POSTGRES_URL}: ${problem}`;
    test('PostgreSQL is reachable', { skip }, () => {
      throw new Error(`PostgreSQL is required under CI and is not reachable: ${problem}`);
    });
  });
}

/** Declares the same suite on SQLite and on PostgreSQL, each on its own fresh database. */
export function describeEachDatabase(
  name: string,
  suite: (store: () => Store, dialect: DialectName) => void,
): void {
  describeOnEachDialect(name, (dialect) => {
    let store: Store | undefined;
    let drop: (() => Promise<void>) | undefined;
    before(async () => {
      const database = freshDatabase(dialect);
      drop = database.drop;
      store = await openStore(database.url);
    });
    after(async () => {
      await store?.close();
      await drop?.();
    });
    suite(() => {
      if (!store) throw new Error('store not open yet');
      return store;
    }, dialect);
  });
}
