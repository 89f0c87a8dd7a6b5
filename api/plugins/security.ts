// Other people's plugins, configured: security headers, CORS for the origins named in
// CORS_ORIGINS only (none by default), rate limits (login and unknown routes), cookies.
import cookie from '@fastify/cookie';
import cors from '@fastify/cors';
import helmet from '@fastify/helmet';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ApiError } from '../errors.js';

export interface SecurityOptions {
  corsOrigins: string[];
}

/**
 * A Content-Security-Policy header from its directives. `upgrade-insecure-requests` only for a
 * request that came over HTTPS (or through a trusted proxy that says so): sent over plain HTTP to
 * a LAN address, it makes the browser fetch the page's scripts over HTTPS, where nothing answers,
 * and /docs stays blank.
 */
export function contentSecurityPolicy(request: FastifyRequest, directives: Record<string, string[]>): string {
  const parts = Object.entries(directives).map(([name, values]) => [name, ...values].join(' '));
  if (request.protocol === 'https') parts.push('upgrade-insecure-requests');
  return parts.join('; ');
}

export default fp<SecurityOptions>(
  async function security(app: FastifyInstance, opts) {
    await app.register(helmet, {
      // The API answers JSON and spreadsheets; /docs carries its own CSP for its static files. The
      // dashboard runs on this policy: its scripts are files of this origin only (no inline script,
      // no eval); Ant Design writes its styles at run time, hence inline styles.
      contentSecurityPolicy: {
        directives: {
          defaultSrc: ["'self'"],
          imgSrc: ["'self'", 'data:'],
          fontSrc: ["'self'", 'data:'],
          styleSrc: ["'self'", "'unsafe-inline'"],
          scriptSrc: ["'self'"],
          connectSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'self'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
          // Added per request below, over HTTPS only.
          upgradeInsecureRequests: null,
        },
      },
    });
    app.addHook('onRequest', async (request, reply) => {
      if (request.protocol !== 'https') return;
      const csp = reply.raw.getHeader('content-security-policy');
      if (typeof csp === 'string') reply.raw.setHeader('content-security-policy', `${csp};upgrade-insecure-requests`);
    });
    await app.register(cors, {
      // No origin listed: browsers on other origins get no CORS headers, so they cannot read answers.
      origin: opts.corsOrigins.length ? opts.corsOrigins : false,
      credentials: true,
      methods: ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key'],
      exposedHeaders: ['Content-Disposition'],
      maxAge: 600,
    });
    await app.register(rateLimit, {
      global: false,
      errorResponseBuilder: (_request, context) =>
        new ApiError(429, 'RATE_LIMITED', `尝试过于频繁，请${Math.ceil(context.ttl / 1000)}秒后再试 / too many requests, retry in ${context.after}`),
    });
    await app.register(cookie);
  },
  { name: 'security' },
);
