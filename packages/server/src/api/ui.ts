// Serves the web UI (packages/ui/dist, built by `npm run build:ui`) at `/` with an SPA
// fallback: any other GET that is not an API/server path answers index.html, so deep links
// like /trace/<id>?span=<id> load the app. Server paths keep their own 404s.
import { existsSync, readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { extname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const DEFAULT_UI_DIR = fileURLToPath(new URL('../../../ui/dist', import.meta.url));

/** Paths the SPA fallback must never answer: they belong to the server. */
const SERVER_PATHS = /^\/(api|tempo|prometheus|admin|login|logout|metrics|livez|readyz)(\/|$|\?)/;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json',
};

export function isServerPath(url: string): boolean {
  return SERVER_PATHS.test(url);
}

export const UI_MISSING_MESSAGE =
  'web UI not built (packages/ui/dist is missing): run `npm run build:ui` (npm install does it) and restart; the API works without it';

let warned = false;

export function uiRoutes(app: FastifyInstance, opts: { dir?: string } = {}): void {
  const dir = opts.dir ?? DEFAULT_UI_DIR;
  const indexPath = join(dir, 'index.html');
  const built = existsSync(indexPath);
  if (!built && !warned) {
    warned = true;
    console.warn(`tracehouse: ${UI_MISSING_MESSAGE}`);
  }
  let index: Buffer | null = built ? readFileSync(indexPath) : null;

  const sendIndex = (reply: FastifyReply) => {
    if (!index && existsSync(indexPath)) index = readFileSync(indexPath);
    if (!index)
      return reply
        .code(503)
        .type('text/html; charset=utf-8')
        .send(`<!doctype html><title>tracehouse</title><h1>tracehouse</h1><p>The ${UI_MISSING_MESSAGE}.</p>`);
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
  };

  app.get('/', { schema: { hide: true } }, async (_req, reply) => sendIndex(reply));
  app.get('/*', { schema: { hide: true } }, async (req, reply) => {
    const path = decodeURIComponent(req.url.split('?')[0]!);
    if (isServerPath(path)) return reply.code(404).send({ error: `no route GET ${path}` });
    const ext = extname(path);
    if (ext && TYPES[ext]) {
      const file = normalize(join(dir, path));
      if (file.startsWith(dir + sep)) {
        try {
          const body = await readFile(file);
          const immutable = path.startsWith('/assets/');
          return reply
            .type(TYPES[ext]!)
            .header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache')
            .send(body);
        } catch {}
      }
      if (path.startsWith('/assets/')) return reply.code(404).send({ error: `no file ${path}` });
    }
    return sendIndex(reply);
  });
}
