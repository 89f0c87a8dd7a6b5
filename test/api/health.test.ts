import { rm } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { afterAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { buildApp } from '../../api/app.js';
import { connectDatabase } from '../../db/client.js';
import { startEmbeddedPostgres, temporaryDataDir } from '../../runtime/local/postgres.js';
import { freePort } from '../../runtime/local/temporal.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
});

describe('GET /health', () => {
  it('is 200 with both parts up, and 503 naming PostgreSQL once its server stops', async () => {
    // A PostgreSQL of its own, so stopping it harms no other test.
    const dataDir = await temporaryDataDir('three-lists-health-');
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'health' });
    cleanups.push(() => pg.stop());
    const database = connectDatabase(pg.url);
    cleanups.push(() => database.close());
    const connection = await Connection.connect({ address: inject('temporalAddress') });
    cleanups.push(() => connection.close());
    const app = await buildApp({ database, temporal: new Client({ connection }), taskQueue: 'health', logLevel: 'silent' });
    cleanups.push(() => app.close());

    const up = await app.inject({ method: 'GET', url: '/health' });
    expect(up.statusCode).toBe(200);
    expect(up.json()).toMatchObject({ status: 'ok', postgres: { ok: true }, temporal: { ok: true } });

    await pg.stop();
    const down = await app.inject({ method: 'GET', url: '/health' });
    expect(down.statusCode).toBe(503);
    expect(down.json()).toMatchObject({ status: 'unavailable', code: 'DEPENDENCY_DOWN', postgres: { ok: false }, temporal: { ok: true } });
    expect(down.json().message).toContain('PostgreSQL');
    expect(down.json().message).not.toContain('Temporal');
  });

  it('is 503 naming Temporal when its server cannot be reached', async () => {
    const database = connectDatabase(inject('databaseUrl'));
    cleanups.push(() => database.close());
    // A connection made lazily to a port nobody listens on.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
    const app = await buildApp({ database, temporal: new Client({ connection }), taskQueue: 'health', logLevel: 'silent' });
    cleanups.push(() => app.close());
    const res = await app.inject({ method: 'GET', url: '/health' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ postgres: { ok: true }, temporal: { ok: false } });
    expect(res.json().message).toContain('Temporal');
  });
});
