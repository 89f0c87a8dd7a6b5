// The dashboard's build. `npm start` and `npm test` run it through scripts/build-web.ts when web/
// changed; `npm run web:dev` serves it with hot reload, the API proxied to a running `npm start`.
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: '../dist/web',
    emptyOutDir: true,
    target: 'es2022',
    // The shared chunk (React, Ant Design's core) is ~220 kB gzipped; pages are split off it.
    chunkSizeWarningLimit: 1000,
  },
  server: {
    proxy: { '/api': `http://127.0.0.1:${process.env.PORT ?? 3000}` },
  },
});
