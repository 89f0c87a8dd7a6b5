// Digests as outbox entries: a leader's (kind digest.leader, addressed to that person) covering
// what happened since their last digest, and the coordination office's daily summary (kind
// digest.office). Once written, a digest is delivered like any other entry.
import { and, desc, eq } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { digestSubscriptions, notificationOutbox, people } from '../../db/schema/index.js';
import { type DigestContent, gatherDigest } from './digest-content.js';
import { renderDigest } from './render.js';
import type { OutboxRef } from './start.js';

export type DigestTarget = { audience: 'leader'; personId: string } | { audience: 'office' };

const DAY_MS = 24 * 3600 * 1000;

/** The digest as it would be now, written nowhere (the API's on-demand view). */
export async function previewDigest(db: Database, target: DigestTarget, until = new Date()): Promise<DigestContent | null> {
  const plan = await digestPlan(db, target, until);
  return plan && gatherDigest(db, plan);
}

async function digestPlan(db: Database, target: DigestTarget, until: Date) {
  if (target.audience === 'office') {
    const [last] = await db
      .select({ at: notificationOutbox.createdAt })
      .from(notificationOutbox)
      .where(eq(notificationOutbox.kind, 'digest.office'))
      .orderBy(desc(notificationOutbox.createdAt))
      .limit(1);
    return { scope: { kind: 'all' as const }, since: last?.at ?? new Date(until.getTime() - DAY_MS), until, person: undefined };
  }
  const [person] = await db
    .select({ id: people.id, name: people.displayName, lastDigestAt: digestSubscriptions.lastDigestAt })
    .from(people)
    .leftJoin(digestSubscriptions, eq(digestSubscriptions.personId, people.id))
    .where(and(eq(people.id, target.personId), eq(people.role, 'leader'), eq(people.active, true)));
  if (!person) return null;
  // A first digest looks back one week.
  return { scope: { kind: 'leader' as const, leaderId: person.id }, since: person.lastDigestAt ?? new Date(until.getTime() - 7 * DAY_MS), until, person };
}

export function createDigestActivities(db: Database, settings: { publicUrl: string }) {
  return {
    /**
     * Gathers and writes one digest. `runKey` names the workflow run asking, so a retried activity
     * finds the entry it wrote and writes nothing twice.
     */
    async createDigest(args: { target: DigestTarget; runKey: string }): Promise<OutboxRef | null> {
      const key = `digest:${args.runKey}`;
      const existing = async () => {
        const [row] = await db.select({ id: notificationOutbox.id, idempotencyKey: notificationOutbox.idempotencyKey }).from(notificationOutbox).where(eq(notificationOutbox.idempotencyKey, key));
        return row;
      };
      const found = await existing();
      if (found) return found;
      const until = new Date();
      const plan = await digestPlan(db, args.target, until);
      if (!plan) return null;
      const content = await gatherDigest(db, plan);
      const { subject } = renderDigest(content, settings);
      const leader = args.target.audience === 'leader' ? args.target.personId : null;
      return db.transaction(async (tx) => {
        const [row] = await tx
          .insert(notificationOutbox)
          .values({
            idempotencyKey: key,
            kind: leader ? 'digest.leader' : 'digest.office',
            recipientPersonId: leader,
            recipientRole: leader ? null : 'coordination_office',
            payload: { title: subject, content },
            createdAt: until,
          })
          .onConflictDoNothing({ target: notificationOutbox.idempotencyKey })
          .returning({ id: notificationOutbox.id, idempotencyKey: notificationOutbox.idempotencyKey });
        if (leader && row) {
          await tx
            .insert(digestSubscriptions)
            .values({ personId: leader, lastDigestAt: until })
            .onConflictDoUpdate({ target: digestSubscriptions.personId, set: { lastDigestAt: until } });
        }
        return row ?? (await existing()) ?? null;
      });
    },
  };
}
