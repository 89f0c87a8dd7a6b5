// The dashboard (web/, built by scripts/build-web.ts into dist/web): its files as they are, and
// index.html for every other path a person may open or reload (/measures/<id>, /office?list=…),
// where the browser's router takes over. /api, /docs and /health keep their own answers,
// unknown ones included (the JSON 404).
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

export const WEB_ROOT = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** Paths that are never the dashboard's, and files: a miss there is a 404, not the page. */
const NOT_A_PAGE = /^\/(api|docs|health)(\/|$)|\.[a-z0-9]+$/i;

export default fp<{ root: string }>(
  async function web(app: FastifyInstance, opts) {
    const indexFile = path.join(opts.root, 'index.html');
    if (!existsSync(indexFile)) {
      app.log.warn(`界面未构建，仅提供接口 / the dashboard is not built (${indexFile} missing): serving the API only; npm start builds it`);
      return;
    }
    const index = readFileSync(indexFile);
    await app.register(fastifyStatic, {
      root: opts.root,
      prefix: '/',
      // One route per built file, read at start: nothing else on disk is ever served.
      wildcard: false,
      index: false,
      decorateReply: false,
      cacheControl: false,
      // Built assets carry a content hash in their names: cached for good; the rest revalidated.
      setHeaders: (reply, file) => reply.header('cache-control', file.includes(`${path.sep}assets${path.sep}`) ? 'public, max-age=31536000, immutable' : 'no-cache'),
    });

    // Pages are whatever no route owns (see the not-found handler in error-handler.ts): the API's
    // router, its length limits and its 404s stay exactly as they are.
    app.pageFallback = (request, reply) => {
      if ((request.method !== 'GET' && request.method !== 'HEAD') || NOT_A_PAGE.test(request.url.split('?')[0]!)) return undefined;
      return reply.status(200).type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index);
    };
  },
  { name: 'web', dependencies: ['error-handler'] },
);
