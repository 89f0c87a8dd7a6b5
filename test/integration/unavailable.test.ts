// When PostgreSQL stalls (every process of it SIGSTOPped: a frozen machine or a lost network path
// looks the same), when the worker is away, or when Temporal cannot be reached, requests answer
// 503 in seconds instead of hanging; an action whose answer did not come in time is sent again
// with the same Idempotency-Key and applies once.
import { rm } from 'node:fs/promises';
import { Client, Connection } from '@temporalio/client';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureActionUnconfirmedError } from '../../api/measure-client.js';
import { measures, progressReports } from '../../db/schema/index.js';
import { startEmbeddedPostgres, temporaryDataDir, type LocalPostgres } from '../../runtime/local/postgres.js';
import { freePort } from '../../runtime/local/temporal.js';
import { createApiEnv, createDraft, createPolicy, dispatchedMeasure, expectErrorShape, waitForList, type ApiEnv } from '../support/api.js';
import type { RunningWorker } from '../support/env.js';

/** Its answer, or a failure after 20 s: a request that hangs is what this file guards against. */
function answered<T>(request: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no answer within 20 s`)), 20_000);
  });
  return Promise.race([request, limit]).finally(() => clearTimeout(timer));
}

const reportsOf = (api: ApiEnv, id: string) => api.env.database.db.select().from(progressReports).where(eq(progressReports.measureId, id));

describe('a stalled PostgreSQL and an absent worker', () => {
  // A PostgreSQL of this file's own: stopping it harms no other test.
  let dataDir: string;
  let pg: LocalPostgres;
  let api: ApiEnv;
  let worker: RunningWorker;

  beforeAll(async () => {
    dataDir = await temporaryDataDir('three-lists-stall-');
    pg = await startEmbeddedPostgres({ dataDir, port: await freePort(), database: 'postgres' });
    api = await createApiEnv('stall', { databaseServer: pg.url, worker: false });
    worker = await api.env.startWorker();
  });
  afterAll(async () => {
    pg?.signal('SIGCONT');
    try {
      await api?.close();
    } finally {
      await pg?.stop();
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  /** A measure its lead department has acknowledged, under supervision. */
  async function supervisedMeasure(): Promise<string> {
    const id = await dispatchedMeasure(api);
    expect((await api.post('health', `/api/measures/${id}/acknowledge`, {})).statusCode).toBe(200);
    await waitForList(api, id, 'supervision');
    return id;
  }

  it('answers lists, details and /health with 503 while PostgreSQL is stalled, and 200 again once it runs', async () => {
    const id = await dispatchedMeasure(api);
    pg.signal('SIGSTOP');
    try {
      for (const url of ['/api/lists/responsibility', `/api/measures/${id}`]) {
        const res = await answered(api.get('office', url), url);
        expectErrorShape(res, 503, 'DATABASE_UNAVAILABLE');
        expect(res.headers['retry-after']).toBe('5');
      }
      const health = await answered(api.app.inject({ method: 'GET', url: '/health' }), '/health');
      expect(health.statusCode).toBe(503);
      expect(health.json()).toMatchObject({ postgres: { ok: false }, temporal: { ok: true } });
    } finally {
      pg.signal('SIGCONT');
    }
    // The pool reconnects on its own.
    await expect.poll(async () => (await api.get('office', `/api/measures/${id}`)).statusCode, { timeout: 20_000, interval: 250 }).toBe(200);
  });

  it('an action the absent worker cannot apply answers 503 ACTION_UNCONFIRMED; the same Idempotency-Key then applies it once', async () => {
    const id = await supervisedMeasure();
    const report = { text: '已完成平台建设方案的起草。', percent: 30 };
    const headers = { 'idempotency-key': 'report-while-away' };
    await worker.stop();
    try {
      const res = await answered(api.post('health', `/api/measures/${id}/submit-progress`, report, headers), 'submit-progress');
      const body = expectErrorShape(res, 503, 'ACTION_UNCONFIRMED');
      expect(body.message).toContain('Idempotency-Key');
      expect(body.message).toContain('可能已被受理');
    } finally {
      worker = await api.env.startWorker();
    }
    const again = await answered(api.post('health', `/api/measures/${id}/submit-progress`, report, headers), 'submit-progress again');
    expect(again.statusCode).toBe(200);
    const third = await api.post('health', `/api/measures/${id}/submit-progress`, report, headers);
    expect(third.statusCode).toBe(200);
    expect(await reportsOf(api, id)).toHaveLength(1);
  });

  it('without an Idempotency-Key the 503 says to look at the measure before retrying', async () => {
    const id = await supervisedMeasure();
    await worker.stop();
    try {
      const res = await answered(api.post('health', `/api/measures/${id}/submit-progress`, { text: '进展顺利。' }), 'submit-progress');
      expect(expectErrorShape(res, 503, 'ACTION_UNCONFIRMED').message).toContain('未携带 Idempotency-Key');
    } finally {
      worker = await api.env.startWorker();
    }
  });

  it('an action whose projection cannot reach PostgreSQL is unconfirmed; sent again with the same key once PostgreSQL runs, it is recorded once', async () => {
    // Through the API's measure client: over HTTP the request itself would meet the stalled
    // database first (and answer DATABASE_UNAVAILABLE, above); here only the worker's step does.
    const id = await supervisedMeasure();
    const args = { departmentId: 'health', text: '完成首批设备采购。', percent: 40, actor: { id: api.ids.health, role: 'department' as const, departmentId: 'health' } };
    pg.signal('SIGSTOP');
    try {
      await expect(answered(api.app.measures.act(id, 'submitProgress', args, 'stalled-report'), 'act')).rejects.toBeInstanceOf(MeasureActionUnconfirmedError);
    } finally {
      pg.signal('SIGCONT');
    }
    // As a client would: the same key again until the answer comes. The Update was accepted
    // before the projection stalled, so each retry attaches to it and none adds a report.
    let view;
    for (let attempt = 1; !view; attempt++) {
      view = await answered(api.app.measures.act(id, 'submitProgress', args, 'stalled-report'), 'act again').catch((err: unknown) => {
        if (!(err instanceof MeasureActionUnconfirmedError) || attempt >= 4) throw err;
        return undefined;
      });
    }
    expect(view.status).toBe('supervised');
    const reports = await reportsOf(api, id);
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({ text: '完成首批设备采购。', percent: 40 });
  });
});

describe('Temporal out of reach', () => {
  let api: ApiEnv;
  beforeAll(async () => {
    // A connection made lazily to a port nobody listens on.
    const connection = Connection.lazy({ address: `127.0.0.1:${await freePort()}`, connectTimeout: 500 });
    api = await createApiEnv('temporal-down', { worker: false, app: { temporal: new Client({ connection }) } });
  });
  afterAll(async () => {
    await api?.close();
  });

  it('dispatch answers 503 TEMPORAL_UNAVAILABLE and the measure stays a draft, to be dispatched again', async () => {
    const id = await createDraft(api, await createPolicy(api));
    const res = await answered(api.post('office', `/api/measures/${id}/dispatch`), 'dispatch');
    expectErrorShape(res, 503, 'TEMPORAL_UNAVAILABLE');
    const [m] = await api.env.database.db.select({ status: measures.status }).from(measures).where(eq(measures.id, id));
    expect(m?.status).toBe('draft');
  });
});
