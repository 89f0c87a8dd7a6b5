// While PostgreSQL is known to be unreachable, requests to the API answer 503 at once instead of
// queueing for connections that cannot be made; one a second goes through to find out whether it
// is back (db/reply-guard.ts). /health and /docs answer for themselves.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DatabaseDownError } from '../../db/errors.js';

export default fp(
  async function availability(app: FastifyInstance) {
    app.addHook('onRequest', async (request) => {
      if (request.routeOptions.url?.startsWith('/api/') && !app.deps.database.liveness.shouldTry()) throw new DatabaseDownError();
    });
  },
  { name: 'availability', dependencies: ['error-handler'] },
);
