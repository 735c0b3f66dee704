import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { type Plugin, defineConfig } from 'vite';

/**
 * Writes `<file>.br` and `<file>.gz` beside each script, style sheet and page, once at build
 * time, for the server to send as they are (src/api/web.ts, @fastify/static's
 * `preCompressed`): no compression work per request, and no dependency for it.
 */
function precompress(): Plugin {
  return {
    name: 'callgate-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      for (const file of Object.values(bundle)) {
        if (!/\.(js|css|html)$/.test(file.fileName)) continue;
        const path = join(options.dir ?? '', file.fileName);
        const content = Buffer.from(file.type === 'chunk' ? file.code : file.source);
        writeFileSync(
          `${path}.br`,
          brotliCompressSync(content, {
            // Quality 9 is within a few per cent of 11 at a tenth of the build time.
            params: { [constants.BROTLI_PARAM_QUALITY]: 9 },
          }),
        );
        writeFileSync(`${path}.gz`, gzipSync(content, { level: 9 }));
      }
    },
  };
}

// The web app is built into dist/web and served by the API server itself (src/api/web.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true },
  plugins: [precompress()],
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
