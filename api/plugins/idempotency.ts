// `Idempotency-Key` on POST: the first answer (2xx) is kept in idempotent_requests and replayed
// to the same person sending the same key again; the same key with a different request is refused.
// Failed requests are not kept, so the caller may retry them with the same key. Measure actions
// also pass the key to Temporal as the Update id, so even a crash between the Update and storing
// its answer applies the action once.
import { createHash } from 'node:crypto';
import { and, eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { z } from 'zod';
import { idempotentRequests } from '../../db/schema/index.js';
import { ApiError, badRequest, conflict } from '../errors.js';

/**
 * A claim left by a process that died mid-request, or by a 503 that could not release it (the
 * database was down), is taken over after this long: longer than any request runs (statements end
 * after 4 s, a silent database is cut after 5 s, Temporal calls after 8 s), short enough that the
 * client retrying with the same key, as a 503 tells it to, is not refused for minutes.
 */
const STALE_CLAIM_MS = 60_000;

declare module 'fastify' {
  interface FastifyRequest {
    idempotency: { key: string; personId: string; stored: boolean } | null;
  }
}

/** 1–200 visible ASCII characters: the key travels in a header and becomes part of a Temporal Update id. */
export const IDEMPOTENCY_KEY = z.string().regex(/^[\x21-\x7e]{1,200}$/);

export function idempotencyKeyOf(request: FastifyRequest): string | undefined {
  const raw = request.headers['idempotency-key'];
  if (raw === undefined) return undefined;
  const key = Array.isArray(raw) ? raw[0]! : raw;
  if (!IDEMPOTENCY_KEY.safeParse(key).success) throw badRequest('Idempotency-Key 应为1–200个可见ASCII字符 / Idempotency-Key must be 1–200 visible ASCII characters', 'Idempotency-Key');
  return key;
}

function requestHash(request: FastifyRequest): string {
  const h = createHash('sha256').update(`${request.method} ${request.url}\n`);
  const body = request.body;
  if (Buffer.isBuffer(body)) h.update(body);
  else h.update(JSON.stringify(body ?? null));
  return h.digest('hex');
}

export default fp(
  async function idempotency(app: FastifyInstance) {
    const db = app.deps.database.db;
    app.decorateRequest('idempotency', null);

    app.addHook('preHandler', async (request, reply) => {
      if (request.method !== 'POST' || !request.principal) return;
      const key = idempotencyKeyOf(request);
      if (key === undefined) return;
      const personId = request.principal.id;
      const hash = requestHash(request);
      const where = and(eq(idempotentRequests.personId, personId), eq(idempotentRequests.key, key));
      for (let attempt = 0; attempt < 2; attempt++) {
        const inserted = await db
          .insert(idempotentRequests)
          .values({ personId, key, method: request.method, path: request.url, requestHash: hash })
          .onConflictDoNothing()
          .returning({ key: idempotentRequests.key });
        if (inserted.length) {
          request.idempotency = { key, personId, stored: false };
          return;
        }
        const [prior] = await db.select().from(idempotentRequests).where(where);
        if (!prior) continue; // released in between: claim again
        if (prior.requestHash !== hash || prior.path !== request.url || prior.method !== request.method) {
          throw new ApiError(422, 'IDEMPOTENCY_KEY_REUSED', 'Idempotency-Key 已用于另一个请求，请换用新的键 / this key was used for a different request', 'Idempotency-Key');
        }
        if (prior.statusCode !== null) {
          reply.header('idempotent-replayed', 'true');
          return reply.status(prior.statusCode).send(prior.responseBody);
        }
        if (Date.now() - prior.createdAt.getTime() < STALE_CLAIM_MS) {
          throw conflict('IDEMPOTENCY_IN_PROGRESS', '相同 Idempotency-Key 的请求仍在处理中 / a request with this key is still in progress', 'Idempotency-Key');
        }
        await db.delete(idempotentRequests).where(where);
      }
      throw conflict('IDEMPOTENCY_IN_PROGRESS', '相同 Idempotency-Key 的请求仍在处理中 / a request with this key is still in progress', 'Idempotency-Key');
    });

    app.addHook('onSend', async (request, reply, payload) => {
      const claim = request.idempotency;
      if (!claim || claim.stored) return payload;
      claim.stored = true;
      const where = and(eq(idempotentRequests.personId, claim.personId), eq(idempotentRequests.key, claim.key));
      if (reply.statusCode >= 200 && reply.statusCode < 300 && typeof payload === 'string') {
        let body: unknown;
        try {
          body = JSON.parse(payload);
        } catch {
          body = payload;
        }
        await db.update(idempotentRequests).set({ statusCode: reply.statusCode, responseBody: body }).where(where);
      } else if (reply.statusCode === 503) {
        // PostgreSQL or Temporal is unavailable: the answer waits a moment for the release (so an
        // immediate retry finds the key free), not for a database that may itself be stalled;
        // should the release fail, the claim lapses after STALE_CLAIM_MS.
        const release = db.delete(idempotentRequests).where(where).catch((err: unknown) => request.log.warn({ err }, 'idempotency claim not released'));
        await Promise.race([release, new Promise((r) => setTimeout(r, 1000).unref())]);
      } else {
        await db.delete(idempotentRequests).where(where);
      }
      return payload;
    });

    app.addHook('onResponse', async (request) => {
      const claim = request.idempotency;
      if (claim && !claim.stored) {
        await db.delete(idempotentRequests).where(and(eq(idempotentRequests.personId, claim.personId), eq(idempotentRequests.key, claim.key)));
      }
    });
  },
  { name: 'idempotency', dependencies: ['auth'] },
);
