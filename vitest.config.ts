import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// Every project reads the shared contracts from source, so tests never need a build first.
const resolve = {
  alias: [
    { find: /^@crm\/shared$/, replacement: root('./shared/src/index.ts') },
    { find: /^@crm\/shared\/(.*)$/, replacement: root('./shared/src/$1') },
  ],
};

export default defineConfig({
  test: {
    projects: [
      {
        resolve,
        test: { name: 'shared', environment: 'node', include: ['shared/src/**/*.test.ts'] },
      },
      {
        resolve,
        test: { name: 'server', environment: 'node', include: ['server/src/**/*.test.ts'] },
      },
      {
        resolve,
        test: {
          name: 'consoles',
          environment: 'jsdom',
          include: ['agent-console/src/**/*.test.{ts,tsx}', 'supervisor-dashboard/src/**/*.test.{ts,tsx}'],
        },
      },
      {
        resolve,
        test: {
          name: 'integration',
          environment: 'node',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Integration tests start real servers (store, PBX simulator, Chromium); two cores.
          // They run after the fast unit projects, in their own group (vitest needs one per maxWorkers).
          maxWorkers: 2,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
