import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, type Transaction, sql } from 'kysely';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { appendAudit, auditHash, GENESIS_HASH, verifyAudit } from '../src/store/audit.js';
import { topUpBalance } from '../src/telephony/balance.js';
import { type DialectName, type Store, openStore } from '../src/store/database.js';
import { migrationProvider } from '../src/store/migrations/index.js';
import type { Database } from '../src/store/schema.js';
import { callgate } from './cli-run.js';
import { describeOnEachDialect, freshDatabase } from './databases.js';
import { START, seedAccount } from './http.js';

/** Runs `change` with the append-only triggers out of the way, as an attacker with SQL access would. */
async function tamper(
  store: Store,
  change: (trx: Transaction<Database>) => Promise<void>,
): Promise<void> {
  await store.db.transaction().execute(async (trx) => {
    if (store.dialect === 'postgres') {
      await sql`set local session_replication_role = replica`.execute(trx);
      await change(trx);
      return;
    }
    const triggers = await sql<{ name: string; sql: string }>`
      select name, sql from sqlite_master where type = 'trigger' and tbl_name = 'audit_log'`.execute(
      trx,
    );
    assert.equal(triggers.rows.length, 2);
    for (const { name } of triggers.rows) await sql`drop trigger ${sql.id(name)}`.execute(trx);
    await change(trx);
    for (const trigger of triggers.rows) await sql.raw(trigger.sql).execute(trx);
  });
}

async function ids(store: Store, accountId: string): Promise<number[]> {
  const rows = await store.db
    .selectFrom('audit_log')
    .select('id')
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map((row) => row.id);
}

async function cli(db: string, ...args: string[]): Promise<{ code: number; stdout: string }> {
  const run = await callgate(db, args);
  return { code: run.code, stdout: run.stdout + run.stderr };
}

