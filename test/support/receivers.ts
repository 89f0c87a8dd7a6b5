// Real receivers on 127.0.0.1 for notification tests: an SMTP server (smtp-server) and an HTTP
// server standing in for WeCom and DingTalk group robots. Each records every arrival with the
// idempotency key it carried, so a test can count arrivals, accepted ones and duplicates. They can
// be told to fail the next N requests, or to hang on the next one (never answer).
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Arrival {
  /** The idempotency key the sender attached (email: Message-ID; robots: Idempotency-Key header). */
  key: string;
  /** The receiver answered success: the message counts as delivered. */
  accepted: boolean;
}

interface Behaviour {
  failNext: number;
  hangNext: number;
}

export interface Mail extends Arrival {
  messageId: string;
  xKey: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface SmtpReceiver {
  url: string;
  mails: Mail[];
  behaviour: Behaviour;
  /** Mail accepted, one per (Message-ID, recipient): what a deduping mailbox shows. */
  accepted(): Mail[];
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const behaviour: Behaviour = { failNext: 0, hangNext: 0 };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      void simpleParser(stream).then((parsed) => {
        const messageId = parsed.messageId ?? '';
        const mail: Mail = {
          key: messageId,
          messageId,
          xKey: String(parsed.headers.get('x-idempotency-key') ?? ''),
          to: session.envelope.rcptTo.map((r) => r.address).join(','),
          subject: parsed.subject ?? '',
          text: parsed.text ?? '',
          html: typeof parsed.html === 'string' ? parsed.html : '',
          accepted: false,
        };
        mails.push(mail);
        if (behaviour.hangNext > 0) {
          behaviour.hangNext--;
          return; // never answer: the sender waits until it dies or times out
        }
        if (behaviour.failNext > 0) {
          behaviour.failNext--;
          callback(Object.assign(new Error('请稍后重试 / try again later'), { responseCode: 451 }));
          return;
        }
        mail.accepted = true;
        callback();
      }, callback);
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    behaviour,
    accepted: () => dedupe(mails.filter((m) => m.accepted), (m) => `${m.messageId}\n${m.to}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface RobotPost extends Arrival {
  kind: 'wecom' | 'dingtalk';
  robot: string;
  body: { msgtype?: string; markdown?: { content?: string; title?: string; text?: string } };
  query: URLSearchParams;
  /** DingTalk: the signature checked against the robot's secret; undefined when none was sent. */
  signed?: boolean | undefined;
}

export interface RobotReceiver {
  /** The webhook URL of robot `name` (`/wecom/<name>` or `/dingtalk/<name>`). */
  url(kind: 'wecom' | 'dingtalk', name: string): string;
  posts: RobotPost[];
  behaviour: Behaviour;
  /** DingTalk secrets by robot name, to check signatures. */
  secrets: Record<string, string>;
  accepted(): RobotPost[];
  /** Answers (accepts) every request held by hangNext. */
  release(): void;
  close(): Promise<void>;
}

export async function startRobotReceiver(): Promise<RobotReceiver> {
  const posts: RobotPost[] = [];
  const behaviour: Behaviour = { failNext: 0, hangNext: 0 };
  const secrets: Record<string, string> = {};
  const held: Array<() => void> = [];
  const server: Server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const [, kind, robot] = url.pathname.split('/');
      const secret = secrets[robot ?? ''];
      const timestamp = url.searchParams.get('timestamp');
      const post: RobotPost = {
        key: String(req.headers['idempotency-key'] ?? ''),
        accepted: false,
        kind: kind as 'wecom' | 'dingtalk',
        robot: robot ?? '',
        body: JSON.parse(raw || '{}') as RobotPost['body'],
        query: url.searchParams,
        signed: secret && timestamp ? createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64') === url.searchParams.get('sign') : undefined,
      };
      posts.push(post);
      const accept = () => {
        post.accepted = true;
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"errcode":0,"errmsg":"ok"}');
      };
      if (behaviour.hangNext > 0) {
        behaviour.hangNext--;
        held.push(accept); // no answer until released, if ever
        return;
      }
      if (behaviour.failNext > 0) {
        behaviour.failNext--;
        res.writeHead(503, { 'content-type': 'application/json' }).end('{"errcode":-1,"errmsg":"system busy"}');
        return;
      }
      accept();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: (kind, name) => `http://127.0.0.1:${port}/${kind}/${name}`,
    posts,
    behaviour,
    secrets,
    accepted: () => dedupe(posts.filter((p) => p.accepted), (p) => `${p.key}\n${p.kind}/${p.robot}`),
    release: () => held.splice(0).forEach((answer) => answer()),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => (data += c));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}

function dedupe<T>(xs: T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => {
    const k = key(x);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
