// Telling "the database or Temporal is away" from "the request is wrong", the reply guard's
// reading of the protocol (against a server that takes bytes and never answers), and the 503s.
import net from 'node:net';
import { DrizzleQueryError } from 'drizzle-orm/errors';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureActionUnconfirmedError } from '../../api/measure-client.js';
import errorHandler from '../../api/plugins/error-handler.js';
import security from '../../api/plugins/security.js';
import { DatabaseDownError, isDatabaseUnavailable } from '../../db/errors.js';
import { DatabaseLiveness, guardedSocket } from '../../db/reply-guard.js';

/** The shape postgres.js gives a server's refusal. */
const postgresError = (code: string) => Object.assign(new Error('from the server'), { name: 'PostgresError', code });
/** A socket error as postgres.js hands it on: with the query attached. */
const viaQuery = (code: string) => Object.defineProperty(Object.assign(new Error(code), { code }), 'query', { value: 'select 1' });

describe('isDatabaseUnavailable', () => {
  it('is true for a lost, refused, stalled or overloaded server, through drizzle’s wrapper too', () => {
    for (const err of [
      Object.assign(new Error('x'), { code: 'CONNECT_TIMEOUT' }),
      Object.assign(new Error('x'), { code: 'CONNECTION_CLOSED' }),
      Object.assign(new Error('x'), { code: 'DATABASE_UNRESPONSIVE' }),
      new DatabaseDownError(),
      viaQuery('ECONNREFUSED'),
      postgresError('57P01'),
      postgresError('57014'),
      postgresError('55P03'),
      postgresError('08006'),
      postgresError('53300'),
      new DrizzleQueryError('select 1', [], Object.assign(new Error('x'), { code: 'CONNECT_TIMEOUT' }) as never),
    ]) {
      expect([err.message, isDatabaseUnavailable(err)]).toEqual([err.message, true]);
    }
  });

  it('is false for what the server refuses about the request, and for a socket that is no database’s', () => {
    for (const err of [postgresError('23505'), postgresError('22P05'), postgresError('42P01'), Object.assign(new Error('webhook'), { code: 'ECONNREFUSED' }), new Error('plain'), 'text']) {
      expect(isDatabaseUnavailable(err)).toBe(false);
    }
  });
});

