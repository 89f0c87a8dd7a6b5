// The wire formats: email over SMTP (nodemailer), and the WeCom and DingTalk group robots'
// markdown messages. Each send carries the outbox entry's idempotency key where the receiver can
// see it (the email's Message-ID, an Idempotency-Key header), so a message repeated after a crash
// can be recognised as the same one.
import { createHash, createHmac } from 'node:crypto';
import nodemailer from 'nodemailer';
import type { Rendered } from './render.js';

/** A failed send; `retryable` false means trying again cannot help (a rejected address, a 404 robot). */
export class SendError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly rateLimited = false,
  ) {
    super(message);
  }
}

export type Mailer = ReturnType<typeof nodemailer.createTransport>;

export function createMailer(smtpUrl: string): Mailer {
  // Timeouts short enough that a dead server fails the attempt, not the whole delivery.
  return nodemailer.createTransport(smtpUrl, { connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 20_000 } as never);
}

/** `<hash@domain>`: the same key gives the same Message-ID on every attempt. */
export function messageIdFor(key: string, mailFrom: string): string {
  const domain = /@([^>\s]+)>?\s*$/.exec(mailFrom)?.[1] ?? 'three-lists.local';
  return `<${createHash('sha256').update(key).digest('hex').slice(0, 40)}@${domain}>`;
}

export async function sendEmail(mailer: Mailer, opts: { from: string; to: string; key: string; message: Rendered }): Promise<void> {
  try {
    await mailer.sendMail({
      from: opts.from,
      to: opts.to,
      subject: opts.message.subject,
      text: opts.message.text,
      html: opts.message.html,
      messageId: messageIdFor(opts.key, opts.from),
      headers: { 'X-Idempotency-Key': opts.key },
    });
  } catch (err) {
    const e = err as { responseCode?: number; message: string };
    // 5xx is a permanent refusal (unknown mailbox, rejected sender); 4xx and network errors pass.
    throw new SendError(`SMTP: ${e.message}`, !(e.responseCode && e.responseCode >= 500 && e.responseCode < 600));
  }
}

/** Robots cap a message at 4096 bytes (WeCom): drop lines from the end, keep the link. */
export function fitBytes(markdown: string, maxBytes = 4000): string {
  if (Buffer.byteLength(markdown) <= maxBytes) return markdown;
  const lines = markdown.split('\n');
  const tail = lines.at(-1)!;
  const body = lines.slice(0, -1);
  while (body.length && Buffer.byteLength([...body, '…', tail].join('\n')) > maxBytes) body.pop();
  return [...body, '…', tail].join('\n');
}

/** DingTalk's signature: HMAC-SHA256 of `timestamp\nsecret`, keyed with the secret, base64. */
export function dingtalkSign(secret: string, timestamp: number): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}

export function robotRequest(kind: 'wecom' | 'dingtalk', webhook: string, message: Rendered, secret?: string | null, now = Date.now()): { url: string; body: unknown } {
  const content = fitBytes(message.markdown);
  if (kind === 'wecom') return { url: webhook, body: { msgtype: 'markdown', markdown: { content } } };
  const url = new URL(webhook);
  if (secret) {
    url.searchParams.set('timestamp', String(now));
    url.searchParams.set('sign', dingtalkSign(secret, now));
  }
  return { url: url.toString(), body: { msgtype: 'markdown', markdown: { title: message.subject, text: content } } };
}

// WeCom 45009 and DingTalk 130101: too many messages this minute.
const RATE_LIMIT_CODES = new Set([45009, 130101]);

export async function sendRobot(kind: 'wecom' | 'dingtalk', opts: { webhook: string; secret?: string | null; key: string; message: Rendered }): Promise<void> {
  const { url, body } = robotRequest(kind, opts.webhook, opts.message, opts.secret);
  let res: Response;
  try {
    res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': opts.key },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
  } catch (err) {
    throw new SendError(`${kind}: ${(err as Error).message}`, true);
  }
  const text = await res.text().catch(() => '');
  if (res.status === 429) throw new SendError(`${kind}: HTTP 429`, true, true);
  // 4xx but 408/429: the webhook is wrong or gone; retrying will not mend it.
  if (!res.ok) throw new SendError(`${kind}: HTTP ${res.status} ${text.slice(0, 200)}`, res.status >= 500 || res.status === 408);
  let reply: { errcode?: number; errmsg?: string } = {};
  try {
    reply = JSON.parse(text) as typeof reply;
  } catch {
    // Not JSON: a 2xx with no body counts as accepted.
  }
  if (reply.errcode !== undefined && reply.errcode !== 0) {
    throw new SendError(`${kind}: errcode ${reply.errcode} ${reply.errmsg ?? ''}`.trim(), true, RATE_LIMIT_CODES.has(reply.errcode));
  }
}
