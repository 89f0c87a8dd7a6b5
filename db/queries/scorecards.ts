// 监督考核: each department's record over a period, from the audit trail the workflows write
// (acknowledge and report steps carry detail.late) and the read model (RAG, closure):
//  - 签收及时率: acknowledgments on time ÷ (acknowledgments + acknowledgments now overdue);
//  - 反馈及时率: reports on time ÷ (reports + reports now overdue);
//  - 逾期: open measures it leads that are past a due time now, and escalations in the period;
//  - 销号率: measures it leads closed by the period's end ÷ (those + those past their deadline by
//    then and still open): a measure not yet due neither helps nor hurts;
//  - 综合得分: the mean of the three rates it has, ×100. Rank 1 is best.
import { sql } from 'drizzle-orm';
import type { Database } from '../client.js';

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

/** The current month in Shanghai. */
export function currentMonth(now = new Date()): Period {
  const [y, m] = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit' }).format(now).split('-');
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
  overdue: number;
  red: number;
  escalations: number;
  closed: number;
  closureRate: number | null;
  score: number | null;
  rank: number | null;
}

const rate = (num: number, den: number) => (den > 0 ? Math.round((num / den) * 1000) / 1000 : null);

export async function scorecards(db: Database, period: Period, departmentIds: string[] | undefined): Promise<ScorecardRow[]> {
  // Passed as text and cast: the driver takes strings for timestamps in raw SQL.
  const from = sql`${new Date(`${period.from}T00:00:00+08:00`).toISOString()}::timestamptz`;
  const to = sql`${new Date(Date.parse(`${period.to}T00:00:00+08:00`) + 86_400_000).toISOString()}::timestamptz`;
  const scope = departmentIds === undefined ? sql`true` : departmentIds.length ? sql`d.id in ${departmentIds}` : sql`false`;
  const open = sql`('dispatched', 'supervised', 'closure_review')`;
  const rows = await db.execute<{
    department_id: string;
    department_name: string;
    short_name: string | null;
    measures_led: number;
    acknowledged: number;
    acknowledged_on_time: number;
    acknowledge_overdue: number;
    reports: number;
    reports_on_time: number;
    reports_overdue: number;
    overdue: number;
    red: number;
    escalations: number;
    closed: number;
    due_open: number;
  }>(sql`
    with timely as (
      -- 签收 and 进展反馈 in the period, and how many of each were on time (not marked late).
      select e.detail->>'departmentId' as dep,
             count(*) filter (where e.action = 'acknowledge')::int as acks,
             count(*) filter (where e.action = 'acknowledge' and not coalesce((e.detail->>'late')::boolean, false))::int as acks_on_time,
             count(*) filter (where e.action = 'report')::int as reports,
             count(*) filter (where e.action = 'report' and not coalesce((e.detail->>'late')::boolean, false))::int as reports_on_time
      from audit_events e
      where e.action in ('acknowledge', 'report') and e.measure_id is not null and e.occurred_at >= ${from} and e.occurred_at < ${to}
      group by 1),
    escal as (
      select coalesce(e.detail->>'departmentId', le.lead_department_id) as dep, count(*)::int as n
      from audit_events e join list_entries le on le.measure_id = e.measure_id
      where e.action = 'escalate' and e.detail->>'item' <> 'review' and e.occurred_at >= ${from} and e.occurred_at < ${to}
      group by 1),
    ack_overdue as (
      select a.department_id as dep, count(*)::int as n
      from assignments a join list_entries le on le.measure_id = a.measure_id
      where a.acknowledged_at is null and a.declined_at is null and le.status in ${open} and le.acknowledge_due_at < now()
      group by 1),
    led as (
      select le.lead_department_id as dep,
             count(*)::int as total,
             count(*) filter (where le.status <> 'cancelled' and m.dispatched_at < ${to} and (le.closed_at is null or le.closed_at >= ${to})
                                and le.deadline_at < least(${to}, now()))::int as due_open,
             count(*) filter (where le.closed_at is not null and le.closed_at < ${to})::int as closed,
             count(*) filter (where le.status in ${open} and le.rag = 'red')::int as red,
             count(*) filter (where le.status in ${open} and (le.deadline_at < now() or le.acknowledge_due_at < now() or le.report_due_at < now()))::int as overdue,
             count(*) filter (where le.status = 'supervised' and le.report_due_at < now())::int as reports_overdue
      from list_entries le join measures m on m.id = le.measure_id
      group by 1)
    select d.id as department_id, d.name as department_name, d.short_name,
           coalesce(led.total, 0) as measures_led,
           coalesce(timely.acks, 0) as acknowledged, coalesce(timely.acks_on_time, 0) as acknowledged_on_time,
           coalesce(ack_overdue.n, 0) as acknowledge_overdue,
           coalesce(timely.reports, 0) as reports, coalesce(timely.reports_on_time, 0) as reports_on_time,
           coalesce(led.reports_overdue, 0) as reports_overdue,
           coalesce(led.overdue, 0) as overdue, coalesce(led.red, 0) as red,
           coalesce(escal.n, 0) as escalations,
           coalesce(led.closed, 0) as closed, coalesce(led.due_open, 0) as due_open
    from departments d
      left join timely on timely.dep = d.id
      left join escal on escal.dep = d.id
      left join ack_overdue on ack_overdue.dep = d.id
      left join led on led.dep = d.id
    where d.kind = 'line_department' and ${scope}
    order by d.name`);

  const out: ScorecardRow[] = [...rows].map((r) => {
    const acknowledgeOnTimeRate = rate(r.acknowledged_on_time, r.acknowledged + r.acknowledge_overdue);
    const reportOnTimeRate = rate(r.reports_on_time, r.reports + r.reports_overdue);
    const closureRate = rate(r.closed, r.closed + r.due_open);
    const rates = [acknowledgeOnTimeRate, reportOnTimeRate, closureRate].filter((x): x is number => x !== null);
    return {
      departmentId: r.department_id,
      departmentName: r.department_name,
      shortName: r.short_name,
      measuresLed: r.measures_led,
      acknowledged: r.acknowledged,
      acknowledgedOnTime: r.acknowledged_on_time,
      acknowledgeOverdue: r.acknowledge_overdue,
      acknowledgeOnTimeRate,
      reports: r.reports,
      reportsOnTime: r.reports_on_time,
      reportsOverdue: r.reports_overdue,
      reportOnTimeRate,
      overdue: r.overdue,
      red: r.red,
      escalations: r.escalations,
      closed: r.closed,
      closureRate,
      score: rates.length ? Math.round((rates.reduce((a, b) => a + b, 0) / rates.length) * 1000) / 10 : null,
      rank: null,
    };
  });
  const ranked = out.filter((r) => r.score !== null).sort((a, b) => b.score! - a.score! || a.overdue - b.overdue);
  ranked.forEach((r, i) => {
    // Equal scores share a rank.
    r.rank = i > 0 && ranked[i - 1]!.score === r.score && ranked[i - 1]!.overdue === r.overdue ? ranked[i - 1]!.rank : i + 1;
  });
  return out.sort((a, b) => (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.departmentName.localeCompare(b.departmentName, 'zh'));
}
