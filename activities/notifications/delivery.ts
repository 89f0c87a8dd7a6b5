// Delivering one outbox entry: resolve who it reaches, drop it in their inboxes, then send it
// through each channel exactly once. The unit of "exactly once" is a notification_deliveries row
// (entry × channel × target), created `pending` before anything is sent.
//
// What "exactly once" means here, precisely. A send runs inside a transaction that holds the
// delivery row locked: it checks the row is not `sent`, sends, marks it `sent`, commits, and only
// then does the activity report success to Temporal. A crash:
//   - before the receiver accepted (SMTP 250 after DATA, HTTP 2xx): nothing arrived; the retry sends once.
//   - after the commit: the retry finds the row `sent` and sends nothing.
//   - in between (the receiver accepted, the commit did not happen, a window of milliseconds): the
//     retry sends again. Transport is at-least-once there, and no protocol can do better without
//     the receiver's help; so every send carries the entry's idempotency key where the receiver
//     sees it — the email's Message-ID (derived from the key) and an `Idempotency-Key` header on
//     robot webhooks — and a receiver that dedupes on it sees the message once. Mail clients
//     commonly fold messages with the same Message-ID; WeCom and DingTalk robots do not dedupe, so
//     a group may, in that window only, see a message twice.
// The row lock also keeps two attempts (a retry and a zombie of a worker believed dead) from sending
// at once: the second fails fast and is retried after the first has finished.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { and, eq, gt, inArray, lt, ne, sql } from 'drizzle-orm';
import type { Database } from '../../db/client.js';
import { departments, inboxMessages, notificationChannels, notificationDeliveries, notificationOutbox } from '../../db/schema/index.js';
import type { DigestContent } from './digest-content.js';
import { createMailer, type Mailer, sendEmail, sendRobot, SendError } from './channels.js';
import { measurePlace, resolveRecipients } from './recipients.js';
import { renderDigest, renderNotification, type Rendered } from './render.js';
import type { NotificationSettings } from './settings.js';

export interface DeliveryPlan {
  /** The entry's state: only a `pending` entry has deliveries to make. */
  status: 'pending' | 'delivered' | 'failed' | 'missing';
  deliveries: Array<{ id: number; channel: string }>;
}

/**
 * `rate_limited`: the robot had its fill this minute; `busy`: this worker is already sending all
 * it may. Either way the workflow waits on a durable timer and asks again, so a backlog holds
 * neither a worker's activity slots (which projections need) nor database connections.
 */
export type SendOutcome = { status: 'sent' | 'already_sent' | 'missing' } | { status: 'rate_limited' | 'busy'; retryAfterMs: number };

type OutboxRow = typeof notificationOutbox.$inferSelect;

/** At most this many sends run at once per worker, each holding one database connection. */
const SEND_CONCURRENCY = 4;
/** Longer than any send (the activity's own limit is 2 minutes): a session whose worker host vanished mid-send releases its lock. */
const SEND_SESSION_IDLE_LIMIT = '150s';

