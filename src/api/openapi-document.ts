import { buildApp } from './app.js';
import { createServices } from './services.js';
import { openStore } from '../store/database.js';

/**
 * The REST API's OpenAPI document, as GET /api/docs/json serves it: the app is built in
 * process over a throwaway in-memory database and never listens, so writing the document
 * (`npm run openapi`) needs no server, configuration or data.
 *
 * @example const document = await openApiDocument(); // { openapi: '3.0.3', paths: {...} }
 */
export async function openApiDocument(): Promise<Record<string, unknown>> {
  const store = await openStore(':memory:');
  try {
    // A fixed key: nothing is sealed, and no key file may be written beside the caller.
    const services = createServices(store, { secretKey: Buffer.alloc(32) });
    const app = await buildApp(services);
    try {
      await app.ready();
      return app.swagger() as unknown as Record<string, unknown>;
    } finally {
      await app.close();
    }
  } finally {
    await store.close();
  }
}
