import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { API_SCHEMA_PATH, renderApiSchema } from '../tools/openapi.js';

test('the web app’s API types are generated from the route schemas as they are now', async () => {
  const generated = await renderApiSchema();
  // A sanity check that the document is the real one, not an empty app's.
  assert.match(generated, /'\/api\/v1\/calls\/stats'/);
  assert.ok(
    readFileSync(API_SCHEMA_PATH, 'utf8') === generated,
    `${API_SCHEMA_PATH} is stale: run \`npm run openapi\` and commit it`,
  );
});
