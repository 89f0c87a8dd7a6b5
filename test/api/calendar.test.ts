// 节假日管理 on the real Temporal server and PostgreSQL: a year read day by day, next year's
// arrangement entered from the notice's lines, validation naming the field, every change audited,
// and the open measures' working-day due times moved by a rollout that survives an interruption.
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendarRolloutActivities, resumeCalendarRollouts } from '../../activities/calendar-rollout.js';
import { MeasureClient } from '../../api/measure-client.js';
import { nextYearWarning } from '../../common/calendar-arrangement.js';
import { packageCalendarDays, packageCalendarYears } from '../../db/calendar-seed.js';
import { auditEvents, calendarDays, calendarRolloutMeasures, calendarRollouts, measures } from '../../db/schema/index.js';
import { addWorkingDays, calendarFromDays, shanghaiDate } from '../../workflows/rules/calendar.js';
import { createApiEnv, expectErrorShape, type ApiEnv } from '../support/api.js';
import { newMeasure, office, trail } from '../support/measures.js';

let api: ApiEnv;
let client: MeasureClient;
beforeAll(async () => {
  api = await createApiEnv('calendar');
  client = new MeasureClient(api.env.client, api.env.taskQueue);
});
afterAll(async () => api?.close());

const db = () => api.env.database.db;
const NEXT = Math.max(...packageCalendarYears()) + 1; // the first year the package does not know
const NOTICE = [
  `国务院办公厅关于${NEXT}年部分节假日安排的通知`,
  '一、元旦：1月1日至3日放假调休，共3天。',
  '二、春节：2月6日（星期六）至14日（星期日）放假调休，共9天。2月20日（星期六）上班。',
].join('\n');

/** An open measure whose acknowledgment is due `n` working days from now; its workflow id recorded as a dispatch would. */
async function openMeasure(workingDays: number) {
  const input = await newMeasure(db(), { cooperating: [], rules: { acknowledgeDue: { unit: 'working_days', amount: workingDays } } });
  await db().update(measures).set({ workflowId: `measure-${input.measureId}` }).where(eq(measures.id, input.measureId));
  await client.start(input);
  await expect.poll(async () => (await api.get('office', `/api/measures/${input.measureId}`)).json().entry?.list, { timeout: 10_000 }).toBe('responsibility');
  return input.measureId;
}

const entryOf = async (id: string) => (await api.get('office', `/api/measures/${id}`)).json().entry;
const calendarRows = async () => (await db().execute(sql`select count(*)::int as n from calendar_days`))[0]!.n;

describe('reading the calendar', () => {
  it('lists the known years with the warning for next year, and shows every day of a year', async () => {
    const list = (await api.get('health', '/api/calendar/years')).json();
    expect(list.years.map((y: { year: number }) => y.year)).toEqual(packageCalendarYears());
    expect(list.warning).toEqual(nextYearWarning(new Date(), packageCalendarYears()));
    // /health says it too (from 1 November), for whoever watches the service.
    const health = (await api.get(null, '/health')).json();
    expect(health.warnings.some((w: { code: string }) => w.code === 'CALENDAR_NEXT_YEAR_MISSING')).toBe(list.warning !== null);

    const year = (await api.get('finance', '/api/calendar/years/2026')).json();
    expect(year).toMatchObject({ year: 2026, known: true, source: 'package' });
    expect(year.days).toHaveLength(365);
    const day = (d: string) => year.days.find((x: { day: string }) => x.day === d);
    expect(day('2026-01-01')).toEqual({ day: '2026-01-01', weekday: 4, kind: 'holiday', working: false, name: '元旦' });
    expect(day('2026-01-04')).toMatchObject({ kind: 'makeup', working: true, name: '元旦调休上班' });
    expect(day('2026-01-05')).toMatchObject({ kind: 'workday', working: true, name: null });
    expect(day('2026-01-10')).toMatchObject({ kind: 'weekend', working: false });
    expect(year.holidays.find((h: { name: string }) => h.name === '春节')).toEqual({ from: '2026-02-15', to: '2026-02-23', name: '春节', days: 9 });

    const unknown = (await api.get('office', `/api/calendar/years/${NEXT}`)).json();
    expect(unknown).toMatchObject({ known: false, source: null, holidays: [], makeupDays: [] });
    expect(unknown.days.find((d: { day: string }) => d.day === `${NEXT}-01-01`).kind).toBe(new Date(`${NEXT}-01-01T00:00:00Z`).getUTCDay() % 6 === 0 ? 'weekend' : 'workday');
    expectErrorShape(await api.get('office', '/api/calendar/years/27'), 404, 'NOT_FOUND');
  });
});