describe('the reply guard', () => {
  // A server that accepts connections and reads, and answers only when told to.
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => {
    sockets.push(s);
    s.on('data', () => undefined);
  });
  let port = 0;
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((r) => server.close(r));
  });

  const message = (type: string, body = Buffer.alloc(0)) => {
    const header = Buffer.alloc(5);
    header.write(type, 0);
    header.writeInt32BE(4 + body.length, 1);
    return Buffer.concat([header, body]);
  };
  const startup = () => {
    const b = Buffer.alloc(8);
    b.writeInt32BE(8, 0);
    b.writeInt32BE(196608, 4);
    return b;
  };
  const readyForQuery = () => message('Z', Buffer.from('I'));
  const connect = async (liveness = new DatabaseLiveness()) => {
    const socket = await guardedSocket({ replyMs: 300, connectMs: 1000, liveness })({ host: ['127.0.0.1'], port: [port] });
    const closed = new Promise<Error | undefined>((resolve) => {
      let error: Error | undefined;
      socket.on('error', (err) => (error = err));
      socket.on('close', () => resolve(error));
    });
    await new Promise((r) => setTimeout(r, 20));
    return { socket, closed, peer: sockets.at(-1)!, liveness };
  };
  const settled = (p: Promise<unknown>, ms: number) => Promise.race([p.then(() => 'closed'), new Promise((r) => setTimeout(() => r('open'), ms))]);

  it('cuts a connection whose question goes unanswered, and marks the server down', async () => {
    const { socket, closed, liveness } = await connect();
    socket.write(startup());
    const err = await closed;
    expect(err).toMatchObject({ code: 'DATABASE_UNRESPONSIVE' });
    expect(liveness.down).toBe(true);
  });

  it('leaves an idle connection alone, and one whose every question was answered', async () => {
    const { socket, closed, peer } = await connect();
    expect(await settled(closed, 600)).toBe('open');
    socket.write(startup());
    peer.write(Buffer.concat([message('R', Buffer.alloc(4)), readyForQuery()]));
    // A query described first (Parse, Describe, Flush) is answered without a ReadyForQuery…
    socket.write(Buffer.concat([message('P', Buffer.from('\0select 1\0\0\0')), message('D', Buffer.from('S\0')), message('H')]));
    peer.write(message('1'));
    // …then executed (Bind, Execute, Sync): its answer arrives in pieces.
    socket.write(Buffer.concat([message('B', Buffer.alloc(10)), message('E', Buffer.alloc(5)), message('S')]));
    const answer = Buffer.concat([message('2'), message('C', Buffer.from('SELECT 1\0')), readyForQuery()]);
    peer.write(answer.subarray(0, 7));
    await new Promise((r) => setTimeout(r, 200));
    peer.write(answer.subarray(7));
    expect(await settled(closed, 700)).toBe('open');
    socket.destroy();
  });

  it('waits for every ReadyForQuery a pipeline is owed', async () => {
    const { socket, closed, peer } = await connect();
    socket.write(startup());
    peer.write(readyForQuery());
    socket.write(Buffer.concat([message('Q', Buffer.from('select 1\0')), message('Q', Buffer.from('select 2\0'))]));
    peer.write(readyForQuery());
    expect(await closed).toMatchObject({ code: 'DATABASE_UNRESPONSIVE' });
  });

  it('marks the server up at its first byte, and lets one caller a second try while it is down', async () => {
    const liveness = new DatabaseLiveness(200);
    liveness.markDown();
    expect([liveness.shouldTry(), liveness.shouldTry()]).toEqual([true, false]);
    await new Promise((r) => setTimeout(r, 250));
    expect(liveness.shouldTry()).toBe(true);
    const { socket, peer } = await connect(liveness);
    socket.write(startup());
    peer.write(message('R', Buffer.alloc(4)));
    await new Promise((r) => setTimeout(r, 50));
    expect(liveness.down).toBe(false);
    socket.destroy();
  });
});

describe('503 answers', () => {
  const app = Fastify({ logger: false });
  beforeAll(async () => {
    await app.register(security, { corsOrigins: [] });
    await app.register(errorHandler);
    app.get('/unconfirmed/:key', async (request) => {
      throw new MeasureActionUnconfirmedError((request.params as { key: string }).key === 'yes');
    });
    app.get('/database', async () => {
      throw new DrizzleQueryError('select 1', [], Object.assign(new Error('x'), { code: 'CONNECTION_CLOSED' }) as never);
    });
    app.get('/temporal', async () => {
      // How the Temporal client reports a server it cannot reach: a gRPC error with status UNAVAILABLE.
      throw Object.assign(new Error('14 UNAVAILABLE: No connection established'), { code: 14, details: 'No connection established', metadata: {} });
    });
    await app.ready();
  });
  afterAll(() => app.close());

  it('says an unconfirmed action may be accepted, and when a retry is safe', async () => {
    const withKey = await app.inject({ method: 'GET', url: '/unconfirmed/yes' });
    expect(withKey.statusCode).toBe(503);
    expect(withKey.headers['retry-after']).toBe('5');
    expect(withKey.json()).toMatchObject({ code: 'ACTION_UNCONFIRMED' });
    expect(withKey.json().message).toMatch(/可能已被受理.*相同的 Idempotency-Key 重试是安全的/);
    const without = await app.inject({ method: 'GET', url: '/unconfirmed/no' });
    expect(without.json().message).toMatch(/未携带 Idempotency-Key/);
  });

  it('names the part that is away', async () => {
    expect((await app.inject({ method: 'GET', url: '/database' })).json()).toMatchObject({ code: 'DATABASE_UNAVAILABLE' });
    const temporal = await app.inject({ method: 'GET', url: '/temporal' });
    expect(temporal.statusCode).toBe(503);
    expect(temporal.json()).toMatchObject({ code: 'TEMPORAL_UNAVAILABLE' });
  });
});
