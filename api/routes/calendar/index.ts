// 节假日管理: the holiday calendar by year. Everyone signed in reads it; admins enter a year's
// arrangement (the notice's lines or structured JSON) and correct single days. Every change is
// audited and starts a rollout that asks each open measure to recompute its pending due times.
import { eq, sql } from 'drizzle-orm';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { startCalendarRollout } from '../../../activities/calendar-rollout.js';
import { arrangementDays, checkArrangement, nextYearWarning, readNotice, weekdayOf, type Arrangement, type ArrangementProblem } from '../../../common/calendar-arrangement.js';
import { audit } from '../../../db/queries/audit.js';
import { knownYears, recentRollouts, rolloutSummary, rolloutView, storedDays, yearRange, yearView, type StoredDay } from '../../../db/queries/calendar.js';
import { calendarDays, calendarRollouts, calendarYears } from '../../../db/schema/index.js';
import { ApiError, invalid, notFound } from '../../errors.js';
import { principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { changeResult, correctDayBody, dayParams, enterYearBody, rolloutDetail, rolloutParams, rolloutSummary as rolloutSchema, yearParams, yearsList, yearView as yearSchema } from '../../schemas/calendar.js';

const refuse = (problems: ArrangementProblem[]) => new ApiError(422, 'VALIDATION', problems[0]!.message, problems[0]!.field, problems);
const same = (a: StoredDay[], b: StoredDay[]) => JSON.stringify(a.map((d) => [d.day, d.kind, d.name])) === JSON.stringify(b.map((d) => [d.day, d.kind, d.name]));

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;
  const admin = { roles: ['admin' as const] };
  const overseers = { roles: ['admin' as const, 'coordination_office' as const] };

  /** Saves a year's days (all of them, or one) with its audit entry and rollout, in one transaction; then starts the rollout. */
  const save = async (
    request: Parameters<typeof principalOf>[0],
    year: number,
    change: string,
    write: (tx: Parameters<Parameters<typeof db.transaction>[0]>[0], by: string) => Promise<void>,
    detail: Record<string, unknown>,
  ) => {
    const actor = principalOf(request);
    const rollout = await db.transaction(async (tx) => {
      // One calendar change at a time: two admins saving at once are applied one after the other.
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('calendar'))`);
      await write(tx, actor.id);
      const [r] = await tx.insert(calendarRollouts).values({ change, years: [year], createdBy: actor.id }).returning();
      await audit(tx, { actor, action: detail.action as string, detail: { ...detail, year, change, rolloutId: r!.id } });
      return r!;
    });
    try {
      await startCalendarRollout(app.deps.temporal, app.deps.taskQueue, rollout.id);
    } catch (err) {
      // Saved all the same: the worker resumes every rollout not done when it starts.
      request.log.warn({ err, rolloutId: rollout.id }, 'calendar rollout not started; the worker resumes it at its next start');
    }
    return rollout;
  };

  app.get('/years', { schema: { tags: ['calendar'], summary: '节假日安排：已录入的年份', response: { 200: yearsList, ...errors(401) } } }, async () => {
    const years = await knownYears(db);
    return { years, warning: nextYearWarning(new Date(), years.map((y) => y.year)) };
  });

  app.get(
    '/years/:year',
    { schema: { tags: ['calendar'], summary: '某年的每一天（工作日、周末、法定节假日、调休上班）与调整记录', params: yearParams, response: { 200: yearSchema, ...errors(401) } } },
    (request) => yearView(db, request.params.year),
  );

  app.put(
    '/years/:year',
    {
      config: admin,
      schema: {
        tags: ['calendar'],
        summary: '录入（替换）某年的节假日安排：通知原文或结构化数据',
        description: '以通知原文（每行一个节日）或 holidays/makeupDays 录入，整年替换；dryRun 只解析校验。保存后记入审计，并逐批通知未办结的措施重算待办时限（见 rollout）。',
        params: yearParams,
        body: enterYearBody,
        response: { 200: changeResult, ...errors(401, 403) },
      },
    },
    async (request) => {
      const { year } = request.params;
      const b = request.body;
      let arrangement: Arrangement;
      if (b.notice !== undefined) {
        const read = readNotice(year, b.notice);
        if (read.problems.length) throw refuse(read.problems);
        arrangement = read.arrangement;
        if (!arrangement.holidays.length) throw invalid(`通知中没有读到任何放假安排（如「1月1日至3日放假调休，共3天」）/ no holiday range found`, 'notice');
      } else {
        arrangement = {
          holidays: (b.holidays ?? []).map((h) => ({ from: h.from, to: h.to, name: h.name ?? null, totalDays: h.totalDays })),
          makeupDays: (b.makeupDays ?? []).map((m) => ({ day: m.day, name: m.name ?? null })),
        };
        const problems = checkArrangement(year, arrangement);
        if (problems.length) throw refuse(problems);
        if (!arrangement.holidays.length) throw invalid('请至少填写一段放假安排 / at least one holiday range', 'holidays');
      }
      const days = arrangementDays(arrangement);
      if (b.dryRun) return { saved: false, changed: false, rollout: null, calendar: await yearView(db, year, days) };

      const [known] = await db.select({ year: calendarYears.year }).from(calendarYears).where(eq(calendarYears.year, year));
      const before = await storedDays(db, year);
      if (known && same(before, days)) return { saved: true, changed: false, rollout: null, calendar: await yearView(db, year) };
      const change = `录入${year}年节假日安排`;
      const rollout = await save(
        request,
        year,
        change,
        async (tx, by) => {
          const [from, to] = yearRange(year);
          await tx.delete(calendarDays).where(sql`${calendarDays.day} between ${from} and ${to}`);
          await tx.insert(calendarDays).values(days.map((d) => ({ ...d, source: 'admin', updatedBy: by })));
          await tx
            .insert(calendarYears)
            .values({ year, source: 'admin', updatedBy: by })
            .onConflictDoUpdate({ target: calendarYears.year, set: { source: 'admin', updatedBy: by, updatedAt: new Date() } });
        },
        {
          action: 'calendar_year_entered',
          input: b.notice !== undefined ? 'notice' : 'json',
          holidays: arrangement.holidays.map((h) => ({ from: h.from, to: h.to, name: h.name })),
          makeupDays: arrangement.makeupDays.map((m) => m.day),
          previous: known ? { holidayDays: before.filter((d) => d.kind === 'holiday').length, makeupDays: before.filter((d) => d.kind === 'workday').map((d) => d.day) } : null,
        },
      );
      return { saved: true, changed: true, rollout: rolloutSummary(rollout), calendar: await yearView(db, year) };
    },
  );

  app.put(
    '/days/:day',
    {
      config: admin,
      schema: {
        tags: ['calendar'],
        summary: '更正某一天：法定节假日、调休上班或恢复平常',
        params: dayParams,
        body: correctDayBody,
        response: { 200: changeResult, ...errors(401, 403) },
      },
    },
    async (request) => {
      const { day } = request.params;
      const { kind, name } = request.body;
      const year = Number(day.slice(0, 4));
      const [known] = await db.select({ year: calendarYears.year }).from(calendarYears).where(eq(calendarYears.year, year));
      if (!known) throw invalid(`尚未录入${year}年节假日安排，请先录入全年安排再更正单日 / enter the year's arrangement first`, 'day');
      const wd = weekdayOf(day);
      if (kind === 'makeup' && wd !== 0 && wd !== 6) throw invalid(`${day}不是周末：调休上班日应为周六或周日 / a make-up day must be a weekend day`, 'kind');
      const [current] = await db.select({ kind: calendarDays.kind, name: calendarDays.name }).from(calendarDays).where(eq(calendarDays.day, day));
      const stored = kind === 'normal' ? null : { kind: kind === 'holiday' ? ('holiday' as const) : ('workday' as const), name: name ?? current?.name ?? null };
      if ((current ?? null) === null ? stored === null : stored !== null && current!.kind === stored.kind && current!.name === stored.name) {
        return { saved: true, changed: false, rollout: null, calendar: await yearView(db, year) };
      }
      const kindName = { holiday: '法定节假日', makeup: '调休上班', normal: '平常（周一至周五上班）' }[kind];
      const rollout = await save(
        request,
        year,
        `更正${day}为${kindName}`,
        async (tx, by) => {
          if (stored === null) await tx.delete(calendarDays).where(eq(calendarDays.day, day));
          else {
            const row = { ...stored, source: 'admin', updatedBy: by, updatedAt: new Date() };
            await tx.insert(calendarDays).values({ day, ...row }).onConflictDoUpdate({ target: calendarDays.day, set: row });
          }
          await tx.update(calendarYears).set({ source: 'admin', updatedBy: by, updatedAt: new Date() }).where(eq(calendarYears.year, year));
        },
        { action: 'calendar_day_corrected', day, from: current ? { kind: current.kind === 'holiday' ? 'holiday' : 'makeup', name: current.name } : { kind: 'normal' }, to: { kind, name: stored?.name ?? null } },
      );
      return { saved: true, changed: true, rollout: rolloutSummary(rollout), calendar: await yearView(db, year) };
    },
  );

  app.get(
    '/rollouts',
    { config: overseers, schema: { tags: ['calendar'], summary: '节假日调整后各措施时限重算的进度', response: { 200: z.array(rolloutSchema), ...errors(401, 403) } } },
    () => recentRollouts(db),
  );

  app.get(
    '/rollouts/:id',
    {
      config: overseers,
      schema: { tags: ['calendar'], summary: '一次节假日调整：哪些措施的待办时限变了（调整前后）', params: rolloutParams, response: { 200: rolloutDetail, ...errors(401, 403, 404) } },
    },
    async (request) => {
      const view = await rolloutView(db, request.params.id);
      if (!view) throw notFound('节假日调整记录', 'id');
      return view;
    },
  );
};

export default routes;