describeOnEachDialect('audit hash chain', (dialect) => {
  let opened: { store: Store; url: string; drop: () => Promise<void> } | undefined;
  before(async () => {
    const database = freshDatabase(dialect);
    opened = { store: await openStore(database.url), url: database.url, drop: database.drop };
  });
  after(async () => {
    await opened?.store.close();
    await opened?.drop();
  });
  const store = (): Store => opened!.store;
  // Each test tampers with its own account; the others must stay intact.
  const seed = async (accountId: string): Promise<number[]> => {
    await seedAccount(store(), accountId, START);
    for (let i = 1; i <= 8; i += 1)
      await topUpBalance(store().db, accountId, { amount: i }, 'user:u0', START + i);
    return ids(store(), accountId);
  };

  test('entries appended through the services form an intact chain', async () => {
    const entries = await seed('intact');
    assert.ok(entries.length >= 10, `only ${entries.length} entries`);
    const result = await verifyAudit(store().db, 'intact');
    assert.equal(result.broken, undefined);
    assert.equal(result.entries, entries.length);
    const rows = await store()
      .db.selectFrom('audit_log')
      .selectAll()
      .where('account_id', '=', 'intact')
      .orderBy('id')
      .execute();
    assert.equal(rows[0]!.prev_hash, GENESIS_HASH);
    for (let i = 1; i < rows.length; i += 1) assert.equal(rows[i]!.prev_hash, rows[i - 1]!.hash);
    for (const row of rows) {
      assert.match(row.hash!, /^[0-9a-f]{64}$/);
      assert.equal(auditHash(row.prev_hash!, row), row.hash);
    }
    assert.equal(result.headHash, rows.at(-1)!.hash);
  });

  test('the database refuses UPDATE and DELETE on audit_log, and so the deletion of an account', async () => {
    const [first] = await seed('locked');
    await assert.rejects(
      store()
        .db.updateTable('audit_log')
        .set({ actor: 'system' })
        .where('id', '=', first!)
        .execute(),
      /append-only/,
    );
    await assert.rejects(
      store().db.deleteFrom('audit_log').where('id', '=', first!).execute(),
      /append-only/,
    );
    await assert.rejects(sql`delete from audit_log`.execute(store().db), /append-only/);
    await assert.rejects(
      store().db.deleteFrom('accounts').where('id', '=', 'locked').execute(),
      /append-only/,
    );
    if (dialect === 'postgres')
      await assert.rejects(sql`truncate audit_log`.execute(store().db), /append-only/);
    assert.equal((await verifyAudit(store().db, 'locked')).broken, undefined);
  });

  test('an edited entry is found, by id', async () => {
    const entries = await seed('edited');
    const victim = entries[3]!;
    await tamper(store(), async (trx) => {
      await trx
        .updateTable('audit_log')
        .set({ actor: 'system' })
        .where('id', '=', victim)
        .execute();
    });
    const result = await verifyAudit(store().db, 'edited');
    assert.deepEqual(
      { id: result.broken?.id, reason: result.broken?.reason },
      { id: victim, reason: 'edited' },
    );
    assert.equal((await verifyAudit(store().db, 'intact')).broken, undefined);
  });

  test('a removed entry is found at the entry after it', async () => {
    const entries = await seed('removed');
    await tamper(store(), async (trx) => {
      await trx.deleteFrom('audit_log').where('id', '=', entries[2]!).execute();
    });
    const result = await verifyAudit(store().db, 'removed');
    assert.deepEqual(
      { id: result.broken?.id, reason: result.broken?.reason },
      { id: entries[3], reason: 'removed' },
    );
  });

  test('an entry rewritten with a fresh hash of its own is found at the entry after it', async () => {
    const entries = await seed('rehashed');
    const victim = entries[2]!;
    await tamper(store(), async (trx) => {
      const row = await trx
        .selectFrom('audit_log')
        .selectAll()
        .where('id', '=', victim)
        .executeTakeFirstOrThrow();
      const forged = { ...row, actor: 'system' };
      await trx
        .updateTable('audit_log')
        .set({ actor: 'system', hash: auditHash(row.prev_hash!, forged) })
        .where('id', '=', victim)
        .execute();
    });
    const result = await verifyAudit(store().db, 'rehashed');
    assert.deepEqual(
      { id: result.broken?.id, reason: result.broken?.reason },
      { id: entries[3], reason: 'removed' },
    );
    assert.match(result.broken!.message, /rewritten/);
  });

  test('two entries swapped (every column but the id) are found as reordered', async () => {
    const entries = await seed('swapped');
    const [a, b] = [entries[4]!, entries[5]!];
    await tamper(store(), async (trx) => {
      const rows = await trx
        .selectFrom('audit_log')
        .selectAll()
        .where('id', 'in', [a, b])
        .orderBy('id')
        .execute();
      const contents = rows.map(({ id: _id, ...content }) => content);
      await trx.updateTable('audit_log').set(contents[1]!).where('id', '=', a).execute();
      await trx.updateTable('audit_log').set(contents[0]!).where('id', '=', b).execute();
    });
    const result = await verifyAudit(store().db, 'swapped');
    assert.deepEqual(
      { id: result.broken?.id, reason: result.broken?.reason },
      { id: a, reason: 'reordered' },
    );
  });

  test('callgate audit verify: 0 when intact, 1 with the entry and the reason when not', async () => {
    const entries = await seed('cli');
    const url = opened!.url;
    const intact = await cli(url, 'audit', 'verify', '--account', 'cli');
    assert.equal(intact.code, 0, intact.stdout);
    assert.match(
      intact.stdout,
      new RegExp(`^cli: intact, ${entries.length} entries, head [0-9a-f]{64}\\n$`),
    );
    await tamper(store(), async (trx) => {
      await trx
        .updateTable('audit_log')
        .set({ detail: '{"forged":true}' })
        .where('id', '=', entries[1]!)
        .execute();
    });
    const broken = await cli(url, 'audit', 'verify', '--account', 'cli');
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, new RegExp(`^cli: broken at entry ${entries[1]}: edited: `));
    // Without --account every account is checked: the tampered ones fail the run.
    const all = await cli(url, 'audit', 'verify', '--json');
    assert.equal(all.code, 1);
    const results = all.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { accountId: string; broken?: { reason: string } });
    const byAccount = new Map(results.map((r) => [r.accountId, r.broken?.reason ?? 'intact']));
    assert.equal(byAccount.get('intact'), 'intact');
    assert.equal(byAccount.get('cli'), 'edited');
    const missing = await cli(url, 'audit', 'verify', '--account', 'nobody');
    assert.equal(missing.code, 1);
  });

  test('50 concurrent appends to one account leave one chain', async () => {
    await seed('busy');
    const before = (await ids(store(), 'busy')).length;
    await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        appendAudit(
          store().db,
          'busy',
          { type: 'outboundCall.refused', actor: 'user:u4', subject: `+1415555${1000 + i}` },
          START + i,
        ),
      ),
    );
    const result = await verifyAudit(store().db, 'busy');
    assert.equal(result.broken, undefined, result.broken?.message);
    assert.equal(result.entries, before + 50);
  });
});

