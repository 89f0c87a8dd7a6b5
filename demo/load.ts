// The demo `npm start` loads into an empty database: the Sichuan package (6 areas, 20 measures,
// 15 departments, shared/seeds/002_*), people for every role, all measures dispatched and a few
// carried along, so each of the three lists has something to show. It runs on the demo clock
// (./clock.ts: due times minutes apart, so reminders and escalations arrive while one watches)
// unless asked for the real calendar.
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { MeasureActionUnconfirmedError, type MeasureAction, type MeasureActionArgs, type MeasureClient } from '../api/measure-client.js';
import { prepareImport } from '../api/routes/import/prepare.js';
import { writeImport } from '../api/routes/import/service.js';
import { dispatchMeasure } from '../api/routes/measures/service.js';
import { createPerson } from '../api/routes/people/service.js';
import type { Database } from '../db/client.js';
import { areas, departments, escalationPolicies, measures, policies } from '../db/schema/index.js';
import type { Actor } from '../workflows/measure-types.js';
import { shanghaiDate } from '../workflows/rules/calendar.js';
import { DEMO_SCHEDULE, demoMeasure, demoRules, leaderEscalationIn, minutesText, type DemoClock } from './clock.js';

interface DemoPackage {
  policy: { code: string; title: string; issuer: string; issuedOn: string };
  departments: Array<{ id: string; name: string; shortName: string }>;
  measures: Array<{ seq: number; area: string; content: string; leadDepartment: string; cooperatingDepartments: string[]; deadline: string; target: string }>;
}

export const DEMO_PASSWORD = 'Demo2025sc';
const OFFICE = { id: 'sc-office', name: '四川省深化医药卫生体制改革领导小组秘书处', shortName: '省医改办', kind: 'coordination_office' as const };

export function demoPackage(): DemoPackage {
  return JSON.parse(readFileSync(new URL('./sichuan-2025.json', import.meta.url), 'utf8')) as DemoPackage;
}

/** The `DEMO` setting of npm start: `on` (the demo clock), `real` (the working calendar) or `off`. */
export type DemoSetting = 'on' | 'real' | 'off';

export interface DemoOptions {
  clock?: DemoClock;
  /** The demo clock runs this many times faster (tests). */
  speed?: number;
}

/** What npm start does with its `DEMO` setting; `off` loads nothing. */
export function startDemo(setting: DemoSetting, db: Database, client: MeasureClient, log: (line: string) => void): Promise<string[]> {
  if (setting === 'off') return Promise.resolve([]);
  return loadDemo(db, client, log, { clock: setting === 'real' ? 'real' : 'demo' });
}

