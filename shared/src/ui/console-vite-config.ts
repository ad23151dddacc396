import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const sharedSource = (path: string) => fileURLToPath(new URL(`../${path}`, import.meta.url));

export interface ConsoleViteOptions {
  /** Where the server serves this console: `/` or `/supervisor/`. */
  base: string;
  /** Port of `npm run dev` for this console, so both can run side by side. */
  devPort: number;
}

/**
 * The one Vite config both consoles build with; each `vite.config.ts` only says where it is served.
 * Lives beside the shared UI it compiles, so the `@crm/shared` alias points at the same sources the
 * consoles' tsconfig `paths` do.
 */
export function consoleViteConfig({ base, devPort }: ConsoleViteOptions): UserConfig {
  return defineConfig({
    base,
    plugins: [react()],
    resolve: {
      alias: [
        { find: /^@crm\/shared$/, replacement: sharedSource('index.ts') },
        { find: /^@crm\/shared\/(.*)$/, replacement: sharedSource('$1') },
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
      port: devPort,
      // In development the API and the socket live on the server (npm start, PORT 3000).
      proxy: {
        '/api': 'http://localhost:3000',
        '/healthz': 'http://localhost:3000',
        '/socket.io': { target: 'http://localhost:3000', ws: true },
      },
    },
  });
}
