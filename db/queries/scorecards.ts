// 监督考核: what each department did over a period, counted from the audit trail the workflows
// write and the read model, then scored and ranked by common/scoring.ts under the rules version in
// force on the period's last day. Every line department is counted and ranked; who looks only
// chooses which rows they see (scorecardsFor), so a department's rank is the same for everyone.
//
// "By the end" below is the period's end, or now while the period runs. What is counted:
//  - 签收: acknowledgments in the period (on time or late); 逾期未签收: assignments whose 签收
//    ladder had started by the end and that were still not acknowledged (nor declined) by then;
//  - 反馈: reports in the period; 逾期未反馈: rounds whose report ladder had started by the end and
//    that the department had not answered by then (a later report answers every round it owed);
//  - 按期销号: measures it leads closed in the period whose (last) closure application came by the
//    deadline; 逾期销号: closed in the period, applied after the deadline; 到期未销号: past the deadline
//    by the end and not closed by then. The deadline is the current one, extensions included;
//  - 督办升级: rungs of its ladders reached in the period (the office's own review ladder aside);
//  - 报送负担 (最多报一次): forms it filled in the period (进展反馈, 申请销号, 延期申请, 申请调整) and
//    their fields (each text or number given, each evidence file);
//  - 当前逾期 and 红灯 are as of now, whatever the period.
// A cancelled measure counts nowhere.
import { sql } from 'drizzle-orm';
import { formatDayRange } from '../../common/dates.js';
import { LEVEL_KEYS, rank, scoreOf, type LevelKey, type ScoringRules } from '../../common/scoring.js';
import type { Database } from '../client.js';
import { scoringRulesOn, type ScoringRulesVersion } from './scoring-rules.js';

export interface Period {
  /** YYYY-MM-DD, inclusive, Shanghai days. */
  from: string;
  to: string;
  label: string;
}

const pad = (n: number) => String(n).padStart(2, '0');
const lastDay = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

/** 2025 → the year; 2025-06 → June; 2025-Q3 → the third quarter; 2025-H1 → the first half. */
export function parsePeriod(period: string): Period | null {
  let m: RegExpExecArray | null;
  if ((m = /^(\d{4})$/.exec(period))) return { from: `${m[1]}-01-01`, to: `${m[1]}-12-31`, label: `${m[1]}年` };
  if ((m = /^(\d{4})-(\d{2})$/.exec(period))) {
    const y = Number(m[1]);
    const mo = Number(m[2]);
    if (mo < 1 || mo > 12) return null;
    return { from: `${y}-${pad(mo)}-01`, to: `${y}-${pad(mo)}-${lastDay(y, mo)}`, label: `${y}年${mo}月` };
  }
  if ((m = /^(\d{4})-Q([1-4])$/i.exec(period))) {
    const y = Number(m[1]);
    const q = Number(m[2]);
    return { from: `${y}-${pad(q * 3 - 2)}-01`, to: `${y}-${pad(q * 3)}-${lastDay(y, q * 3)}`, label: `${y}年第${'一二三四'[q - 1]}季度` };
  }
  if ((m = /^(\d{4})-H([12])$/i.exec(period))) {
    const y = Number(m[1]);
    return m[2] === '1' ? { from: `${y}-01-01`, to: `${y}-06-30`, label: `${y}年上半年` } : { from: `${y}-07-01`, to: `${y}-12-31`, label: `${y}年下半年` };
  }
  return null;
}

/** From two days (YYYY-MM-DD, inclusive). */
export const dayRange = (from: string, to: string): Period => ({ from, to, label: formatDayRange(from, to) });

/** The current month in Shanghai. */
export function currentMonth(now = new Date()): Period {
  const [y, m] = new Date(now.getTime() + 8 * 3_600_000).toISOString().split('-');
  return parsePeriod(`${y}-${m}`)!;
}