/** Loads the demo unless a policy already exists; returns the usernames created (empty when skipped). */
export async function loadDemo(db: Database, client: MeasureClient, log: (line: string) => void, options: DemoOptions = {}): Promise<string[]> {
  if ((await db.select({ id: policies.id }).from(policies).limit(1)).length) return [];
  const clock = options.clock ?? 'demo';
  const speed = options.speed ?? 1;
  const loadedAt = Date.now();
  const pkg = demoPackage();
  log(`正在载入演示数据 / loading the demo: 《${pkg.policy.title}》`);

  await db.insert(departments).values([OFFICE, ...pkg.departments.map((d) => ({ ...d, kind: 'line_department' as const }))]).onConflictDoNothing();
  const prepared = await prepareImport(
    db,
    pkg.measures.map((m, i) => ({ row: i + 1, seq: String(m.seq), area: m.area, measure: m.content, lead: m.leadDepartment, cooperating: m.cooperatingDepartments, deadline: m.deadline, target: m.target })),
    'json',
  );
  const { policy } = await writeImport(db, pkg.policy, prepared);

  const usernames: string[] = [];
  const person = async (input: Parameters<typeof createPerson>[1]) => {
    const p = await createPerson(db, input);
    usernames.push(input.username);
    return p;
  };
  const office = await person({ username: 'office', displayName: '省医改办督办员', role: 'coordination_office', departmentId: OFFICE.id, password: DEMO_PASSWORD });
  const areaIds = (await db.select({ id: areas.id }).from(areas).where(eq(areas.policyId, policy.id))).map((a) => a.id);
  await person({ username: 'leader', displayName: '分管副省长', role: 'leader', password: DEMO_PASSWORD, leaderAreaIds: areaIds });
  const staffOf = new Map<string, string>();
  for (const d of pkg.departments) {
    const p = await person({ username: d.id.replace(/^sc-/, ''), displayName: `${d.shortName}联络员`, role: 'department', departmentId: d.id, password: DEMO_PASSWORD });
    staffOf.set(d.id, p.id);
  }

  const by: Actor = { id: office.id, role: 'coordination_office', departmentId: OFFICE.id };
  // As a careful client acts: with an Idempotency-Key, sent again while a busy machine is slow to confirm.
  const act = async <A extends MeasureAction>(id: string, action: A, args: MeasureActionArgs[A]) => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.act(id, action, args, `demo:${id}:${action}`);
      } catch (err) {
        if (!(err instanceof MeasureActionUnconfirmedError) || attempt >= 5) throw err;
      }
    }
  };
  const rows = await db.select({ id: measures.id, seq: measures.seq, deadlineText: measures.deadlineText, deadlineSpec: measures.deadlineSpec }).from(measures).where(eq(measures.policyId, policy.id)).orderBy(measures.seq);
  const deadlineAt = new Map<string, Date>();
  if (clock === 'demo') {
    // The policy's rules and each measure's own due times on the demo clock, written before
    // dispatch reads them, so the measure pages and the rules API show what runs.
    await db.update(escalationPolicies).set({ rules: demoRules(speed) }).where(and(eq(escalationPolicies.policyId, policy.id), eq(escalationPolicies.version, 1)));
    for (const m of rows) {
      const { override, deadlineAt: at } = demoMeasure(m.seq, loadedAt, speed);
      // Ongoing and yearly measures keep their own deadlines.
      const dated = at && (m.deadlineSpec as { kind: string }).kind === 'date';
      if (dated) deadlineAt.set(m.id, at);
      await db
        .update(measures)
        .set({
          settingsOverride: override,
          ...(dated
            ? { deadlineText: `演示时钟：载入后${minutesText((at.getTime() - loadedAt) / 1000)}（原定${m.deadlineText}）`, deadlineSpec: { kind: 'date', date: shanghaiDate(at.getTime()), granularity: 'day' } }
            : {}),
        })
        .where(eq(measures.id, m.id));
    }
  }
  for (const m of rows) await dispatchMeasure(db, client, m.id, by, { deadlineAt: deadlineAt.get(m.id) });

  // Carry a few measures along so that the supervision and closure lists are not empty.
  const leadOf = new Map(prepared.measures.map((m) => [m.seq, m.lead.id!]));
  const actAsLead = async (seq: number, step: (id: string, lead: Actor & { departmentId: string }) => Promise<unknown>) => {
    const m = rows.find((r) => r.seq === seq)!;
    const departmentId = leadOf.get(seq)!;
    await step(m.id, { id: staffOf.get(departmentId)!, role: 'department', departmentId });
  };
  for (const seq of [1, 2, 3, 4, 5, 6, 7, 8]) {
    await actAsLead(seq, (id, lead) => act(id, 'acknowledge', { actor: lead, departmentId: lead.departmentId }));
  }
  for (const seq of [2, 3, 4]) {
    await actAsLead(seq, (id, lead) => act(id, 'submitProgress', { actor: lead, departmentId: lead.departmentId, text: '已制定工作方案，正在按计划推进。', percent: 40 + seq * 10 }));
  }
  await actAsLead(3, (id, lead) => act(id, 'applyClosure', { actor: lead, summary: '各项任务已完成，相关文件已印发。', evidence: [{ name: '印发文件.pdf' }, { name: '工作总结.docx' }] }));
  await actAsLead(4, (id, lead) => act(id, 'applyClosure', { actor: lead, summary: '已完成年度目标。', evidence: [{ name: '验收报告.pdf' }] }));
  await act(rows.find((r) => r.seq === 4)!.id, 'reviewClosure', { actor: by, decision: 'approve' });

  log(`演示数据已载入：${rows.length} 项措施已交办 / demo loaded: ${rows.length} measures dispatched`);
  if (clock === 'demo') {
    const at = (seconds: number) => minutesText(seconds / speed);
    const leaderIn = leaderEscalationIn(8)!;
    log(
      `演示时钟 / demo clock: 约${at(DEMO_SCHEDULE[18]!.acknowledgeIn)}后省医保局（hsa）等收到第18项签收逾期提醒，约${at(leaderIn)}后分管领导（leader）收到第8项挂牌督办；` +
        `DEMO=real 按真实日历运行 / DEMO=real runs on the real calendar`,
    );
  }
  return usernames;
}
