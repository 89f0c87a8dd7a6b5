// Rows that only grow: sessions past their end and kept answers of Idempotency-Key requests. Once an
// hour (the first a few minutes after start, out of the way of startup) each API process removes
// what no request can use any more; the audit trail keeps the sign-ins themselves.
import { lt, or, isNotNull, and } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { idempotentRequests, sessions } from '../../db/schema/index.js';

/** An Idempotency-Key is honoured for this long: far longer than any client retries. */
export const IDEMPOTENCY_RETENTION_MS = 7 * 24 * 3_600_000;
const EVERY_MS = 3_600_000;
const FIRST_AFTER_MS = 5 * 60_000;

export async function sweep(app: FastifyInstance, now = Date.now()): Promise<{ sessions: number; idempotent: number }> {
  const db = app.deps.database.db;
  const dayAgo = new Date(now - 24 * 3_600_000);
  const s = await db
    .delete(sessions)
    .where(or(lt(sessions.expiresAt, dayAgo), and(isNotNull(sessions.revokedAt), lt(sessions.revokedAt, dayAgo))))
    .returning({ id: sessions.id });
  const i = await db
    .delete(idempotentRequests)
    .where(lt(idempotentRequests.createdAt, new Date(now - IDEMPOTENCY_RETENTION_MS)))
    .returning({ key: idempotentRequests.key });
  return { sessions: s.length, idempotent: i.length };
}

export default fp(
  async function housekeeping(app: FastifyInstance) {
    const run = () =>
      sweep(app).catch((err: unknown) => app.log.warn({ err }, 'housekeeping failed; will try again'));
    let timer: NodeJS.Timeout | undefined;
    let closed = false;
    app.addHook('onReady', async () => {
      timer = setTimeout(function again() {
        void run().finally(() => {
          if (!closed) timer = setTimeout(again, EVERY_MS).unref();
        });
      }, FIRST_AFTER_MS).unref();
    });
    app.addHook('onClose', async () => {
      closed = true;
      clearTimeout(timer);
    });
  },
  { name: 'housekeeping' },
);
