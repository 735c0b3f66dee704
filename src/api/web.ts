import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteAccess } from './access.js';
import type { App } from './app.js';

/** Where Vite puts the web app (web/vite.config.ts): dist/web beside dist/src. */
export const WEB_ROOT = fileURLToPath(new URL('../../web/', import.meta.url));

/**
 * The page's own rules: scripts, styles, media and requests only from this server, no
 * framing. Style attributes are allowed: React sets them.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "media-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

/** True when the web app was built (`npm run build`); the API works without it. */
export function hasWebApp(): boolean {
  return existsSync(`${WEB_ROOT}index.html`);
}

/**
 * Vite names every file under assets/ by a hash of its content, so a browser may keep them
 * for good: a new build is a new name. index.html names them, so it is checked every time.
 */
const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * Serves the built web app's files, public like any web page's assets. The build writes a
 * Brotli and a gzip copy beside each text file (web/vite.config.ts), sent to browsers that
 * accept them: the script is 350 kB, a quarter of that compressed.
 */
export async function registerWebApp(app: App): Promise<void> {
  await app.register(async (web) => {
    web.addHook('onRoute', (route) => {
      route.config = {
        ...route.config,
        access: { kind: 'public', reason: "the web app's static files" } satisfies RouteAccess,
      };
    });
    web.addHook('onSend', async (_request, reply) => {
      void reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
      void reply.header('vary', 'accept-encoding');
    });
    await web.register(fastifyStatic, {
      root: WEB_ROOT,
      prefix: '/',
      index: 'index.html',
      preCompressed: true,
      cacheControl: false,
      setHeaders: (response, path) => {
        response.setHeader(
          'cache-control',
          path.startsWith(`${WEB_ROOT}assets/`) ? IMMUTABLE : 'no-cache',
        );
      },
    });
  });
}

/**
 * The single-page app's routes (/calls, /roles, …) are the app's, not the server's: a
 * browser asking for an unknown page gets index.html; anything else gets a JSON 404.
 */
export function isAppPage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0] ?? '';
  return (
    request.method === 'GET' &&
    hasWebApp() &&
    !path.startsWith('/api/') &&
    !path.startsWith('/docs') &&
    (request.headers.accept ?? '').includes('text/html')
  );
}

export function sendAppPage(reply: FastifyReply): FastifyReply {
  return reply
    .header('content-security-policy', CONTENT_SECURITY_POLICY)
    .header('cache-control', 'no-cache')
    .sendFile('index.html', WEB_ROOT);
}