describe('entering a year', () => {
  it('refuses what cannot be right, naming the field (and the notice line), and changes nothing', async () => {
    const before = await calendarRows();
    const url = `/api/calendar/years/${NEXT}`;
    const notice = expectErrorShape(await api.req('admin', 'PUT', url, { notice: `元旦：1月1日至3日放假调休，共4天\n春节：2月2日（星期二）上班\n国庆节：${NEXT + 1}年1月1日放假` }), 422, 'VALIDATION');
    expect(notice.errors!.map((e) => [e.field, e.row])).toEqual([
      ['notice', 1],
      ['notice', 3],
      ['notice', 2],
    ]);
    expect(notice.message).toContain('第1行');

    const json = expectErrorShape(
      await api.req('admin', 'PUT', url, {
        holidays: [
          { from: `${NEXT}-01-01`, to: `${NEXT}-01-03`, name: '元旦' },
          { from: `${NEXT}-01-03`, to: `${NEXT}-01-05`, name: '元旦' },
        ],
        makeupDays: [{ day: `${NEXT}-02-02` }, { day: `${NEXT + 1}-01-02` }],
      }),
      422,
      'VALIDATION',
    );
    expect(json.errors!.map((e) => e.field)).toEqual(['holidays.1.from', 'makeupDays.0.day', 'makeupDays.1.day']);
    expect(json.errors![1]!.message).toContain('周六或周日');

    expectErrorShape(await api.req('admin', 'PUT', url, { notice: NOTICE, holidays: [] }), 422, 'VALIDATION');
    expectErrorShape(await api.req('admin', 'PUT', url, { notice: '没有日期的一行' }), 422, 'VALIDATION');
    expectErrorShape(await api.req('admin', 'PUT', url, { notice: NOTICE, percnt: 50 }), 422, 'VALIDATION');
    expectErrorShape(await api.req('office', 'PUT', url, { notice: NOTICE }), 403);
    expectErrorShape(await api.req('health', 'PUT', '/api/calendar/days/2026-10-10', { kind: 'normal' }), 403);
    expect(await calendarRows()).toBe(before);

    // A dry run shows the year as it would be, and saves nothing.
    const dry = (await api.req('admin', 'PUT', url, { notice: NOTICE, dryRun: true })).json();
    expect(dry).toMatchObject({ saved: false, changed: false, rollout: null });
    expect(dry.calendar.makeupDays).toEqual([{ day: `${NEXT}-02-20`, name: '春节调休上班' }]);
    expect(await calendarRows()).toBe(before);
  });

  it('marks a working-day due time in the unknown year, and moves it when the year is entered, audited', async () => {
    // Working days from now until the first Monday–Friday working day of the unknown year.
    const cal = calendarFromDays(packageCalendarDays(), packageCalendarYears());
    let n = 1;
    while (shanghaiDate(addWorkingDays(cal, Date.now(), n).dueAt - 1) < `${NEXT}-01-01`) n++;
    const id = await openMeasure(n + 1);
    const before = await entryOf(id);
    expect(before.calendarGapYears).toEqual([NEXT]);
    const listed = (await api.get('office', '/api/lists/responsibility')).json().items.find((i: { measureId: string }) => i.measureId === id);
    expect(listed.calendarGapYears).toEqual([NEXT]);

    const res = await api.req('admin', 'PUT', `/api/calendar/years/${NEXT}`, { notice: NOTICE });
    expect(res.statusCode, res.body).toBe(200);
    const saved = res.json();
    expect(saved).toMatchObject({ saved: true, changed: true, calendar: { known: true, source: 'admin', updatedBy: api.ids.admin } });
    expect(saved.calendar.holidays.map((h: { name: string }) => h.name)).toEqual(['元旦', '春节']);
    expect(saved.calendar.changes[0]).toMatchObject({ actor: api.ids.admin, actorName: 'admin测试', action: 'calendar_year_entered' });

    // The rollout asks every open measure; this one's acknowledgment moves past 元旦.
    await expect.poll(async () => (await api.get('admin', `/api/calendar/rollouts/${saved.rollout.id}`)).json().status, { timeout: 20_000 }).toBe('done');
    const rollout = (await api.get('office', `/api/calendar/rollouts/${saved.rollout.id}`)).json();
    const mine = rollout.measures.find((m: { measureId: string }) => m.measureId === id);
    expect(mine.moved).toBe(true);
    expect(Date.parse(mine.after[0].dueAt)).toBeGreaterThan(Date.parse(mine.before[0].dueAt));
    expect(mine.before[0].dueAt).toBe(before.acknowledgeDueAt);
    const after = await entryOf(id);
    expect(after.calendarGapYears).toEqual([]);
    expect(after.acknowledgeDueAt).toBe(mine.after[0].dueAt);
    expect((await trail(db(), id)).at(-1)!.action).toBe('calendar_changed');

    const [entered] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'calendar_year_entered'));
    expect(entered).toMatchObject({ actor: api.ids.admin, actorRole: 'admin', detail: { year: NEXT, input: 'notice', rolloutId: saved.rollout.id } });
    expect((await api.get(null, '/health')).json().warnings.map((w: { code: string }) => w.code)).not.toContain('CALENDAR_NEXT_YEAR_MISSING');
    // The same arrangement again changes nothing and starts nothing.
    expect((await api.req('admin', 'PUT', `/api/calendar/years/${NEXT}`, { notice: NOTICE })).json()).toMatchObject({ changed: false, rollout: null });

    // Correcting one day: the due day becomes a holiday, and the due time moves again.
    const dueDay = shanghaiDate(Date.parse(after.acknowledgeDueAt) - 1);
    expectErrorShape(await api.req('admin', 'PUT', `/api/calendar/days/${dueDay}`, { kind: 'makeup' }), 422, 'VALIDATION');
    expectErrorShape(await api.req('admin', 'PUT', `/api/calendar/days/${NEXT + 1}-01-05`, { kind: 'holiday' }), 422, 'VALIDATION');
    const corrected = await api.req('admin', 'PUT', `/api/calendar/days/${dueDay}`, { kind: 'holiday', name: '临时调整' });
    expect(corrected.statusCode, corrected.body).toBe(200);
    expect(corrected.json().calendar.days.find((d: { day: string }) => d.day === dueDay)).toMatchObject({ kind: 'holiday', name: '临时调整' });
    await expect.poll(async () => (await entryOf(id)).acknowledgeDueAt, { timeout: 20_000 }).not.toBe(after.acknowledgeDueAt);
    const [correction] = await db().select().from(auditEvents).where(eq(auditEvents.action, 'calendar_day_corrected'));
    expect(correction).toMatchObject({ actor: api.ids.admin, detail: { day: dueDay, from: { kind: 'normal' }, to: { kind: 'holiday', name: '临时调整' } } });
    expect((await api.get('admin', '/api/calendar/rollouts')).json().map((r: { change: string }) => r.change)).toEqual([`更正${dueDay}为法定节假日`, `录入${NEXT}年节假日安排`]);
    await client.act(id, 'cancel', { actor: office, reason: '测试结束' });
  });
});

