import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { domainRouters } from '../../server/src/routes.js';
import { startTestApp, type TestApp } from '../support/app.js';

/** Routes anyone may call without a session. Everything else must answer 401 first. */
const PUBLIC = new Set(['POST /api/auth/login', 'POST /api/auth/logout']);

interface RouteLayer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
}

describe('every REST route checks the session', () => {
  let server: TestApp;
  let routes: Array<{ method: string; path: string }>;

  beforeAll(async () => {
    server = await startTestApp({ seed: false });
    routes = domainRouters(server.context).flatMap(({ path, router }) =>
      ((router as unknown as { stack: RouteLayer[] }).stack ?? []).flatMap((layer) => {
        if (!layer.route) return [];
        const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
        const methods = Object.keys(layer.route.methods).filter((method) => method !== '_all');
        return paths.flatMap((routePath) =>
          methods.map((method) => ({
            method: method.toUpperCase(),
            // Any well-formed id: the auth check must come before looking anything up.
            path: `${path}${routePath === '/' ? '' : routePath}`.replace(/:[A-Za-z]+/g, '0123456789abcdef01234567'),
          })),
        );
      }),
    );
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('finds the mounted routes', () => {
    expect(routes.length).toBeGreaterThan(8);
  });

  it('answers 401 to a request without a token on every non-public route', async () => {
    const unguarded: string[] = [];
    for (const { method, path } of routes) {
      if (PUBLIC.has(`${method} ${path}`)) continue;
      const response = await fetch(`${server.baseUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'GET' || method === 'HEAD' ? {} : { body: '{}' }),
      });
      if (response.status !== 401) unguarded.push(`${method} ${path} → ${response.status}`);
    }
    expect(unguarded).toEqual([]);
  });
});
