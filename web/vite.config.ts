import { defineConfig } from 'vite';

// The web app is built into dist/web and served by the API server itself (src/api/web.ts).
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: { outDir: '../dist/web', emptyOutDir: true, sourcemap: true },
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
