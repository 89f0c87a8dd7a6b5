// Property-based fuzzing of the whole API from its own OpenAPI document (fast-check): for every
// operation, as every role and as nobody, valid and hostile parameters and bodies — NUL and other
// control characters, huge and fractional numbers, very long strings, wrong types, unknown fields,
// other departments' ids and real ids of existing rows, broken JSON, wrong Content-Types, bodies
// too large. Measure actions reach the real Temporal workflows of the fixture's measures.
// Every answer must come within 10 s, never be a 5xx, have a status the operation documents and
// the documented body (Ajv against the document's schema; .xlsx by content); a rejected (4xx)
// request must leave every table as it was. Successful requests may change things: after each
// one the harness waits for the background work it started to finish and takes a new baseline.
//
// 130 s of requests by default, about 3 minutes with the fixture (CI included); FUZZ_RUNS=n sends n
// requests instead, without a time limit. The seed is printed; FUZZ_SEED=s repeats a run's requests;
// FUZZ_PROGRESS=1 prints progress and the statuses each operation answered.
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiEnv, type ApiEnv } from '../support/api.js';
import { Contract, operationsOf, type Operation } from '../support/fuzz/contract.js';
import { backgroundWork, cancelFastMeasures, dropDigestSchedules, pools, replenish, restorePeople, seedFixture, trackStartedWorkflows, within } from '../support/fuzz/fixture.js';
import { describeRequest, planOf, requestOf, type Context, type Doc, type Plan } from '../support/fuzz/requests.js';
import { changedTables, snapshot, type Snapshot } from '../support/fuzz/snapshot.js';

const RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
/** Requests are sent for this long unless FUZZ_RUNS says how many; with setup, about 3 minutes. */
const BUDGET_MS = 130_000;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : Math.floor(Math.random() * 2 ** 31);
const ANSWER_WITHIN_MS = 10_000;

const notifications = { scheduleIdPrefix: `fuzz-${randomUUID().slice(0, 8)}-`, maxAttempts: 1, retryInitialMs: 100 };
let api: ApiEnv;
let backgroundWorkflows: ReturnType<typeof trackStartedWorkflows>;

beforeAll(async () => {
  api = await createApiEnv('fuzz', { worker: false, app: { bodyLimitBytes: 256 * 1024, notifications } });
  backgroundWorkflows = trackStartedWorkflows(api.env.client);
  await api.env.startWorker(undefined, { notifications });
  await seedFixture(api, notifications);
});
afterAll(() => api?.close());

