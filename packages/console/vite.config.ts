import { defineConfig } from 'vite';

/** The page is served by the API at `/` under a CSP without inline scripts or styles: every asset is a file. */
export default defineConfig({
  base: '/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    reportCompressedSize: true,
  },
});
