import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const shared = (path: string) => fileURLToPath(new URL(`../shared/src/${path}`, import.meta.url));

// The supervisor dashboard is served at `/supervisor/` (the admin section is `/supervisor/admin`).
export default defineConfig({
  base: '/supervisor/',
  plugins: [react()],
  resolve: {
    alias: [
      { find: /^@crm\/shared$/, replacement: shared('index.ts') },
      { find: /^@crm\/shared\/(.*)$/, replacement: shared('$1') },
    ],
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries change less often than our code: a separate chunk stays cached across releases.
        codeSplitting: {
          groups: [
            { name: 'react', test: /node_modules[\\/](react|react-dom|scheduler|@tanstack|wouter|react-i18next|i18next)[\\/]/ },
            { name: 'vendor', test: /node_modules[\\/]/ },
          ],
        },
      },
    },
  },
  server: {
    port: 5174,
    // In development the API and the socket live on the server (npm start, PORT 3000).
    proxy: {
      '/api': 'http://localhost:3000',
      '/healthz': 'http://localhost:3000',
      '/socket.io': { target: 'http://localhost:3000', ws: true },
    },
  },
});
