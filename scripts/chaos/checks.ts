// What the chaos run checks once everything is quiet, each against an independent record:
// - every action a client sent got a final answer, and each accepted one is in the audit trail
//   exactly once (the key it was sent with is in its text), each refused one not at all;
// - every rung that came due fired exactly once: the ladders are replayed from the audit trail and
//   the clients' own record of when they acted — a rung due before its item was met (as the client
//   first tried) must be there once, in order, never before its time, never after the item ended;
// - `list_entries` and `assignments` equal each workflow's own state (its `state` query);
// - the audit step numbers of every measure run 1…n without a gap, n being the workflow's last step;
// - outbox keys are unique, every entry is delivered, and the receiver holds each (entry, address)
//   once, deduplicated by the key as a mailbox folds one Message-ID (a repeat with the same key is
//   the documented window of a worker or database dying between a send and its commit: counted).
import { and, asc, eq, isNotNull } from 'drizzle-orm';
import type { MeasureClient } from '../../api/measure-client.js';
import type { DatabaseHandle } from '../../db/client.js';
import { assignments, auditEvents, listEntries, notificationDeliveries, notificationOutbox, progressReports } from '../../db/schema/index.js';
import { listEntryOf } from '../../workflows/list-entry.js';
import type { MeasureView } from '../../workflows/measure.js';
import type { EscalationRules, LadderKind } from '../../workflows/rules/escalation.js';
import type { Mail } from '../../test/support/receivers.js';
import type { ActionRecord } from './clients.js';
import { emailOf, OFFICE, type ChaosMeasure } from './scenario.js';

export interface Check {
  name: string;
  problems: string[];
  /** What was counted, for the printout. */
  figure: string;
}

export interface CheckInput {
  database: DatabaseHandle;
  measureClient: MeasureClient;
  measures: ChaosMeasure[];
  actions: ActionRecord[];
  rules: EscalationRules;
  mails: Mail[];
  /** When the waiting ended: outbox entries older than 30 s by then must be delivered. */
  settledAt: number;
}

/** Timers and the clock of a loaded machine: a rung due this close to its item's end may or may not fire. */
const SLACK_MS = 2000;

type AuditRow = typeof auditEvents.$inferSelect;
const detailOf = (e: AuditRow) => (e.detail ?? {}) as Record<string, unknown>;
const time = (ms: number) => new Date(ms).toISOString().slice(11, 19);
const ms = (spec: { unit: string; amount: number }) => {
  if (spec.unit !== 'seconds') throw new Error(`chaos rules must be in seconds, not ${spec.unit}`);
  return spec.amount * 1000;
};

/** Audit actions a client action may leave, by URL segment. */
const RECORDED_AS: Record<string, string[]> = {
  dispatch: ['dispatch'],
  acknowledge: ['acknowledge'],
  decline: ['decline'],
  'submit-progress': ['report'],
  'apply-closure': ['apply_closure'],
  'review-closure': ['approve_closure', 'return_closure'],
  'request-extension': ['request_extension'],
  'decide-extension': ['approve_extension', 'reject_extension'],
  'reassign-lead': ['reassign_lead'],
  cancel: ['cancel'],
  flag: ['flag', 'unflag'],
};
/** Actions whose key is written into a text the audit keeps (reasons, summaries). */
const KEYED = new Set(['decline', 'apply-closure', 'review-closure', 'request-extension', 'decide-extension', 'reassign-lead', 'cancel', 'flag']);

export interface Snapshot {
  audit: Map<string, AuditRow[]>;
  reports: Array<{ measureId: string; seq: number; text: string }>;
  states: Map<string, MeasureView>;
  entries: Map<string, typeof listEntries.$inferSelect>;
  assignments: Map<string, Array<typeof assignments.$inferSelect>>;
  /** When each measure was read: rungs due before this, on items still open, must have fired. */
  at: Map<string, number>;
}

/**
 * Reads each measure's workflow state and its rows in PostgreSQL at one moment: the state, the
 * rows, the state again — read again when a step happened in between (timers keep firing) or its
 * projection was still on its way. What stays inconsistent after a few tries is compared as read.
 */
