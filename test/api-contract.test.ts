import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { buildApp, registeredRoutes } from '../src/api/app.js';
import { createServices } from '../src/api/services.js';
import { ERROR_STATUS } from '../src/errors.js';
import { openStore } from '../src/store/database.js';

/**
 * The contract of ../shared/API.md, read from the document itself: every endpoint it
 * lists is registered, and every error code it lists exists with its status.
 */
const API_MD = readFileSync(new URL('../../../shared/API.md', import.meta.url), 'utf8');
const rows = API_MD.split('\n').filter((line) => line.startsWith('|'));

function documentedEndpoints(): string[] {
  const endpoints = new Set<string>();
  for (const row of rows) {
    let last: string | undefined;
    for (const match of row.matchAll(
      /`(GET|POST|PUT|DELETE|PATCH)(?: (\/[^`?\s]+))?[^`]*`( the same)?/g,
    )) {
      const path = match[2] ?? (match[3] ? last : undefined);
      if (path === undefined) continue;
      last = path;
      endpoints.add(`${match[1]} ${path.replace(/\{[^}]+\}/g, ':')}`);
    }
  }
  return [...endpoints].sort();
}

test('every endpoint API.md lists is served', async () => {
  const documented = documentedEndpoints();
  assert.ok(documented.length >= 30, `only ${documented.length} endpoints read from API.md`);
  const store = await openStore(':memory:');
  const app = await buildApp(
    createServices(store, { secretKey: Buffer.alloc(32, 1), dataDir: '/nonexistent' }),
  );
  await app.ready();
  const served = new Set(
    registeredRoutes(app).flatMap((r) =>
      (Array.isArray(r.method) ? r.method : [r.method]).map(
        (m) => `${String(m)} ${r.url.replace(/:[A-Za-z]+/g, ':')}`,
      ),
    ),
  );
  // The OpenAPI document at /docs is generated from the same route schemas.
  const openapi = await app.inject({ method: 'GET', url: '/docs/json' });
  assert.equal(openapi.statusCode, 200);
  const paths = Object.keys((JSON.parse(openapi.body) as { paths: Record<string, unknown> }).paths);
  // Line access (SPEC §5 rule 5) and each settings section API.md names, PUT and GET alike.
  assert.ok(paths.includes('/api/v1/numbers/{number}/access'), paths.join(' '));
  const sectionsRow = rows.find((row) => row.includes('`GET /api/v1/settings/{section}`'));
  const sections = [
    ...(/`section`: ([^|]+)/.exec(sectionsRow ?? '')?.[1] ?? '').matchAll(/`([a-z-]+)`/g),
  ].map((m) => m[1]!);
  assert.ok(
    sections.includes('outbound-policy') && sections.includes('emergency-numbers'),
    sectionsRow,
  );
  for (const section of sections) {
    for (const method of ['GET', 'PUT'])
      assert.ok(
        served.has(`${method} /api/v1/settings/${section}`),
        `${method} settings/${section}`,
      );
  }
  await app.close();
  await store.close();
  assert.deepEqual(
    documented.filter((e) => !served.has(e)),
    [],
  );
  assert.ok(
    paths.includes('/api/v1/calls/{id}') && paths.includes('/api/v1/permissions/check'),
    paths.join(' '),
  );
});

test('every error code API.md lists exists, with its status', () => {
  const documented: [string, number][] = [];
  for (const row of rows) {
    const status = /^\|\s*(\d{3})\s*\|/.exec(row)?.[1];
    if (status === undefined) continue;
    for (const code of row.matchAll(/`([a-z_]+)`/g)) documented.push([code[1]!, Number(status)]);
  }
  assert.ok(documented.length >= 13, `only ${documented.length} codes read`);
  for (const [code, status] of documented) {
    assert.equal(ERROR_STATUS[code as keyof typeof ERROR_STATUS], status, code);
  }
});
