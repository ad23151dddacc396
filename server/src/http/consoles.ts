import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type Request, type Response } from 'express';

/** Paths the agent console's SPA fallback never answers (the API and machine endpoints). */
const RESERVED = /^\/(api|socket\.io|healthz|metrics|supervisor)(\/|$)/;

function notBuiltPage(name: string): string {
  return `<!doctype html><html lang="en"><meta charset="utf-8"><title>${name} is not built</title>
<body style="font-family:system-ui,sans-serif;max-width:40rem;margin:4rem auto">
<h1>${name} is not built yet</h1>
<p>Run <code>npm run build</code> (or <code>npm start</code>, which builds what is missing) and reload this page.</p>
</body></html>`;
}

function spa(dir: string, name: string) {
  const indexFile = join(dir, 'index.html');
  return (_req: Request, res: Response) => {
    if (!existsSync(indexFile)) {
      res.status(503).type('html').send(notBuiltPage(name));
      return;
    }
    // The HTML shell is never cached so a new build is picked up; hashed assets are.
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(indexFile);
  };
}

const assetOptions = {
  index: false,
  redirect: false,
  fallthrough: true,
  setHeaders(res: Response, path: string) {
    if (/\/assets\//.test(path)) res.setHeader('Cache-Control', 'public, max-age=31536000, immutable');
  },
};

/**
 * Serves the built consoles: the supervisor dashboard under `/supervisor/` and the agent console
 * (which also has the login page, `/login`) at `/`, each with an SPA fallback to its index.html.
 */
export function consolesRouter({ agentConsoleDir, supervisorDashboardDir }: { agentConsoleDir: string; supervisorDashboardDir: string }): Router {
  const router = Router();
  const supervisor = spa(supervisorDashboardDir, 'The supervisor dashboard');
  const agent = spa(agentConsoleDir, 'The agent console');

  // Relative asset URLs and the router base need the trailing slash (non-strict routing would
  // otherwise treat /supervisor and /supervisor/ alike).
  router.use((req, res, next) => {
    if ((req.method !== 'GET' && req.method !== 'HEAD') || req.path !== '/supervisor') return next();
    const query = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
    res.redirect(301, `/supervisor/${query}`);
  });
  router.use('/supervisor', express.static(supervisorDashboardDir, assetOptions));
  router.get(/^\/supervisor\/.*/, (req, res, next) => {
    if (/\/assets\//.test(req.path)) return next();
    supervisor(req, res);
  });

  router.use(express.static(agentConsoleDir, assetOptions));
  router.get(/.*/, (req, res, next) => {
    if (RESERVED.test(req.path) || /\/assets\//.test(req.path)) return next();
    agent(req, res);
  });
  return router;
}