export async function snapshot(input: CheckInput, deadline: number): Promise<Snapshot> {
  const { db } = input.database;
  const snap: Snapshot = { audit: new Map(), reports: [], states: new Map(), entries: new Map(), assignments: new Map(), at: new Map() };
  const lastSeq = (v: MeasureView) => v.timeline.at(-1)?.seq ?? 0;
  const ids = input.measures.filter((m) => m.dispatched).map((m) => m.id);
  for (let i = 0; i < ids.length; i += 10) {
    await Promise.all(
      ids.slice(i, i + 10).map(async (id) => {
        for (let attempt = 1; ; attempt++) {
          const at = Date.now();
          const state = await query(input.measureClient, id, deadline);
          if (!state) return; // not read in time: reported by the checks as a measure without a state
          const [entry] = await db.select().from(listEntries).where(eq(listEntries.measureId, id));
          // The workflow's steps (the API's own `create` of the draft has no step number).
          const audit = await db.select().from(auditEvents).where(and(eq(auditEvents.measureId, id), isNotNull(auditEvents.seq))).orderBy(asc(auditEvents.seq));
          const as = await db.select().from(assignments).where(eq(assignments.measureId, id));
          const reports = await db.select({ seq: progressReports.seq, text: progressReports.text }).from(progressReports).where(eq(progressReports.measureId, id));
          const again = await query(input.measureClient, id, deadline);
          const n = lastSeq(state);
          const consistent = again !== undefined && lastSeq(again) === n && entry?.seq === n && (audit.at(-1)?.seq ?? 0) === n;
          if (!consistent && attempt < 8 && Date.now() < deadline) {
            await new Promise((r) => setTimeout(r, 500));
            continue;
          }
          snap.states.set(id, state);
          if (entry) snap.entries.set(id, entry);
          snap.audit.set(id, audit);
          snap.assignments.set(id, as);
          snap.reports.push(...reports.map((r) => ({ measureId: id, seq: r.seq ?? 0, text: r.text })));
          snap.at.set(id, at);
          return;
        }
      }),
    );
  }
  return snap;
}

