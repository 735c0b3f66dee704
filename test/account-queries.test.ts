import assert from 'node:assert/strict';
import { test } from 'node:test';
import SQLite from 'better-sqlite3';
import { sql } from 'kysely';
import pg from 'pg';
import { type RouteInfo, pathOf, queryOf, routesOf, send, validExamples } from './hostile.js';
import { type Harness, describeHttp } from './http.js';

/**
 * "Every query names its account" (ARCHITECTURE.md, "The path to a sharded PostgreSQL"):
 * distributed by `account_id`, a statement that does not name the account fans out to every
 * shard, or worse, reads across tenants. This suite records every statement the database
 * driver is handed while the harness company is seeded and a valid request is sent to every
 * route, then fails on any statement that touches a table keyed by `account_id` without
 * naming that column. The recording sits below Kysely, at the drivers, so statements
 * written as SQL (the token statement) are checked like built ones.
 */
const statements = new Set<string>();

// The originals, called with the patched method's own `this`.
// eslint-disable-next-line @typescript-eslint/unbound-method
const prepare = SQLite.prototype.prepare;
SQLite.prototype.prepare = function (this: SQLite.Database, source: string) {
  statements.add(source);
  return prepare.call(this, source) as SQLite.Statement;
} as typeof prepare;

// eslint-disable-next-line @typescript-eslint/unbound-method
const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
  const text = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: string })?.text;
  if (typeof text === 'string') statements.add(text);
  return query.apply(this, args);
} as typeof pg.Client.prototype.query;

/** Tables read by name from the statement: after from, join, into, update. */
const TABLE_REFERENCE = /\b(?:from|join|into|update)\s+"?([a-z_][a-z0-9_]*)"?/gi;
const DML = /^\s*(?:with|select|insert|update|delete)\b/i;

/**
 * Statements that cross accounts by nature, each with the reason. Sharded, they stay
 * correct and cost a fan-out (ARCHITECTURE.md, "The path to a sharded PostgreSQL").
 */
const CROSS_ACCOUNT: readonly { readonly pattern: RegExp; readonly why: string }[] = [
  {
    pattern: /from "number_inventory" as "i" left join "account_numbers"/,
    why: 'numbers free to rent: a number rented by any account is taken',
  },
  {
    pattern:
      /^update tokens set expires_at = \S+\s+where expires_at is null and revoked_at is null$/,
    why: 'migration 2026-12-06-10-user-incarnation: once, at the upgrade, over every account',
  },
  {
    pattern: /^select \* from "users"$/,
    why: 'migration 2026-12-06-50-directory-search: once, at the upgrade, the search terms of every account',
  },
  {
    pattern: /calls_partitioned|to_timestamp\(started_at/,
    why: 'call history partitions are by month for every account: migration 2026-12-06-80 moves every call once, and the server asks which months the default partition holds',
  },
];

describeHttp('every query names its account', (h) => {
  test('each statement on an account-keyed table names account_id', async () => {
    const routes = routesOf(h().app);
    const examples = await validExamples(h(), routes);
    // Reads before writes, so a DELETE does not leave a later read of the same item a 404.
    const ordered = [...routes].sort((a, b) => Number(b.read) - Number(a.read));
    let served = 0;
    for (const route of ordered) {
      const parts = examples.get(route.key);
      assert.ok(parts, `${route.key}: no valid example`);
      const response = await send(
        h(),
        actorFor(route),
        route.method,
        pathOf(route, parts.params) + queryOf(parts.query),
        parts,
      );
      if (response.statusCode < 400) served++;
    }
    assert.ok(
      served > routes.length / 2,
      `only ${served} of ${routes.length} routes answered 2xx/3xx`,
    );

    const keyed = await accountKeyedTables(h());
    assert.ok(keyed.has('calls') && keyed.has('audit_log'), [...keyed].join(' '));
    const dml = [...statements].filter((s) => DML.test(s));
    assert.ok(dml.length > 50, `only ${dml.length} statements recorded`);
    const offenders = dml.filter((text) => {
      const tables = [...text.matchAll(TABLE_REFERENCE)].map((m) => m[1]!.toLowerCase());
      return (
        tables.some((t) => keyed.has(t)) &&
        !/\baccount_id\b/i.test(text) &&
        !CROSS_ACCOUNT.some((c) => c.pattern.test(text))
      );
    });
    assert.deepEqual(offenders, []);
  });
});

/** Who may send a route's valid request: the operator, the administrator u0, or the application. */
function actorFor(route: RouteInfo): string | null {
  const access = route.access;
  if (access?.kind === 'operator') return 'operator';
  if (access?.kind === 'account') return access.scope === 'telephony' ? 'u0' : 'app';
  return null;
}

/** The tables with an `account_id` column, from the database's own catalogue. */
async function accountKeyedTables(harness: Harness): Promise<Set<string>> {
  const { db, dialect } = harness.store;
  const rows =
    dialect === 'sqlite'
      ? (
          await sql<{
            name: string;
          }>`select m.name from sqlite_master m, pragma_table_info(m.name) c
            where m.type = 'table' and c.name = 'account_id'`.execute(db)
        ).rows
      : (
          await sql<{ name: string }>`select table_name as name from information_schema.columns
            where column_name = 'account_id' and table_schema = current_schema()`.execute(db)
        ).rows;
  return new Set(rows.map((r) => r.name));
}