describeOnEachDialect('audit chain migration', (dialect) => {
  test('rows written before the chain existed are chained in id order per account', async () => {
    const database = freshDatabase(dialect);
    const db = rawKysely(dialect, database.url);
    try {
      if (dialect === 'postgres')
        await sql`create schema if not exists ${sql.id(schemaOf(database.url))}`.execute(db);
      const migrator = new Migrator({
        db,
        provider: migrationProvider,
        ...(dialect === 'postgres' && { migrationTableSchema: schemaOf(database.url) }),
      });
      const { error } = await migrator.migrateTo('2026-11-22-5-call-list-windows');
      assert.equal(error, undefined);
      for (const id of ['a', 'b'])
        await sql`insert into accounts (id, name, plan, edition, default_country, created_at)
                  values (${id}, ${id}, 'basic', 'cloud', 'US', ${START})`.execute(db);
      // Interleaved accounts, as a shared log is.
      for (let i = 0; i < 6; i += 1) {
        await sql`insert into audit_log (account_id, at, actor, type, subject, detail)
                  values (${i % 2 === 0 ? 'a' : 'b'}, ${START + i}, 'operator', 'settings.changed',
                          ${`s${i}`}, ${JSON.stringify({ i })})`.execute(db);
      }
    } finally {
      await db.destroy();
    }
    const store = await openStore(database.url);
    try {
      for (const accountId of ['a', 'b']) {
        const result = await verifyAudit(store.db, accountId);
        assert.deepEqual([result.entries, result.broken], [3, undefined]);
      }
      // New entries chain on to the backfilled ones.
      await appendAudit(store.db, 'a', { type: 'settings.changed', actor: 'cli' }, START + 10);
      assert.equal((await verifyAudit(store.db, 'a')).entries, 4);
      assert.equal((await verifyAudit(store.db, 'a')).broken, undefined);
    } finally {
      await store.close();
      await database.drop();
    }
  });
});

function schemaOf(url: string): string {
  return new URL(url).searchParams.get('schema')!;
}

function rawKysely(dialect: DialectName, url: string): Kysely<Database> {
  if (dialect === 'sqlite')
    return new Kysely({ dialect: new SqliteDialect({ database: new SQLite(url) }) });
  const parsed = new URL(url);
  parsed.searchParams.delete('schema');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    options: `-c search_path=${schemaOf(url)}`,
  });
  return new Kysely({ dialect: new PostgresDialect({ pool }) });
}

describe('append-only in the code', () => {
  // The one update audit_log ever sees: the migration that chains rows older than the chain.
  const ALLOWED = new Set(['src/store/migrations/2026-11-22-7-audit-chain.ts']);
  const root = join(import.meta.dirname, '..', '..');

  function sources(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return sources(path);
      return /\.tsx?$/.test(entry.name) ? [path] : [];
    });
  }

  test('no code under src/ updates or deletes audit_log rows', () => {
    const files = sources(join(root, 'src'));
    assert.ok(files.length > 50, `found only ${files.length} source files under ${root}`);
    const writes =
      /(updateTable|deleteFrom|replaceInto|mergeInto)\(\s*['"`]audit_log\b|\b(update|delete\s+from|truncate(\s+table)?|replace\s+into)\s+["'`]?audit_log\b/i;
    const offenders = files
      .map((file) => relative(root, file).replaceAll('\\', '/'))
      .filter((file) => !ALLOWED.has(file))
      .filter((file) => writes.test(readFileSync(join(root, file), 'utf8')));
    assert.deepEqual(offenders, []);
    // The scan itself must see a write when there is one.
    assert.ok(writes.test(readFileSync(join(root, [...ALLOWED][0]!), 'utf8')));
    assert.ok(writes.test("await db.deleteFrom('audit_log').execute()"));
    assert.ok(writes.test('DELETE FROM audit_log WHERE id = 1'));
  });
});