/** A query waits for a worker; one just restarted may take a while to pick up every workflow. Undefined: not by the deadline. */
async function query(client: MeasureClient, id: string, deadline: number): Promise<MeasureView | undefined> {
  while (Date.now() < deadline) {
    try {
      return await client.state(id);
    } catch {
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  return undefined;
}

export function checkAnswered(input: CheckInput): Check {
  const open = input.actions.filter((a) => a.outcome === 'unanswered');
  return {
    name: '每个请求都得到了最终答复 / every request got a final answer',
    figure: `${input.actions.length} requests`,
    problems: open.map((a) => `${a.action} ${a.measureId} (key ${a.key}) — ${a.attempts} 次尝试均无最终答复，最后一次：${a.lastRetryCause ?? '—'} / no final answer after ${a.attempts} attempts`),
  };
}

export function checkActionsRecorded(input: CheckInput, snap: Snapshot): Check {
  const problems: string[] = [];
  const no = new Map(input.measures.map((m) => [m.id, m.no]));
  const name = (a: ActionRecord) => `措施#${no.get(a.measureId)} ${a.action}（${a.user}，key ${a.key}）`;
  const keyedIn = (measureId: string, key: string) => (snap.audit.get(measureId) ?? []).filter((e) => JSON.stringify(e.detail).includes(key));
  let accepted = 0;
  for (const a of input.actions) {
    if (a.outcome === 'unanswered') continue;
    const ok = a.outcome === 'accepted' || (a.action === 'dispatch' && a.code === 'ALREADY_DONE');
    if (ok) accepted++;
    if (KEYED.has(a.action)) {
      const found = keyedIn(a.measureId, a.key);
      const wrongKind = found.filter((e) => !RECORDED_AS[a.action]!.includes(e.action));
      if (ok && found.length !== 1) problems.push(`${name(a)}：已受理，审计记录 ${found.length} 条（应为 1）/ accepted, recorded ${found.length} times`);
      if (!ok && found.length) problems.push(`${name(a)}：答复 ${a.status} ${a.code ?? ''}，却有 ${found.length} 条审计记录 / refused yet recorded`);
      if (wrongKind.length) problems.push(`${name(a)}：记录为 ${wrongKind.map((e) => e.action).join(',')} / recorded as another action`);
    } else if (a.action === 'submit-progress') {
      const found = snap.reports.filter((r) => r.measureId === a.measureId && r.text.includes(a.key));
      if (ok && found.length !== 1) problems.push(`${name(a)}：已受理，进展反馈 ${found.length} 条（应为 1）/ accepted, ${found.length} progress reports`);
      if (!ok && found.length) problems.push(`${name(a)}：答复 ${a.status} ${a.code ?? ''}，却有进展反馈 / refused yet recorded`);
    }
  }
  // Unkeyed actions are counted: per measure and department (acknowledge), per measure (dispatch, reports).
  for (const m of input.measures) {
    const events = snap.audit.get(m.id) ?? [];
    const mine = input.actions.filter((a) => a.measureId === m.id && (a.outcome === 'accepted' || (a.action === 'dispatch' && a.code === 'ALREADY_DONE')));
    const dispatches = events.filter((e) => e.action === 'dispatch').length;
    if (mine.some((a) => a.action === 'dispatch') && dispatches !== 1) problems.push(`措施#${m.no}：交办已受理，交办记录 ${dispatches} 条 / dispatch recorded ${dispatches} times`);
    if (!m.dispatched && events.length) problems.push(`措施#${m.no}：未交办，却有 ${events.length} 条审计记录 / not dispatched yet recorded`);
    for (const d of new Set([m.lead, ...m.cooperating, ...events.filter((e) => e.action === 'reassign_lead').map((e) => String(detailOf(e).to))])) {
      const acks = mine.filter((a) => a.action === 'acknowledge' && a.departmentId === d).length;
      const recorded = events.filter((e) => e.action === 'acknowledge' && detailOf(e).departmentId === d).length;
      if (acks !== recorded) problems.push(`措施#${m.no} ${d}：受理的签收 ${acks} 次，审计记录 ${recorded} 次 / ${acks} acknowledgments accepted, ${recorded} recorded`);
    }
    const reports = events.filter((e) => e.action === 'report').length;
    const accepted = mine.filter((a) => a.action === 'submit-progress').length;
    if (reports !== accepted) problems.push(`措施#${m.no}：受理的进展反馈 ${accepted} 次，审计记录 ${reports} 次 / ${accepted} reports accepted, ${reports} recorded`);
    // Every action of a person in the trail is one a client sent and had accepted.
    const keys = new Set(mine.map((a) => a.key));
    for (const e of events) {
      const text = JSON.stringify(e.detail);
      const key = /chaos-[\w-]+/.exec(text)?.[0];
      if (key && !keys.has(key)) problems.push(`措施#${m.no}：审计记录 ${e.action}（第${e.seq}步）带有未被受理的 key ${key} / recorded without an accepted request`);
    }
  }
  return { name: '每个受理的操作恰好记录一次，被拒绝的操作没有记录 / every accepted action recorded exactly once, none refused', figure: `${accepted} accepted`, problems };
}

interface Tracked {
  kind: LadderKind;
  departmentId: string | undefined;
  round: number | undefined;
  dueAt: number;
  /** The due time was estimated from the step that created the item (the workflow's own is a little earlier). */
  estimated: boolean;
  fired: Array<{ level: number; at: number; seq: number }>;
  /** When the item was met, as the client first tried (or the step, if earlier); open items: the check's time. */
  endRef: number | undefined;
  endedBy: string | undefined;
}

export function checkRungs(input: CheckInput, snap: Snapshot): Check {
  const problems: string[] = [];
  const { rules } = input;
  const ladders: Record<LadderKind, EscalationRules['acknowledgeLadder']> = {
    acknowledge: rules.acknowledgeLadder,
    report: rules.reportLadder,
    review: rules.reviewLadder,
    deadline: rules.deadlineLadder,
  };
  const ITEM: Record<string, string> = { acknowledge: '签收', report: '进展反馈', review: '销号审核', deadline: '完成时限' };
  let fired = 0;
  let due = 0;
  for (const m of input.measures.filter((x) => x.dispatched)) {
    const events = snap.audit.get(m.id) ?? [];
    const trackers: Tracked[] = [];
    const mine = input.actions.filter((a) => a.measureId === m.id && a.outcome === 'accepted');
    let lead = m.lead;
    const label = (t: Tracked) => `措施#${m.no} ${ITEM[t.kind]}${t.departmentId ? `（${t.departmentId}）` : ''}${t.round ? ` 第${t.round}轮` : ''}`;
    const add = (t: Omit<Tracked, 'fired' | 'endRef' | 'endedBy'>) => trackers.push({ ...t, fired: [], endRef: undefined, endedBy: undefined });
    const end = (match: (t: Tracked) => boolean, e: AuditRow, firstTried: number | undefined) => {
      for (const t of trackers.filter((x) => x.endRef === undefined && match(x))) {
        t.endRef = Math.min(e.occurredAt.getTime(), firstTried ?? Infinity);
        t.endedBy = `${e.action}（第${e.seq}步）`;
      }
    };
    const keyed = (e: AuditRow) => {
      const text = JSON.stringify(e.detail);
      return mine.find((a) => text.includes(a.key))?.firstAt;
    };
    for (const e of events) {
      const d = detailOf(e);
      const at = e.occurredAt.getTime();
      switch (e.action) {
        case 'dispatch':
          for (const dep of [m.lead, ...m.cooperating]) add({ kind: 'acknowledge', departmentId: dep, round: undefined, dueAt: at + ms(rules.acknowledgeDue), estimated: true });
          break;
        case 'acknowledge': {
          const tried = mine.filter((a) => a.action === 'acknowledge' && a.departmentId === d.departmentId && a.firstAt <= at).at(-1)?.firstAt;
          end((t) => t.kind === 'acknowledge' && t.departmentId === d.departmentId, e, tried);
          break;
        }
        case 'decline':
          end((t) => t.kind === 'acknowledge' && t.departmentId === d.departmentId, e, keyed(e));
          break;
        case 'round_opened':
          add({ kind: 'report', departmentId: lead, round: Number(d.round), dueAt: Date.parse(String(d.dueAt)), estimated: false });
          break;
        case 'report': {
          const text = snap.reports.find((r) => r.measureId === m.id && r.seq === e.seq)?.text ?? '';
          end((t) => t.kind === 'report' && t.departmentId === d.departmentId, e, mine.find((a) => text.includes(a.key))?.firstAt);
          break;
        }
        case 'apply_closure':
          end((t) => t.kind === 'report', e, keyed(e));
          add({ kind: 'review', departmentId: undefined, round: undefined, dueAt: at + ms(rules.reviewDue), estimated: false });
          break;
        case 'return_closure':
          end((t) => t.kind === 'review', e, keyed(e));
          break;
        case 'approve_closure':
        case 'cancel':
          end(() => true, e, keyed(e));
          break;
        case 'reassign_lead':
          end((t) => t.departmentId === d.from || t.departmentId === d.to, e, keyed(e));
          lead = String(d.to);
          add({ kind: 'acknowledge', departmentId: lead, round: undefined, dueAt: at + ms(rules.acknowledgeDue), estimated: false });
          break;
        case 'escalate': {
          const kind = d.item as LadderKind;
          const round = d.round === undefined || d.round === null ? undefined : Number(d.round);
          const t = trackers.find(
            (x) => x.kind === kind && x.endRef === undefined && (kind === 'review' || kind === 'deadline' || x.departmentId === d.departmentId) && (kind !== 'report' || x.round === round),
          );
          if (kind === 'deadline') {
            problems.push(`措施#${m.no}：完成时限在 2030 年，却触发了完成时限督办（第${e.seq}步）/ a deadline rung fired for a deadline years away`);
            break;
          }
          if (!t) {
            problems.push(`措施#${m.no}：第${e.seq}步 ${ITEM[kind]}${d.departmentId ? `（${String(d.departmentId)}）` : ''} 第${String(d.level)}级督办，但该事项此时已办结或不存在 / a rung fired for an item already met or unknown`);
            break;
          }
          if (t.estimated) {
            t.dueAt = Date.parse(String(d.dueAt));
            t.estimated = false;
          }
          const ladder = ladders[kind];
          // Rungs that came due together may be one step naming the lower ones it passed (`passedLevels`).
          const levels = [...(Array.isArray(d.passedLevels) ? (d.passedLevels as number[]) : []), Number(d.level)];
          for (const level of levels) {
            const rung = ladder[t.fired.length];
            if (!rung || rung.level !== level) {
              problems.push(`${label(t)}：第${e.seq}步触发第${level}级，应为${rung ? `第${rung.level}级` : '无（阶梯已到顶）'}（已触发 ${t.fired.map((f) => f.level).join('、') || '无'}）/ rung out of order or repeated`);
              break;
            }
            const dueAtRung = rungDue(t.dueAt, ladder, t.fired.length);
            if (at < dueAtRung) problems.push(`${label(t)}：第${rung.level}级于 ${time(at)} 触发，早于到期 ${time(dueAtRung)} / fired early`);
            t.fired.push({ level: rung.level, at, seq: e.seq ?? 0 });
            fired++;
          }
          break;
        }
      }
    }
    const state = snap.states.get(m.id);
    for (const t of trackers) {
      const endRef = t.endRef ?? snap.at.get(m.id)!;
      const ladder = ladders[t.kind];
      for (let i = 0; i < ladder.length; i++) {
        const at = rungDue(t.dueAt, ladder, i);
        if (at + SLACK_MS >= endRef) break;
        due++;
        if (i >= t.fired.length) {
          problems.push(
            `${label(t)}：第${ladder[i]!.level}级应于 ${time(at)} 触发，未触发（${t.endedBy ? `该事项于 ${time(endRef)} 由 ${t.endedBy} 办结` : `至 ${time(endRef)} 仍未办结`}）/ a rung that came due never fired`,
          );
          break;
        }
      }
      // An item still open here is one the workflow still tracks, at the level counted.
      if (t.endRef === undefined && state) {
        const pending = state.pending.find((p) => p.kind === t.kind && (t.kind === 'review' || p.departmentId === t.departmentId) && (t.kind !== 'report' || p.round === t.round));
        const level = t.fired.at(-1)?.level ?? 0;
        if (!pending) problems.push(`${label(t)}：按审计记录仍未办结，工作流中却没有此事项 / open by the trail, not in the workflow`);
        else if (pending.level !== level) problems.push(`${label(t)}：工作流中为第${pending.level}级，审计记录为第${level}级 / level differs`);
      }
    }
    if (state) {
      const open = trackers.filter((t) => t.endRef === undefined && t.kind !== 'deadline').length;
      const pending = state.pending.filter((p) => p.kind !== 'deadline').length;
      if (open !== pending) problems.push(`措施#${m.no}：工作流有 ${pending} 个待办事项，按审计记录应为 ${open} 个 / pending items differ`);
    }
  }
  return { name: '每个到期的督办层级恰好触发一次 / every rung that came due fired exactly once', figure: `${due} rungs came due, ${fired} fired`, problems };
}

function rungDue(dueAt: number, ladder: EscalationRules['acknowledgeLadder'], index: number): number {
  let at = dueAt;
  for (let i = 0; i <= index; i++) at += ms(ladder[i]!.after);
  return at;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export function checkListEntries(input: CheckInput, snap: Snapshot): Check {
  const problems: string[] = [];
  let compared = 0;
  for (const m of input.measures.filter((x) => x.dispatched)) {
    const v = snap.states.get(m.id);
    const e = snap.entries.get(m.id);
    if (!v) {
      problems.push(`措施#${m.no}：到检查结束仍查询不到工作流状态 / the workflow's state could not be read in time`);
      continue;
    }
    if (!e) {
      problems.push(`措施#${m.no}：list_entries 中没有这项措施 / no list entry`);
      continue;
    }
    compared++;
    const want = { seq: v.timeline.at(-1)?.seq ?? 0, ...listEntryOf(v) };
    const have = {
      seq: e.seq,
      list: e.list,
      status: e.status,
      rag: e.rag,
      escalationLevel: e.escalationLevel,
      leadDepartmentId: e.leadDepartmentId,
      deadlineAt: iso(e.deadlineAt),
      acknowledgeDueAt: iso(e.acknowledgeDueAt),
      reportDueAt: iso(e.reportDueAt),
      reviewDueAt: iso(e.reviewDueAt),
      progressPercent: e.progressPercent,
      lastReportAt: iso(e.lastReportAt),
      closedAt: iso(e.closedAt),
      calendarGapYears: e.calendarGapYears,
      snapshot: e.snapshot,
    };
    const differ = (Object.keys(want) as Array<keyof typeof want>).filter((k) => !sameJson(want[k], have[k]));
    for (const k of differ) problems.push(`措施#${m.no} list_entries.${k}：${JSON.stringify(have[k]).slice(0, 160)}，工作流为 ${JSON.stringify(want[k]).slice(0, 160)} / differs from the workflow`);
    const rows = (snap.assignments.get(m.id) ?? []).map((a) => ({ departmentId: a.departmentId, role: a.role, acknowledgedAt: iso(a.acknowledgedAt), declinedAt: iso(a.declinedAt) }));
    const wanted = v.assignments.map((a) => ({ departmentId: a.departmentId, role: a.role, acknowledgedAt: a.acknowledgedAt, declinedAt: a.declinedAt }));
    const sort = (xs: typeof rows) => [...xs].sort((a, b) => a.departmentId.localeCompare(b.departmentId));
    if (!sameJson(sort(rows), sort(wanted))) problems.push(`措施#${m.no} assignments：${JSON.stringify(sort(rows))}，工作流为 ${JSON.stringify(sort(wanted))} / differ`);
  }
  return { name: 'list_entries 与各工作流的状态一致 / list_entries equals each workflow’s state', figure: `${compared} measures compared`, problems };
}

/** JSON equality regardless of key order (jsonb reorders keys). */
function sameJson(a: unknown, b: unknown): boolean {
  const norm = (x: unknown): unknown =>
    Array.isArray(x) ? x.map(norm) : x && typeof x === 'object' ? Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined).sort(([p], [q]) => p.localeCompare(q)).map(([k, v]) => [k, norm(v)])) : x;
  return JSON.stringify(norm(a)) === JSON.stringify(norm(b));
}

export function checkAuditSeq(input: CheckInput, snap: Snapshot): Check {
  const problems: string[] = [];
  let steps = 0;
  for (const m of input.measures.filter((x) => x.dispatched)) {
    const seqs = (snap.audit.get(m.id) ?? []).map((e) => e.seq ?? 0);
    steps += seqs.length;
    const last = snap.states.get(m.id)?.timeline.at(-1)?.seq ?? 0;
    const gaps = seqs.filter((s, i) => s !== i + 1);
    if (gaps.length || seqs.length !== last) problems.push(`措施#${m.no}：审计序号 ${compress(seqs)}，工作流最后一步为 ${last} / audit seq not 1…${last}`);
  }
  return { name: '审计序号连续 / audit sequence numbers contiguous', figure: `${steps} steps`, problems };
}

function compress(xs: number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < xs.length; ) {
    let j = i;
    while (j + 1 < xs.length && xs[j + 1] === xs[j]! + 1) j++;
    parts.push(i === j ? `${xs[i]}` : `${xs[i]}–${xs[j]}`);
    i = j + 1;
  }
  return parts.join(',') || '（无）';
}