export interface ScorecardRow {
  departmentId: string;
  departmentName: string;
  shortName: string | null;
  measuresLed: number;
  acknowledged: number;
  acknowledgedOnTime: number;
  acknowledgeOverdue: number;
  acknowledgeOnTimeRate: number | null;
  reports: number;
  reportsOnTime: number;
  reportsOverdue: number;
  reportOnTimeRate: number | null;
  closedOnTime: number;
  closedLate: number;
  dueOpen: number;
  closureOnTimeRate: number | null;
  /** Rungs reached in the period, by level, and their total. */
  escalations: Record<LevelKey, number>;
  escalationCount: number;
  /** Points taken off the score for them. */
  deduction: number;
  overdue: number;
  red: number;
  /** 报送负担: forms filled in the period, and their fields. */
  formsFiled: number;
  fieldsFilled: number;
  score: number | null;
  rank: number | null;
}

export interface Scorecards {
  period: Period;
  /** The rules version the period is scored under. */
  rules: ScoringRulesVersion;
  rows: ScorecardRow[];
}

const dayStart = (ymd: string) => new Date(`${ymd}T00:00:00+08:00`);

/**
 * Every line department's scorecard for the period, ranked over all of them; then only the rows
 * of `departmentIds` (undefined: all). `now` is when it is computed (a digest passes its own time).
 */
export async function scorecards(db: Database, period: Period, departmentIds?: readonly string[], now: Date = new Date()): Promise<Scorecards> {
  const rules = await scoringRulesOn(db, period.to);
  const rows = rank(await countAll(db, period, now, rules.rules));
  const mine = departmentIds === undefined ? rows : rows.filter((r) => departmentIds.includes(r.departmentId));
  mine.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.departmentName.localeCompare(b.departmentName, 'zh-CN'));
  return { period, rules, rows: mine };
}

type Counted = {
  department_id: string;
  department_name: string;
  short_name: string | null;
  measures_led: number;
  acks: number;
  acks_on_time: number;
  ack_overdue: number;
  reports: number;
  reports_on_time: number;
  reports_overdue: number;
  closed_on_time: number;
  closed_late: number;
  due_open: number;
  remind: number;
  urge: number;
  supervise: number;
  flag: number;
  overdue: number;
  red: number;
  forms: number;
  fields: number;
};