describe('a rollout', () => {
  it('goes on after the cursor when stopped halfway, asking each measure once', async () => {
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push(await openMeasure(3));
    const open = (await db().execute(sql`select count(*)::int as n from measures where status in ('dispatched','supervised','closure_review')`))[0]!.n as number;
    await db().insert(calendarDays).values({ day: '2026-12-30', kind: 'holiday', name: '测试', source: 'admin' }).onConflictDoNothing();
    const [rollout] = await db().insert(calendarRollouts).values({ change: '测试中断', years: [2026], createdBy: api.ids.admin }).returning();

    // The worker runs one batch of two, then stops.
    const { calendarRolloutBatch } = createCalendarRolloutActivities({ db: db(), client: api.env.client });
    expect(await calendarRolloutBatch({ rolloutId: rollout!.id, batchSize: 2 })).toEqual({ done: false, measures: 2 });
    const [halfway] = await db().select().from(calendarRollouts).where(eq(calendarRollouts.id, rollout!.id));
    expect(halfway).toMatchObject({ status: 'pending', measuresDone: 2 });

    // A worker starting again resumes it.
    expect(await resumeCalendarRollouts(db(), api.env.client, api.env.taskQueue)).toEqual([rollout!.id]);
    await expect.poll(async () => (await db().select().from(calendarRollouts).where(eq(calendarRollouts.id, rollout!.id)))[0]!.status, { timeout: 20_000 }).toBe('done');
    const rows = await db().select().from(calendarRolloutMeasures).where(eq(calendarRolloutMeasures.rolloutId, rollout!.id));
    expect(rows).toHaveLength(open);
    const [done] = await db().select().from(calendarRollouts).where(eq(calendarRollouts.id, rollout!.id));
    expect(done!.measuresDone).toBe(open);
    for (const id of ids) expect((await trail(db(), id)).filter((e) => e.action === 'calendar_changed')).toHaveLength(1);
    // A repeat of a batch after it committed adds nothing.
    expect(await calendarRolloutBatch({ rolloutId: rollout!.id, batchSize: 2 })).toEqual({ done: true, measures: 0 });
    for (const id of ids) await client.act(id, 'cancel', { actor: office, reason: '测试结束' });
  });
});
