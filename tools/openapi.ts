/**
 * Writes the web app's API types from the server's OpenAPI document (`npm run openapi`):
 * web/src/api-schema.d.ts, which web/src/types.ts and web/src/api.ts (openapi-fetch) read.
 * test/openapi-types.test.ts fails when the committed file differs from what this writes.
 *
 *   node dist/tools/openapi.js [--check]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import type { OpenAPI3 } from 'openapi-typescript';
import { format, resolveConfig } from 'prettier';
import { openApiDocument } from '../src/api/openapi-document.js';

export const API_SCHEMA_PATH = 'web/src/api-schema.d.ts';

const HEADER = `/**
 * The REST API's types, generated from the server's OpenAPI document by \`npm run openapi\`
 * (tools/openapi.ts). Do not edit: change the route schemas in src/api/routes/ and run it.
 */

`;

/** The text of web/src/api-schema.d.ts for the routes as they are now, formatted as committed. */
export async function renderApiSchema(): Promise<string> {
  const document = (await openApiDocument()) as unknown as OpenAPI3;
  // Mutable types: openapi-fetch's answer types do not carry readonly arrays through.
  const ast = await openapiTS(document);
  // Formatted as `npm run format` would, so the formatter and the check agree.
  const config = await resolveConfig(API_SCHEMA_PATH);
  return format(HEADER + astToString(ast), { ...config, filepath: API_SCHEMA_PATH });
}

async function main(): Promise<void> {
  const text = await renderApiSchema();
  if (process.argv.includes('--check')) {
    if (readFileSync(API_SCHEMA_PATH, 'utf8') !== text) {
      process.stderr.write(`${API_SCHEMA_PATH} is stale: run npm run openapi\n`);
      process.exitCode = 1;
    }
    return;
  }
  writeFileSync(API_SCHEMA_PATH, text);
  process.stdout.write(`wrote ${API_SCHEMA_PATH}\n`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