async function countAll(db: Database, period: Period, now: Date, rules: ScoringRules): Promise<ScorecardRow[]> {
  const toMs = dayStart(period.to).getTime() + 86_400_000;
  // Passed as text and cast: the driver takes strings for timestamps in raw SQL.
  const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;
  const from = ts(dayStart(period.from));
  const to = ts(new Date(toMs));
  const end = ts(new Date(Math.min(toMs, now.getTime())));
  const at = ts(now);
  const inPeriod = (col: ReturnType<typeof sql>) => sql`${col} >= ${from} and ${col} < ${to}`;
  const open = sql`('dispatched', 'supervised', 'closure_review')`;
  const evidenceCount = (col: ReturnType<typeof sql>) => sql`case when jsonb_typeof(${col}) = 'array' then jsonb_array_length(${col}) else 0 end`;
  // Closed (or cancelled) by the end: nothing is owed after that.
  const endedBy = (measureId: ReturnType<typeof sql>) =>
    sql`exists (select 1 from list_entries x where x.measure_id = ${measureId} and (x.status = 'cancelled' or x.closed_at < ${end}))`;

  const rows = await db.execute<Counted>(sql`
    with acks as (
      select e.detail->>'departmentId' as dep,
             count(*)::int as n,
             count(*) filter (where not coalesce((e.detail->>'late')::boolean, false))::int as on_time
      from audit_events e join list_entries le on le.measure_id = e.measure_id
      where e.action = 'acknowledge' and le.status <> 'cancelled' and ${inPeriod(sql`e.occurred_at`)}
      group by 1),
    ack_overdue as (
      select a.department_id as dep, count(*)::int as n
      from assignments a
      where (a.acknowledged_at is null or a.acknowledged_at >= ${end})
        and (a.declined_at is null or a.declined_at >= ${end})
        and not ${endedBy(sql`a.measure_id`)}
        and exists (select 1 from audit_events e
                    where e.measure_id = a.measure_id and e.action = 'escalate' and e.detail->>'item' = 'acknowledge'
                      and e.detail->>'departmentId' = a.department_id and e.occurred_at < ${end})
      group by 1),
    reports as (
      select p.department_id as dep, count(*)::int as n, count(*) filter (where not p.late)::int as on_time
      from progress_reports p join list_entries le on le.measure_id = p.measure_id
      where le.status <> 'cancelled' and ${inPeriod(sql`p.submitted_at`)}
      group by 1),
    report_overdue as (
      select missed.dep, count(*)::int as n
      from (select distinct e.measure_id, e.detail->>'departmentId' as dep, coalesce((e.detail->>'round')::int, 0) as round
            from audit_events e
            where e.action = 'escalate' and e.detail->>'item' = 'report' and e.occurred_at < ${end}) missed
      where not ${endedBy(sql`missed.measure_id`)}
        and not exists (select 1 from progress_reports p
                        where p.measure_id = missed.measure_id and p.department_id = missed.dep
                          and p.round >= missed.round and p.submitted_at < ${end})
      group by 1),
    escal as (
      select coalesce(e.detail->>'departmentId', le.lead_department_id) as dep,
             count(*) filter (where (e.detail->>'level')::int = 1)::int as remind,
             count(*) filter (where (e.detail->>'level')::int = 2)::int as urge,
             count(*) filter (where (e.detail->>'level')::int = 3)::int as supervise,
             -- 挂牌督办 is level 4 however reached: by the ladder, or by the office's hand (action 'flag').
             count(*) filter (where e.action = 'flag' or (e.detail->>'level')::int = 4)::int as flag
      from audit_events e join list_entries le on le.measure_id = e.measure_id
      where ((e.action = 'escalate' and e.detail->>'item' <> 'review') or e.action = 'flag') and le.status <> 'cancelled' and ${inPeriod(sql`e.occurred_at`)}
      group by 1),
    led as (
      select le.lead_department_id as dep,
             count(*) filter (where le.status <> 'cancelled')::int as total,
             count(*) filter (where ${inPeriod(sql`le.closed_at`)} and not coalesce(applied.at > le.deadline_at, false))::int as closed_on_time,
             count(*) filter (where ${inPeriod(sql`le.closed_at`)} and applied.at > le.deadline_at)::int as closed_late,
             count(*) filter (where le.status <> 'cancelled' and le.deadline_at < ${end} and (le.closed_at is null or le.closed_at >= ${end})
                                and exists (select 1 from audit_events d where d.measure_id = le.measure_id and d.action = 'dispatch' and d.occurred_at < ${end}))::int as due_open,
             count(*) filter (where le.status in ${open} and le.rag = 'red')::int as red,
             count(*) filter (where le.status in ${open} and (le.deadline_at < ${at} or le.acknowledge_due_at < ${at} or le.report_due_at < ${at}))::int as overdue
      from list_entries le
        -- When the department asked for closure (the office's review time is not the department's).
        left join lateral (select coalesce(max(e.occurred_at), le.closed_at) as at from audit_events e
                           where e.measure_id = le.measure_id and e.action = 'apply_closure' and e.occurred_at <= le.closed_at) applied on true
      group by 1),
    forms as (
      select p.department_id as dep, 1 + (p.percent is not null)::int + (p.indicator_value is not null)::int + ${evidenceCount(sql`p.evidence`)} as fields
      from progress_reports p where ${inPeriod(sql`p.submitted_at`)}
      union all
      select coalesce(pe.department_id, le.lead_department_id),
             case e.action when 'apply_closure' then 1 + ${evidenceCount(sql`e.detail->'evidence'`)} when 'request_extension' then 2 else 1 end
      from audit_events e
        join list_entries le on le.measure_id = e.measure_id
        left join people pe on pe.id::text = e.actor
      where e.action in ('apply_closure', 'request_extension') and ${inPeriod(sql`e.occurred_at`)}
      union all
      select e.detail->>'departmentId', 1
      from audit_events e where e.action = 'decline' and e.measure_id is not null and ${inPeriod(sql`e.occurred_at`)}),
    burden as (select dep, count(*)::int as forms, sum(fields)::int as fields from forms group by 1)
    select d.id as department_id, d.name as department_name, d.short_name,
           coalesce(led.total, 0) as measures_led,
           coalesce(acks.n, 0) as acks, coalesce(acks.on_time, 0) as acks_on_time, coalesce(ack_overdue.n, 0) as ack_overdue,
           coalesce(reports.n, 0) as reports, coalesce(reports.on_time, 0) as reports_on_time, coalesce(report_overdue.n, 0) as reports_overdue,
           coalesce(led.closed_on_time, 0) as closed_on_time, coalesce(led.closed_late, 0) as closed_late, coalesce(led.due_open, 0) as due_open,
           coalesce(escal.remind, 0) as remind, coalesce(escal.urge, 0) as urge, coalesce(escal.supervise, 0) as supervise, coalesce(escal.flag, 0) as flag,
           coalesce(led.overdue, 0) as overdue, coalesce(led.red, 0) as red,
           coalesce(burden.forms, 0) as forms, coalesce(burden.fields, 0) as fields
    from departments d
      left join acks on acks.dep = d.id
      left join ack_overdue on ack_overdue.dep = d.id
      left join reports on reports.dep = d.id
      left join report_overdue on report_overdue.dep = d.id
      left join escal on escal.dep = d.id
      left join led on led.dep = d.id
      left join burden on burden.dep = d.id
    where d.kind = 'line_department'`);

  return [...rows].map((r) => {
    const escalations = { remind: r.remind, urge: r.urge, supervise: r.supervise, flag: r.flag };
    const counts = {
      acknowledged: r.acks,
      acknowledgedOnTime: r.acks_on_time,
      acknowledgeOverdue: r.ack_overdue,
      reports: r.reports,
      reportsOnTime: r.reports_on_time,
      reportsOverdue: r.reports_overdue,
      closedOnTime: r.closed_on_time,
      closedLate: r.closed_late,
      dueOpen: r.due_open,
      escalations,
    };
    const s = scoreOf(counts, rules);
    return {
      departmentId: r.department_id,
      departmentName: r.department_name,
      shortName: r.short_name,
      measuresLed: r.measures_led,
      ...counts,
      acknowledgeOnTimeRate: s.acknowledgeOnTimeRate,
      reportOnTimeRate: s.reportOnTimeRate,
      closureOnTimeRate: s.closureOnTimeRate,
      escalationCount: LEVEL_KEYS.reduce((n, k) => n + escalations[k], 0),
      deduction: s.deduction,
      overdue: r.overdue,
      red: r.red,
      formsFiled: r.forms,
      fieldsFilled: r.fields,
      score: s.score,
      rank: null,
    };
  });
}

/**
 * The departments whose scorecards a leader sees: those assigned to them (leader_departments), and
 * every department assigned (牵头 or 配合) to a dispatched measure in an area assigned to them
 * (leader_areas). The rows stay each department's whole record, so the numbers and ranks are the
 * ones everybody sees.
 */
export async function overseenDepartmentIds(db: Database, leader: { departmentIds: readonly string[]; areaIds: readonly string[] }): Promise<string[]> {
  const ids = new Set(leader.departmentIds);
  if (leader.areaIds.length) {
    const rows = await db.execute<{ id: string }>(sql`
      select distinct a.department_id as id from assignments a join measures m on m.id = a.measure_id
      where m.status <> 'draft' and m.area_id in ${[...leader.areaIds]}`);
    for (const r of rows) ids.add(r.id);
  }
  return [...ids];
}