export function createDeliveryActivities(db: Database, settings: NotificationSettings) {
  const mailer: Mailer | undefined = settings.smtpUrl ? createMailer(settings.smtpUrl) : undefined;
  const gate = slots(SEND_CONCURRENCY);

  async function render(entry: OutboxRow): Promise<Rendered> {
    if (entry.kind.startsWith('digest.')) return renderDigest((entry.payload as { content: DigestContent }).content, settings);
    const names = Object.fromEntries((await db.select({ id: departments.id, name: departments.name }).from(departments)).map((d) => [d.id, d.name]));
    const place = entry.measureId ? await measurePlace(db, entry.measureId) : { leadDepartmentId: null, policyTitle: null };
    return renderNotification(
      { kind: entry.kind, measureId: entry.measureId, recipientDepartmentId: entry.recipientDepartmentId, recipientRole: entry.recipientRole, payload: entry.payload as Record<string, unknown> },
      { publicUrl: settings.publicUrl, departmentNames: names, leadDepartmentId: place.leadDepartmentId, policyTitle: place.policyTitle },
    );
  }

  return {
    /** Inbox rows and pending delivery rows for an entry, both idempotent; answers what is left to send. */
    async prepareDelivery(outboxId: number): Promise<DeliveryPlan> {
      const [entry] = await db.select().from(notificationOutbox).where(eq(notificationOutbox.id, outboxId));
      if (!entry) return { status: 'missing', deliveries: [] };
      if (entry.status !== 'pending') return { status: entry.status, deliveries: [] };
      const to = await resolveRecipients(db, entry);
      const message = await render(entry);
      if (to.personIds.length) {
        await db
          .insert(inboxMessages)
          .values(
            to.personIds.map((personId) => ({
              personId,
              outboxId,
              kind: entry.kind,
              title: message.subject,
              body: message.text,
              link: message.link,
              measureId: entry.measureId,
            })),
          )
          .onConflictDoNothing({ target: [inboxMessages.personId, inboxMessages.outboxId] });
      }
      const channels = to.channels.filter((c) => c.kind !== 'email' || mailer);
      // A delivery never sent whose channel has since been removed or switched off is dropped: an
      // admin who removes a broken robot and retries the entry wants it delivered, not failed again.
      const unsent = await db
        .select({ id: notificationDeliveries.id, channel: notificationDeliveries.channel, target: notificationDeliveries.target })
        .from(notificationDeliveries)
        .where(and(eq(notificationDeliveries.outboxId, outboxId), ne(notificationDeliveries.status, 'sent')));
      const gone = unsent.filter((d) => !channels.some((c) => c.kind === d.channel && c.target === d.target)).map((d) => d.id);
      if (gone.length) await db.delete(notificationDeliveries).where(and(inArray(notificationDeliveries.id, gone), ne(notificationDeliveries.status, 'sent')));
      if (channels.length) {
        await db
          .insert(notificationDeliveries)
          .values(channels.map((c) => ({ outboxId, channel: c.kind, target: c.target })))
          .onConflictDoNothing({ target: [notificationDeliveries.outboxId, notificationDeliveries.channel, notificationDeliveries.target] });
      }
      const open = await db
        .select({ id: notificationDeliveries.id, channel: notificationDeliveries.channel })
        .from(notificationDeliveries)
        .where(and(eq(notificationDeliveries.outboxId, outboxId), ne(notificationDeliveries.status, 'sent')))
        .orderBy(notificationDeliveries.id);
      return { status: 'pending', deliveries: open };
    },

    /** Sends one delivery unless it was sent; see the top of this file for what survives a crash. */
    async sendDelivery(deliveryId: number): Promise<SendOutcome> {
      const release = gate();
      if (!release) return { status: 'busy', retryAfterMs: 500 + Math.floor(Math.random() * 1500) };
      const ctx = Context.current();
      const beat = setInterval(() => ctx.heartbeat(), Math.max(200, Math.floor(settings.heartbeatTimeoutMs / 3)));
      try {
        const outcome = await db.transaction(async (tx) => {
          await tx.execute(sql.raw(`set local idle_in_transaction_session_timeout = '${SEND_SESSION_IDLE_LIMIT}'`));
          let rows;
          try {
            rows = await tx.select().from(notificationDeliveries).where(eq(notificationDeliveries.id, deliveryId)).for('update', { noWait: true });
          } catch (err) {
            // lock_not_available; drizzle wraps the driver's error in `cause`.
            const e = err as { code?: string; cause?: { code?: string } };
            if ((e.code ?? e.cause?.code) === '55P03') throw ApplicationFailure.retryable('另一次发送正在进行 / another attempt is sending this delivery', 'DeliveryBusy');
            throw err;
          }
          const d = rows[0];
          if (!d) return { status: 'missing' } as const;
          if (d.status === 'sent') return { status: 'already_sent' } as const;
          const [entry] = await tx.select().from(notificationOutbox).where(eq(notificationOutbox.id, d.outboxId));
          if (!entry) return { status: 'missing' } as const;

          if (d.channel !== 'email') {
            // Robots take ~20 messages a minute each: wait rather than be refused.
            const [recent] = await tx
              .select({ n: sql<number>`count(*)::int` })
              .from(notificationDeliveries)
              .where(and(eq(notificationDeliveries.target, d.target), eq(notificationDeliveries.status, 'sent'), gt(notificationDeliveries.sentAt, sql`now() - interval '1 minute'`)));
            if ((recent?.n ?? 0) >= settings.robotPerMinute) return { status: 'rate_limited', retryAfterMs: 20_000 } as const;
          }

          const message = await render(entry);
          try {
            if (d.channel === 'email') {
              if (!mailer) throw new SendError('邮件未配置 / SMTP_URL is not set', false);
              await sendEmail(mailer, { from: settings.mailFrom, to: d.target, key: entry.idempotencyKey, message });
            } else if (d.channel === 'wecom' || d.channel === 'dingtalk') {
              const [channel] = await tx
                .select({ secret: notificationChannels.secret })
                .from(notificationChannels)
                .where(and(eq(notificationChannels.kind, d.channel), eq(notificationChannels.target, d.target)))
                .limit(1);
              await sendRobot(d.channel, { webhook: d.target, secret: channel?.secret, key: entry.idempotencyKey, message });
            } else {
              throw new SendError(`unknown channel ${d.channel}`, false);
            }
          } catch (err) {
            const e = err instanceof SendError ? err : new SendError((err as Error).message, true);
            await tx
              .update(notificationDeliveries)
              .set({ attempts: sql`${notificationDeliveries.attempts} + 1`, lastError: e.message.slice(0, 1000) })
              .where(eq(notificationDeliveries.id, deliveryId));
            if (e.rateLimited) return { status: 'rate_limited', retryAfterMs: 60_000 } as const;
            return { status: 'error', error: e } as const;
          }
          settings.afterSend?.();
          await tx
            .update(notificationDeliveries)
            .set({ status: 'sent', sentAt: new Date(), attempts: sql`${notificationDeliveries.attempts} + 1`, lastError: null })
            .where(eq(notificationDeliveries.id, deliveryId));
          return { status: 'sent' } as const;
        });
        // Thrown after the transaction, so the attempt and its error are recorded.
        if (outcome.status === 'error') {
          throw ApplicationFailure.create({ message: outcome.error.message, type: 'DeliveryError', nonRetryable: !outcome.error.retryable });
        }
        return outcome;
      } finally {
        release();
        clearInterval(beat);
      }
    },

    async markDeliveryFailed(args: { deliveryId: number; error: string }): Promise<void> {
      await db
        .update(notificationDeliveries)
        .set({ status: 'failed', lastError: args.error.slice(0, 1000) })
        .where(and(eq(notificationDeliveries.id, args.deliveryId), ne(notificationDeliveries.status, 'sent')));
    },

    /** The entry is delivered when every delivery was sent; otherwise failed, for an admin to see and retry. */
    async finishDelivery(outboxId: number): Promise<'delivered' | 'failed'> {
      const open = await db
        .select({ channel: notificationDeliveries.channel, target: notificationDeliveries.target, lastError: notificationDeliveries.lastError })
        .from(notificationDeliveries)
        .where(and(eq(notificationDeliveries.outboxId, outboxId), ne(notificationDeliveries.status, 'sent')));
      const failed = open.length > 0;
      await db
        .update(notificationOutbox)
        .set({
          status: failed ? 'failed' : 'delivered',
          attempts: sql`${notificationOutbox.attempts} + 1`,
          lastError: failed ? open.map((d) => `${d.channel} ${d.target}: ${d.lastError ?? ''}`).join('\n').slice(0, 2000) : null,
          deliveredAt: failed ? null : new Date(),
        })
        .where(and(eq(notificationOutbox.id, outboxId), eq(notificationOutbox.status, 'pending')));
      return failed ? 'failed' : 'delivered';
    },
  };
}

/** Entries left pending too long: whoever wrote them crashed between commit and starting delivery. */
export async function stalePendingEntries(db: Database, olderThanMs: number, limit = 500): Promise<Array<{ id: number; idempotencyKey: string }>> {
  return db
    .select({ id: notificationOutbox.id, idempotencyKey: notificationOutbox.idempotencyKey })
    .from(notificationOutbox)
    .where(and(eq(notificationOutbox.status, 'pending'), lt(notificationOutbox.createdAt, new Date(Date.now() - olderThanMs))))
    .orderBy(notificationOutbox.id)
    .limit(limit);
}

/** A counter of free sending slots: take one or be told to come back later. */
function slots(n: number): () => (() => void) | undefined {
  let free = n;
  return () => {
    if (free === 0) return undefined;
    free--;
    let done = false;
    return () => {
      if (!done) free++;
      done = true;
    };
  };
}