export async function checkOutbox(input: CheckInput): Promise<Check[]> {
  const { db } = input.database;
  const entries = await db.select().from(notificationOutbox);
  const deliveries = await db.select().from(notificationDeliveries);
  const keyProblems: string[] = [];
  const keys = new Map<string, number>();
  for (const e of entries) keys.set(e.idempotencyKey, (keys.get(e.idempotencyKey) ?? 0) + 1);
  for (const [k, n] of keys) if (n > 1) keyProblems.push(`outbox 键 ${k} 出现 ${n} 次 / key used ${n} times`);

  const problems: string[] = [];
  // Timers keep firing while the checks run: an entry written in the last moments may still be on its way.
  const young = (e: (typeof entries)[number]) => e.status === 'pending' && e.createdAt.getTime() > input.settledAt - 30_000;
  const inFlight = entries.filter(young);
  for (const e of entries.filter((x) => x.status !== 'delivered' && !young(x))) problems.push(`outbox #${e.id} ${e.kind}（${e.idempotencyKey}）：状态 ${e.status}${e.lastError ? `：${e.lastError.slice(0, 200)}` : ''} / not delivered`);
  const byEntry = new Map<number, Array<typeof notificationDeliveries.$inferSelect>>();
  for (const d of deliveries) byEntry.set(d.outboxId, [...(byEntry.get(d.outboxId) ?? []), d]);
  // Who each entry reaches: a department's address, or the office's for the office; leaders have none here.
  const expected = (e: (typeof entries)[number]) =>
    e.recipientDepartmentId ? [emailOf(e.recipientDepartmentId)] : e.recipientRole === 'coordination_office' ? [emailOf(OFFICE)] : (byEntry.get(e.id) ?? []).map((d) => d.target);
  const arrivals = new Map<string, Mail[]>();
  for (const mail of input.mails.filter((x) => x.accepted)) {
    for (const to of mail.to.split(',')) {
      const k = `${mail.xKey}\n${to}`;
      arrivals.set(k, [...(arrivals.get(k) ?? []), mail]);
    }
  }
  let wanted = 0;
  let repeats = 0;
  const known = new Set<string>();
  for (const e of entries.filter((x) => !young(x))) {
    const targets = expected(e);
    const rows = byEntry.get(e.id) ?? [];
    for (const target of targets) {
      wanted++;
      const k = `${e.idempotencyKey}\n${target}`;
      known.add(k);
      const row = rows.find((d) => d.channel === 'email' && d.target === target);
      if (!row) problems.push(`outbox #${e.id} ${e.kind}：没有发往 ${target} 的投递记录 / no delivery row for ${target}`);
      else if (row.status !== 'sent') problems.push(`outbox #${e.id} ${e.kind} → ${target}：投递状态 ${row.status}（${row.attempts} 次，${row.lastError?.slice(0, 160) ?? ''}）/ not sent`);
      const got = arrivals.get(k) ?? [];
      if (got.length === 0) problems.push(`outbox #${e.id} ${e.kind} → ${target}：接收端没有收到 / never arrived`);
      if (got.length > 1) repeats += got.length - 1;
    }
  }
  for (const e of inFlight) for (const target of expected(e)) known.add(`${e.idempotencyKey}\n${target}`);
  const strangers = [...arrivals.keys()].filter((k) => !known.has(k));
  for (const k of strangers) problems.push(`接收端收到未知的邮件 ${k.replace('\n', ' → ')} / a message no outbox entry asked for`);
  return [
    { name: 'outbox 键互不重复 / outbox keys unique', figure: `${entries.length} entries`, problems: keyProblems },
    {
      name: '每条通知恰好送达接收端一次（按幂等键去重）/ each notification delivered exactly once to the receiver (deduplicated by its key)',
      figure: `${wanted} deliveries, ${input.mails.length} mails received, ${repeats} repeated with the same key${inFlight.length ? `, ${inFlight.length} entries of the last 30 s still on their way` : ''}`,
      problems,
    },
  ];
}