interface Finding {
  problem: string;
  detail: string;
  request: string;
  times: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const same = (a: Snapshot, b: Snapshot) => changedTables(a, b).length === 0;

it(`answers every documented operation as documented, as every role, and a rejected request changes nothing (seed ${SEED})`, { timeout: RUNS ? 24 * 3_600_000 : BUDGET_MS + 300_000 }, async () => {
  console.log(`fuzz: seed ${SEED} — repeat with FUZZ_SEED=${SEED}${RUNS ? ` FUZZ_RUNS=${RUNS}` : ''}`);
  const doc = (await api.get(null, '/docs/json')).json() as Doc;
  const contract = new Contract(doc);
  const operations = operationsOf(doc);
  const sql = api.env.database.sql;
  /** Measures that stopped answering: reported, then left alone so the run goes on. */
  const setAside = new Set<string>();
  const ctx: Context = { pools: await pools(api, setAside), tokens: api.tokens, usedKeys: [] };

  const findings = new Map<string, Finding>();
  const found = (plan: Plan, request: string, problem: string, detail: string, status?: number) => {
    const key = `${problem} · ${plan.op.method} ${plan.op.path}${status ? ` · ${status}` : ''}${problem === 'not the documented body' ? ` · ${detail.split(' in ')[0]}` : ''}`;
    const known = findings.get(key);
    if (known) known.times++;
    else findings.set(key, { problem, detail, request, times: 1 });
  };

  /** After a request that may have changed things: stop what would keep changing them, then wait until nothing does. */
  async function settle(plan?: Plan): Promise<Snapshot> {
    // First the people the harness acts as (only sign-ins and people management touch them).
    if (!plan || /^\/api\/(auth|people)\b/.test(plan.op.path)) await restorePeople(api);
    if (plan?.op.path.startsWith('/api/digests/subscriptions')) await dropDigestSchedules(api, notifications, ctx.pools.person);
    for (const id of await cancelFastMeasures(api, setAside)) {
      setAside.add(id);
      if (plan) found(plan, `measure ${id}`, `no answer within ${ANSWER_WITHIN_MS / 1000} s`, `the office's cancel of measure ${id}, after this request`);
    }
    await replenish(api, setAside);
    let previous = await snapshot(sql);
    for (const started = Date.now(); ; ) {
      await sleep(150);
      const now = await snapshot(sql);
      const work = await backgroundWork(api, setAside);
      const running = await backgroundWorkflows.running();
      if (running.length && plan) found(plan, `workflows ${running.join(', ')}`, 'background workflow still running after 20 s', running.join(', '));
      if (work.busy === 0 && running.length === 0 && same(previous, now)) break;
      if (Date.now() - started > 30_000) {
        // A measure dispatched but never written into the lists: its workflow cannot project it.
        for (const id of work.unprojected) {
          setAside.add(id);
          if (plan) found(plan, `measure ${id}`, 'dispatched measure never reached the lists', `measure ${id}, within 30 s of this request`);
        }
        break;
      }
      previous = now;
    }
    ctx.pools = await pools(api, setAside);
    return snapshot(sql);
  }

  const statuses = new Map<string, number>();
  /** Tables that changed during a rejected request but not when it was sent again: printed, not failed. */
  const backgroundNoise: string[] = [];
  /** Operation → status → how often, and one example of the codes seen (FUZZ_PROGRESS prints them). */
  const perOperation = new Map<string, Map<string, number>>();
  const succeeded = new Map<string, number>();
  let sent = 0;
  let baseline = await settle();
  const started = Date.now();

  const plans = fc.oneof(...operations.map((op: Operation) => planOf(doc, op)));
  await fc.assert(
    fc.asyncProperty(plans, async (plan) => {
      const request = await requestOf(plan, ctx);
      const repro = describeRequest(plan, request);
      const res = await within(ANSWER_WITHIN_MS, api.app.inject(request));
      sent++;
      if (process.env.FUZZ_PROGRESS && sent % 100 === 0) console.log(`fuzz: ${sent} requests, ${((Date.now() - started) / 1000).toFixed(0)} s`);
      if (!res) {
        found(plan, repro, `no answer within ${ANSWER_WITHIN_MS / 1000} s`, '');
        for (const id of request.url.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g) ?? []) setAside.add(id);
        baseline = await settle(plan);
        return true;
      }
      const status = res.statusCode;
      statuses.set(`${String(status)[0]}xx`, (statuses.get(`${String(status)[0]}xx`) ?? 0) + 1);
      const seen = perOperation.get(plan.op.id) ?? new Map<string, number>();
      perOperation.set(plan.op.id, seen.set(`${status} ${errorCode(res)}`, (seen.get(`${status} ${errorCode(res)}`) ?? 0) + 1));
      if (status >= 500) found(plan, repro, 'server error', res.body.slice(0, 300), status);
      const verdict = contract.check(plan.op, status, res.headers['content-type'] as string | undefined, res.rawPayload);
      if (verdict) found(plan, repro, verdict.problem, verdict.detail, status);

      if (status >= 400 && status < 500) {
        const changed = changedTables(baseline, await snapshot(sql));
        if (changed.length) {
          // Background work the harness did not see coming (a burst of escalations late under load)
          // can land in the middle: the request is sent again once all is quiet, and is reported
          // when it changes a table again.
          baseline = await settle(plan);
          const again = await within(ANSWER_WITHIN_MS, api.app.inject(request));
          const changedAgain = changedTables(baseline, await snapshot(sql));
          if (again && again.statusCode >= 400 && again.statusCode < 500 && changedAgain.length === 0) {
            backgroundNoise.push(`${plan.op.method} ${plan.op.path}: ${changed.join(', ')}`);
          } else {
            found(plan, repro, 'rejected request changed tables', `${status} ${errorCode(res)}: ${changed.join(', ')}; sent again: ${again?.statusCode ?? 'no answer'}, ${changedAgain.join(', ') || 'nothing changed'}`, status);
          }
          baseline = await settle(plan);
        }
      } else {
        if (status < 300) succeeded.set(plan.op.id, (succeeded.get(plan.op.id) ?? 0) + 1);
        // A GET may write its audit line (exports) but starts nothing in the background; anything
        // else that moved meanwhile is background work still going on, to be waited for.
        const now = status < 300 && plan.op.method === 'GET' ? await snapshot(sql) : undefined;
        baseline = now && changedTables(baseline, now).every((t) => t.startsWith('audit_events ')) ? now : await settle(plan);
      }
      return true;
    }),
    // No shrinking: the property fails only when the harness itself breaks; findings are collected.
    { seed: SEED, numRuns: RUNS ?? Number.MAX_SAFE_INTEGER, endOnFailure: true, ...(RUNS ? {} : { interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false }) },
  );

  const seconds = (Date.now() - started) / 1000;
  const neverSucceeded = operations.filter((op) => !succeeded.has(op.id)).map((op) => op.id);
  const actions = [...succeeded].filter(([id]) => /^postMeasuresById(?!Dispatch)/.test(id)).reduce((n, [, c]) => n + c, 0);
  console.log(
    `fuzz: ${sent} requests in ${seconds.toFixed(0)} s (${(sent / seconds).toFixed(1)}/s), ${[...statuses].map(([k, v]) => `${k}: ${v}`).join(', ')}; ` +
      `${operations.length - neverSucceeded.length}/${operations.length} operations answered 2xx at least once` +
      `${neverSucceeded.length ? ` (not: ${neverSucceeded.join(', ')})` : ''}; measure actions answered 2xx ${actions} times`,
  );
  if (process.env.FUZZ_PROGRESS) for (const [id, seen] of perOperation) console.log(`fuzz: ${id}: ${[...seen].map(([k, n]) => `${k}×${n}`).join(', ')}`);
  if (backgroundNoise.length) console.log(`fuzz: ${backgroundNoise.length} rejected requests saw background changes that did not repeat:\n  ${backgroundNoise.join('\n  ')}`);
  const report = [...findings].map(([key, f]) => `${key} (${f.times}×)\n    ${f.detail}\n    ${f.request}`);
  if (report.length) console.log(`fuzz findings (seed ${SEED}):\n${report.join('\n')}`);
  expect(report).toEqual([]);
  // A long enough run that never got past the door would prove nothing: most operations must have
  // succeeded at least once, measure actions among them (on the fixture's running workflows).
  if (sent >= 1000) {
    expect(operations.length - neverSucceeded.length).toBeGreaterThan(operations.length / 2);
    expect(actions).toBeGreaterThan(0);
  }
});

/** The error's code, and its field when it names one. */
function errorCode(res: LightMyRequestResponse): string {
  if (res.statusCode < 400) return '';
  try {
    const body = res.json();
    return body.field ? `${body.code}(${body.field})` : String(body.code);
  } catch {
    return '';
  }
}
