import { defineConfig } from 'vite';

// The console is a static single-page app served by the local server (and by any static
// host in front of the API). No inline scripts or styles: the pages run under a strict CSP.
export default defineConfig({
  root: new URL('.', import.meta.url).pathname,
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
  },
  server: {
    // `vite --config console/vite.config.ts` for live editing against a running `npm start`.
    proxy: { '/v1': 'http://127.0.0.1:3000', '/.well-known': 'http://127.0.0.1:3000' },
  },
});
