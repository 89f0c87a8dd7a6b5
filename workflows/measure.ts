// One workflow per measure (措施), following the lifecycle in DESIGN.md:
//   dispatched (责任清单) ──lead acknowledges──▶ supervised (督办清单) ──apply closure──▶
//   closure_review ──approve──▶ closed (销号清单); returned → supervised; cancel from any open state.
// Human actions are Updates (validated, answered at once); every due time is a durable timer
// computed by the pure rules in ./rules; every step is projected to PostgreSQL by an activity.
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  continueAsNew,
  currentUpdateInfo,
  defineQuery,
  defineSignal,
  defineUpdate,
  log,
  patched,
  proxyActivities,
  setHandler,
  workflowInfo,
} from '@temporalio/workflow';
import type { createActivities } from '../activities/index.js';
import type { Actor, AssignmentView, DueTimesRecalculated, Evidence, ListKind, MeasureStatus, NotificationRequest, PendingDue, ProjectionStep } from './measure-types.js';
import { computeDueAt, toCalendar, type CalendarData, type DueSpec, type WorkingCalendar } from './rules/calendar.js';
import { deadlineEndMs, type DeadlineSpec } from './rules/deadline.js';
import {
  dueSoonFrom,
  LEVEL_NAMES,
  ladderOf,
  nextRoundAt,
  nextRungAt,
  nextRungDue,
  ragOf,
  trackerLevel,
  type EscalationRules,
  type Level,
  type Rag,
  type Tracker,
} from './rules/escalation.js';
import { listEntryOf } from './list-entry.js';
import { rulesProblem } from './rules/escalation-schema.js';

// ---- messages ----

export interface ActionBase {
  actor: Actor;
}
export interface AcknowledgeArgs extends ActionBase {
  departmentId: string;
}
export interface DeclineArgs extends ActionBase {
  departmentId: string;
  reason: string;
}
export interface ProgressArgs extends ActionBase {
  departmentId: string;
  text: string;
  percent?: number | undefined;
  indicatorValue?: number | undefined;
  evidence?: Evidence[] | undefined;
}
export interface ApplyClosureArgs extends ActionBase {
  summary: string;
  evidence: Evidence[];
}
export interface ReviewClosureArgs extends ActionBase {
  decision: 'approve' | 'return';
  reason?: string | undefined;
}
export interface RequestExtensionArgs extends ActionBase {
  /** YYYY-MM-DD: the new last day. */
  newDeadline: string;
  reason: string;
}
export interface DecideExtensionArgs extends ActionBase {
  approve: boolean;
  reason?: string | undefined;
  /** The office may approve a date other than the one asked for. */
  newDeadline?: string | undefined;
}
export interface ReassignArgs extends ActionBase {
  departmentId: string;
  reason: string;
}
export interface CancelArgs extends ActionBase {
  reason: string;
}
export interface FlagArgs extends ActionBase {
  flagged: boolean;
  reason: string;
}

export const acknowledgeUpdate = defineUpdate<MeasureView, [AcknowledgeArgs]>('acknowledge');
export const declineUpdate = defineUpdate<MeasureView, [DeclineArgs]>('decline');
export const submitProgressUpdate = defineUpdate<MeasureView, [ProgressArgs]>('submitProgress');
export const applyClosureUpdate = defineUpdate<MeasureView, [ApplyClosureArgs]>('applyClosure');
export const reviewClosureUpdate = defineUpdate<MeasureView, [ReviewClosureArgs]>('reviewClosure');
export const requestExtensionUpdate = defineUpdate<MeasureView, [RequestExtensionArgs]>('requestExtension');
export const decideExtensionUpdate = defineUpdate<MeasureView, [DecideExtensionArgs]>('decideExtension');
export const reassignLeadUpdate = defineUpdate<MeasureView, [ReassignArgs]>('reassignLead');
export const cancelUpdate = defineUpdate<MeasureView, [CancelArgs]>('cancel');
export const flagUpdate = defineUpdate<MeasureView, [FlagArgs]>('flag');
/** The holiday calendar was corrected: reload it and move pending due times. */
export const calendarChangedSignal = defineSignal('calendarChanged');
/**
 * The same as an Update, for the calendar rollout (activities/calendar-rollout.ts): answers once
 * the new due times are in place and projected, with the pending due times before and after.
 */
export const recalculateDueTimesUpdate = defineUpdate<DueTimesRecalculated, [{ change: string }]>('recalculateDueTimes');
export const stateQuery = defineQuery<MeasureView>('state');

// ---- state ----

export interface MeasureInput {
  measureId: string;
  /** 序号 within its policy, for messages. */
  seq: number;
  title: string;
  leadDepartmentId: string;
  cooperatingDepartmentIds: string[];
  /** 完成时限 as written, its parsed spec, and optionally an exact instant (demos and tests use seconds). */
  deadline: { text: string; spec: DeadlineSpec; at?: string | undefined };
  rules: EscalationRules;
  dispatchedBy: Actor;
  /** Carried across continue-as-new; absent on the first run. */
  carried?: MeasureState | undefined;
  /** Continue-as-new after this many history events (tests lower it); else when the server suggests. */
  continueAsNewAfterEvents?: number | undefined;
}

interface Assignment {
  departmentId: string;
  role: 'lead' | 'cooperating';
  acknowledgedAt: number | null;
  declinedAt: number | null;
  declineReason: string | null;
}

interface TimelineEntry {
  seq: number;
  at: string;
  action: string;
  actor: string;
  detail?: Record<string, unknown> | undefined;
}

export interface MeasureState {
  status: MeasureStatus;
  dispatchedAt: number;
  assignments: Assignment[];
  deadlineAt: number | null;
  trackers: Tracker[];
  /** Deadline rungs fired before a pause, so the ladder resumes where it stood. */
  pausedDeadlineFiredAt: number[];
  round: { n: number; openedAt: number; dueAt: number; reportedBy: string[] } | null;
  nextRoundAt: number | null;
  lastReport: { round: number; departmentId: string; at: number; text: string; percent: number | null; evidence: Evidence[] } | null;
  closureApplication: { at: number; summary: string; evidence: Evidence[] } | null;
  pendingExtension: { at: number; newDeadline: string; reason: string; by: string } | null;
  flagged: { at: number; by: string; reason: string } | null;
  rag: Rag;
  escalationLevel: number;
  closedAt: number | null;
  calendar: CalendarData | null;
  seq: number;
  timeline: TimelineEntry[];
  /** Update ids already applied, carried across continue-as-new (the server dedupes within a run only). */
  seenUpdateIds: string[];
}

export interface MeasureView {
  measureId: string;
  status: MeasureStatus;
  list: ListKind | null;
  rag: Rag;
  escalationLevel: number;
  escalationName: string | null;
  leadDepartmentId: string;
  assignments: AssignmentView[];
  deadlineText: string;
  deadlineAt: string | null;
  acknowledgeDueAt: string | null;
  round: { n: number; openedAt: string; dueAt: string; reportedBy: string[] } | null;
  nextRoundAt: string | null;
  reportDueAt: string | null;
  reviewDueAt: string | null;
  pending: Array<{ kind: string; departmentId?: string | undefined; round?: number | undefined; dueAt: string; level: number }>;
  lastReport: { round: number; departmentId: string; at: string; text: string; percent: number | null; evidence: Evidence[] } | null;
  closureApplication: { at: string; summary: string; evidence: Evidence[] } | null;
  pendingExtension: { at: string; newDeadline: string; reason: string; by: string } | null;
  /** The office's own 挂牌督办 (who, when, why), which it may lift; null when the office has not flagged. */
  flagged: { at: string; by: string; reason: string } | null;
  /** 挂牌督办 is level 4 however reached: 'office' by the office's hand, 'ladder' by the deadline ladder. */
  flaggedBy: 'office' | 'ladder' | null;
  closedAt: string | null;
  /** Years without a holiday arrangement that a pending due time falls in: counted Monday–Friday until entered. */
  calendarGapYears: number[];
  timeline: TimelineEntry[];
  rulesVersion: number;
  workflowId: string;
}

const STATUS_NAMES: Record<MeasureStatus, string> = { dispatched: '待签收', supervised: '督办中', closure_review: '销号审核中', closed: '已销号', cancelled: '已撤销' };
const TIMELINE_KEPT = 300;
const SEEN_IDS_KEPT = 1000;
const SYSTEM: Actor = { id: 'system', role: 'system' };
const OPEN: MeasureStatus[] = ['dispatched', 'supervised', 'closure_review'];

const { projectMeasure, loadCalendar } = proxyActivities<ReturnType<typeof createActivities>>({
  // A projection is one short transaction; a worker that died holding one is noticed this soon.
  startToCloseTimeout: '10 seconds',
  // Projection must land eventually: PostgreSQL down for an hour delays it, never drops it.
  retry: { initialInterval: '1 second', maximumInterval: '1 minute' },
});

const iso = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : new Date(ms).toISOString());

function reject(code: string, message: string, field?: string): never {
  throw ApplicationFailure.create({ type: code, message, nonRetryable: true, details: field ? [{ field }] : [] });
}

export async function measureWorkflow(input: MeasureInput): Promise<MeasureStatus> {
  const rules = input.rules;
  // Rules the pure functions cannot compute would fail a workflow task on every retry, leaving the
  // measure a draft that never answers: refuse them at once, so the run fails naming the field.
  // The API checks with the same schema before it starts a measure; this guards any other starter.
  if (patched('validate-rules')) {
    const problem = rulesProblem(rules);
    if (problem) {
      throw ApplicationFailure.create({
        type: 'INVALID_RULES',
        nonRetryable: true,
        message: `督办规则无效，工作流无法执行（rules.${problem.path}）：${problem.message} / invalid escalation rules`,
        details: [{ field: `rules.${problem.path}` }],
      });
    }
  }
  const s: MeasureState = input.carried ?? {
    status: 'dispatched',
    dispatchedAt: Date.now(),
    assignments: [
      { departmentId: input.leadDepartmentId, role: 'lead', acknowledgedAt: null, declinedAt: null, declineReason: null },
      ...input.cooperatingDepartmentIds.map((departmentId) => ({
        departmentId,
        role: 'cooperating' as const,
        acknowledgedAt: null,
        declinedAt: null,
        declineReason: null,
      })),
    ],
    deadlineAt: null,
    trackers: [],
    pausedDeadlineFiredAt: [],
    round: null,
    nextRoundAt: null,
    lastReport: null,
    closureApplication: null,
    pendingExtension: null,
    flagged: null,
    rag: 'green',
    escalationLevel: 0,
    closedAt: null,
    calendar: null,
    seq: 0,
    timeline: [],
    seenUpdateIds: [],
  };
  const seen = new Set(s.seenUpdateIds);
  let cal: WorkingCalendar = toCalendar(s.calendar ?? { holidays: [], workdays: [], knownYears: [] });
  let calendarStale = s.calendar === null;
  let wake = false;
  // False until the dispatch (or the carried state) is in place.
  let ready = input.carried !== undefined;

  const lead = () => s.assignments.find((a) => a.role === 'lead')!;
  const assignment = (departmentId: string) => s.assignments.find((a) => a.departmentId === departmentId);
  const isOpen = () => OPEN.includes(s.status);
  const due = (from: number, spec: DueSpec) => computeDueAt(cal, from, spec).dueAt;
  // Acknowledgment due times by department, for marking late acknowledgments.
  const assignmentAckDue = new Map<string, number>();

  // ---- derived views ----

  const listOf = (status: MeasureStatus): ListKind | null =>
    status === 'dispatched' ? 'responsibility' : status === 'supervised' || status === 'closure_review' ? 'supervision' : status === 'closed' ? 'closure' : null;

  const trackerDue = (kind: Tracker['kind']) => {
    const dues = s.trackers.filter((t) => t.kind === kind).map((t) => t.dueAt);
    return dues.length ? Math.min(...dues) : null;
  };

  const yellowFrom = () => (s.deadlineAt === null ? null : dueSoonFrom(cal, s.deadlineAt, rules.dueSoon));

  /** Years without a known arrangement that a pending due time was counted through. */
  const calendarGapYears = (): number[] => {
    if (!isOpen()) return [];
    const years = new Set<number>();
    for (const t of s.trackers) {
      if (t.due) computeDueAt(cal, t.due.from, t.due.spec).unknownYears.forEach((y) => years.add(y));
      nextRungDue(cal, rules, t)?.unknownYears.forEach((y) => years.add(y));
    }
    if (s.status === 'supervised' && rules.cadence.kind === 'every' && s.round) {
      computeDueAt(cal, s.round.openedAt, rules.cadence.every).unknownYears.forEach((y) => years.add(y));
    }
    return [...years].sort((a, b) => a - b);
  };
  let loggedGap = '';

  /** Pending due times and their next rungs, for a calendar change to compare. */
  const pendingDue = (): PendingDue[] =>
    s.trackers.map((t) => ({ kind: t.kind, departmentId: t.departmentId, round: t.round, dueAt: iso(t.dueAt)!, nextRungAt: iso(nextRungAt(cal, rules, t)) }));

  const recompute = (now: number) => {
    s.escalationLevel = Math.max(s.flagged ? 4 : 0, ...s.trackers.map((t) => trackerLevel(rules, t)));
    s.rag = ragOf({
      now,
      open: isOpen(),
      dispatchedAt: s.dispatchedAt,
      deadlineAt: s.deadlineAt,
      yellowFrom: yellowFrom(),
      somethingOverdue: s.trackers.some((t) => (t.kind === 'acknowledge' || t.kind === 'report') && now >= t.dueAt),
      lastPercent: s.lastReport?.percent ?? null,
      behindPlanPoints: rules.behindPlanPoints,
    });
  };

  const view = (): MeasureView => ({
    measureId: input.measureId,
    status: s.status,
    list: listOf(s.status),
    rag: s.rag,
    escalationLevel: s.escalationLevel,
    escalationName: s.escalationLevel ? LEVEL_NAMES[s.escalationLevel as Level] : null,
    leadDepartmentId: lead().departmentId,
    assignments: s.assignments.map((a) => ({ ...a, acknowledgedAt: iso(a.acknowledgedAt), declinedAt: iso(a.declinedAt) })),
    deadlineText: input.deadline.text,
    deadlineAt: iso(s.deadlineAt),
    acknowledgeDueAt: iso(trackerDue('acknowledge')),
    round: s.round && { ...s.round, openedAt: iso(s.round.openedAt)!, dueAt: iso(s.round.dueAt)! },
    nextRoundAt: iso(s.nextRoundAt),
    reportDueAt: iso(trackerDue('report') ?? (s.round && !s.round.reportedBy.includes(lead().departmentId) ? s.round.dueAt : null)),
    reviewDueAt: iso(trackerDue('review')),
    pending: s.trackers.map((t) => ({ kind: t.kind, departmentId: t.departmentId, round: t.round, dueAt: iso(t.dueAt)!, level: trackerLevel(rules, t) })),
    lastReport: s.lastReport && { ...s.lastReport, at: iso(s.lastReport.at)! },
    closureApplication: s.closureApplication && { ...s.closureApplication, at: iso(s.closureApplication.at)! },
    pendingExtension: s.pendingExtension && { ...s.pendingExtension, at: iso(s.pendingExtension.at)! },
    flagged: s.flagged && { ...s.flagged, at: iso(s.flagged.at)! },
    flaggedBy: s.flagged ? 'office' : s.escalationLevel >= 4 ? 'ladder' : null,
    closedAt: iso(s.closedAt),
    calendarGapYears: calendarGapYears(),
    timeline: s.timeline,
    rulesVersion: rules.version,
    workflowId: workflowInfo().workflowId,
  });

  // ---- projection: one step per transition, strictly in order ----

  let projecting: Promise<unknown> = Promise.resolve();

  const commit = (
    action: string,
    actor: Actor,
    fromState: MeasureStatus | null,
    extra: { detail?: Record<string, unknown>; notify?: Array<Omit<NotificationRequest, 'key'>>; report?: ProjectionStep['report']; removed?: string[] } = {},
  ): Promise<unknown> => {
    const now = Date.now();
    recompute(now);
    const seq = ++s.seq;
    s.timeline.push({ seq, at: iso(now)!, action, actor: actor.id, ...(extra.detail ? { detail: extra.detail } : {}) });
    if (s.timeline.length > TIMELINE_KEPT) s.timeline.splice(0, s.timeline.length - TIMELINE_KEPT);
    const v = view();
    if (v.calendarGapYears.join() !== loggedGap) {
      loggedGap = v.calendarGapYears.join();
      // A due time counted through a year nobody entered: said once per change, for the worker's log.
      if (loggedGap) log.warn(`无节假日数据：措施 ${input.measureId} 的待办时限落在${loggedGap}年，暂按周一至周五计算 / due time in a year without holiday data`, { measureId: input.measureId, years: v.calendarGapYears });
    }
    const step: ProjectionStep = {
      measureId: input.measureId,
      seq,
      at: iso(now)!,
      actor: actor.id,
      actorRole: actor.role,
      action,
      fromState,
      detail: extra.detail,
      entry: listEntryOf(v),
      assignments: v.assignments,
      removedDepartmentIds: extra.removed,
      report: extra.report,
      // The key names the measure, the step and the recipient: a retried projection inserts nothing new.
      notifications: (extra.notify ?? []).map((n, i) => ({
        ...n,
        key: `${input.measureId}:${seq}:${i}:${n.kind}:${n.departmentId ?? n.role ?? ''}`,
        payload: { measureSeq: input.seq, title: input.title, ...n.payload },
      })),
    };
    wake = true;
    const done = projecting.then(() => projectMeasure(step));
    projecting = done.catch(() => undefined);
    return done;
  };

  // ---- trackers and timers ----

  const addTracker = (t: Omit<Tracker, 'firedAt'> & { firedAt?: number[] }) => s.trackers.push({ firedAt: [], ...t });
  const dropTrackers = (match: (t: Tracker) => boolean) => {
    s.trackers = s.trackers.filter((t) => !match(t));
  };

  const startDeadline = (now: number, firedAt: number[] = []) => {
    if (s.deadlineAt === null) return;
    addTracker({ kind: 'deadline', dueAt: s.deadlineAt, firedAt, ...(firedAt.length ? { since: now } : {}) });
  };

  const pauseDeadline = () => {
    const t = s.trackers.find((x) => x.kind === 'deadline');
    s.pausedDeadlineFiredAt = t?.firedAt ?? [];
    dropTrackers((x) => x.kind === 'deadline');
  };

  const enterSupervision = (now: number) => {
    s.status = 'supervised';
    if (s.nextRoundAt === null) s.nextRoundAt = nextRoundAt(cal, rules.cadence, now);
    startDeadline(now, s.pausedDeadlineFiredAt);
    s.pausedDeadlineFiredAt = [];
  };

  const recipientsFor = (kind: Tracker['kind'], level: Level, departmentId: string | undefined): Array<Pick<NotificationRequest, 'departmentId' | 'role'>> => {
    if (kind === 'review') return level >= 3 ? [{ role: 'leader' }, { role: 'coordination_office' }] : [{ role: 'coordination_office' }];
    const dept = { departmentId: departmentId ?? lead().departmentId };
    if (level === 1) return [dept];
    if (level === 2) return [dept, { role: 'coordination_office' }];
    if (level === 3) return [dept, { role: 'coordination_office' }];
    return [dept, { role: 'coordination_office' }, { role: 'leader' }];
  };

  const ITEM_NAMES: Record<Tracker['kind'], string> = { acknowledge: '签收', report: '进展反馈', deadline: '完成时限', review: '销号审核' };

  /**
   * Fires the next rung of `t` if its time has come, and answers the step (undefined when none was
   * due). Rungs that come due together (a deadline passed before dispatch, a worker away for days)
   * fire once, at the highest rung due, with one notice: not 提醒, 催办, 督办 and 挂牌督办 in a second.
   */
  const fireRung = (t: Tracker, now: number): Promise<unknown> | undefined => {
    const at = nextRungAt(cal, rules, t);
    if (at === undefined || at > now) return undefined;
    let rung = ladderOf(rules, t.kind)[t.firedAt.length]!;
    t.firedAt.push(at);
    const passed: Level[] = [];
    const next = nextRungAt(cal, rules, t);
    if (next !== undefined && next <= now && patched('escalate-once-when-due-together')) {
      for (let later: number | undefined = next; later !== undefined && later <= now; later = nextRungAt(cal, rules, t)) {
        passed.push(rung.level);
        rung = ladderOf(rules, t.kind)[t.firedAt.length]!;
        t.firedAt.push(later);
      }
    }
    const what = `${ITEM_NAMES[t.kind]}逾期${LEVEL_NAMES[rung.level]}`;
    return commit('escalate', SYSTEM, s.status, {
      // The department answerable: the one that owes the item, else (deadline, review) the lead.
      detail: {
        item: t.kind,
        level: rung.level,
        name: LEVEL_NAMES[rung.level],
        departmentId: t.departmentId ?? lead().departmentId,
        round: t.round,
        dueAt: iso(t.dueAt),
        ...(passed.length ? { passedLevels: passed } : {}),
      },
      notify: recipientsFor(t.kind, rung.level, t.departmentId).map((r) => ({
        ...r,
        kind: `escalation.${t.kind}`,
        payload: { level: rung.level, levelName: LEVEL_NAMES[rung.level], item: t.kind, message: what, dueAt: iso(t.dueAt), departmentId: t.departmentId ?? lead().departmentId },
      })),
    });
  };

  /** Fires every rung and opens every round whose time has come. */
  const tick = async () => {
    const now = Date.now();
    for (const t of s.trackers) {
      // An action during the await below may have met the item: stop climbing at once.
      for (let step = s.trackers.includes(t) ? fireRung(t, now) : undefined; step; step = s.trackers.includes(t) ? fireRung(t, now) : undefined) await step;
    }
    if (s.status === 'supervised' && s.nextRoundAt !== null && now >= s.nextRoundAt) {
      const openedAt = s.nextRoundAt;
      const n = (s.round?.n ?? 0) + 1;
      const dueAt = due(openedAt, rules.reportDue);
      s.round = { n, openedAt, dueAt, reportedBy: [] };
      s.nextRoundAt = nextRoundAt(cal, rules.cadence, Math.max(openedAt, now));
      addTracker({ kind: 'report', departmentId: lead().departmentId, round: n, dueAt, due: { from: openedAt, spec: rules.reportDue } });
      await commit('round_opened', SYSTEM, s.status, {
        detail: { round: n, dueAt: iso(dueAt) },
        notify: s.assignments
          .filter((a) => a.acknowledgedAt !== null || a.role === 'lead')
          .map((a) => ({ departmentId: a.departmentId, kind: 'round.opened', payload: { round: n, dueAt: iso(dueAt), message: `第${n}轮调度：请于期限前反馈进展`, role: a.role } })),
      });
    }
    const before = s.rag;
    recompute(now);
    if (s.rag !== before) {
      await commit('rag_changed', SYSTEM, s.status, {
        detail: { from: before, to: s.rag },
        notify: s.rag === 'yellow' && s.deadlineAt !== null && now >= (yellowFrom() ?? Infinity)
          ? [{ departmentId: lead().departmentId, kind: 'deadline.due_soon', payload: { dueAt: iso(s.deadlineAt), message: '完成时限临近，请抓紧推进' } }]
          : [],
      });
    }
  };

  /**
   * Every rung whose time has come, fired at once, without waiting in between. An action calls it
   * before it is applied: a tick still waiting for an earlier step's projection (PostgreSQL slow or
   * down) has not fired them yet, and the action meeting the item would drop them unfired — a late
   * acknowledgment would then leave no trace of the 催办 that came due before it.
   */
  const fireDueRungs = (now: number): Promise<unknown> => {
    const steps: Array<Promise<unknown>> = [];
    for (const t of s.trackers) for (let step = fireRung(t, now); step; step = fireRung(t, now)) steps.push(step);
    // The caller awaits it after its own step; a failure is kept for then rather than left unhandled.
    return Promise.all(steps).then(
      () => undefined,
      (err: unknown) => err ?? new Error('escalation step failed'),
    );
  };

  /** The next instant at which time alone changes something. */
  const nextWake = (now: number): number | undefined => {
    const times: number[] = [];
    for (const t of s.trackers) {
      const at = nextRungAt(cal, rules, t);
      if (at !== undefined) times.push(at);
      if (t.dueAt > now) times.push(t.dueAt);
    }
    if (s.status === 'supervised' && s.nextRoundAt !== null) times.push(s.nextRoundAt);
    const y = yellowFrom();
    if (y !== null && y > now) times.push(y);
    if (s.deadlineAt !== null && s.deadlineAt > now) times.push(s.deadlineAt);
    return times.length ? Math.min(...times) : undefined;
  };

  const reloadCalendar = async () => {
    s.calendar = await loadCalendar();
    cal = toCalendar(s.calendar);
    // Due times derived from working days move with the calendar; fixed deadlines do not.
    for (const t of s.trackers) if (t.due) t.dueAt = due(t.due.from, t.due.spec);
    if (s.round) s.round.dueAt = s.trackers.find((t) => t.kind === 'report' && t.round === s.round!.n)?.dueAt ?? s.round.dueAt;
  };

  // ---- actions ----

  /**
   * Registers an Update. A repeat of an update id already applied (an API retry with the same
   * Idempotency-Key, possibly after continue-as-new) answers with the current view and changes nothing.
   */
  function action<A extends ActionBase>(update: ReturnType<typeof defineUpdate<MeasureView, [A]>>, validate: (a: A) => void, apply: (a: A, now: number) => Promise<unknown>) {
    const repeated = () => {
      const id = currentUpdateInfo()?.id;
      return id !== undefined && seen.has(id);
    };
    const check = (a: A) => {
      if (!a || typeof a !== 'object' || !a.actor?.id || !a.actor.role) reject('VALIDATION', '缺少操作人 / actor is required', 'actor');
      if (!isOpen()) reject('MEASURE_CLOSED', s.status === 'closed' ? '措施已销号，不能再操作 / the measure is closed' : '措施已撤销，不能再操作 / the measure is cancelled');
      validate(a);
    };
    setHandler(
      update,
      async (a: A) => {
        await condition(() => ready);
        if (repeated()) return view();
        // Checked again: another action may have changed the state since the validator ran.
        check(a);
        const id = currentUpdateInfo()?.id;
        if (id) {
          seen.add(id);
          s.seenUpdateIds.push(id);
          if (s.seenUpdateIds.length > SEEN_IDS_KEPT) seen.delete(s.seenUpdateIds.shift()!);
        }
        const now = Date.now();
        // Since v3 the rungs due by now are fired before the action; measures running before keep the old path.
        const rungsFirst = patched('rungs-before-action') ? fireDueRungs(now) : undefined;
        await apply(a, now);
        const failed = await rungsFirst;
        if (failed) throw failed;
        return view();
      },
      {
        // Validators must be synchronous: the SDK ignores a returned promise.
        validator: (a: A) => {
          if (!repeated()) check(a);
        },
      },
    );
  }

  const requireOffice = (a: ActionBase) => {
    if (a.actor.role !== 'coordination_office' && a.actor.role !== 'admin') reject('FORBIDDEN', '仅统筹协调部门可执行此操作 / only the coordination office may do this');
  };
  const requireDepartment = (a: ActionBase, departmentId: string) => {
    if (!assignment(departmentId)) reject('NOT_ASSIGNED', `该部门未承担此措施 / department ${departmentId} is not assigned to this measure`, 'departmentId');
    if (a.actor.role !== 'department' || a.actor.departmentId !== departmentId) reject('FORBIDDEN', '只能以本部门身份操作 / you may act only for your own department', 'departmentId');
  };
  const requireLead = (a: ActionBase) => {
    if (a.actor.role !== 'department' || a.actor.departmentId !== lead().departmentId) reject('FORBIDDEN', '仅牵头单位可执行此操作 / only the lead department may do this');
  };
  const requireStatus = (...allowed: MeasureStatus[]) => {
    if (!allowed.includes(s.status)) reject('INVALID_STATE', `措施${STATUS_NAMES[s.status]}，不能执行此操作 / not allowed while ${s.status}`);
  };
  const requireText = (value: unknown, field: string, name: string) => {
    if (typeof value !== 'string' || value.trim() === '') reject('VALIDATION', `请填写${name} / ${field} is required`, field);
  };
  const validDate = (value: unknown, field: string): number => {
    if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
      reject('VALIDATION', `日期格式应为 YYYY-MM-DD / ${field} must be a date YYYY-MM-DD`, field);
    }
    return Date.parse(`${value}T16:00:00Z`); // the end of that day in Shanghai
  };

  action(
    acknowledgeUpdate,
    (a) => {
      requireDepartment(a, a.departmentId);
      if (assignment(a.departmentId)!.acknowledgedAt !== null) reject('ALREADY_DONE', '已签收 / already acknowledged', 'departmentId');
    },
    async (a, now) => {
      const as = assignment(a.departmentId)!;
      as.acknowledgedAt = now;
      as.declinedAt = null;
      as.declineReason = null;
      dropTrackers((t) => t.kind === 'acknowledge' && t.departmentId === a.departmentId);
      const from = s.status;
      if (as.role === 'lead' && s.status === 'dispatched') enterSupervision(now);
      await commit('acknowledge', a.actor, from, {
        detail: { departmentId: a.departmentId, role: as.role, late: now > (assignmentAckDue.get(a.departmentId) ?? Infinity) },
      });
    },
  );
  action(
    declineUpdate,
    (a) => {
      requireDepartment(a, a.departmentId);
      requireText(a.reason, 'reason', '申请调整的理由');
      if (assignment(a.departmentId)!.acknowledgedAt !== null) reject('INVALID_STATE', '已签收的任务不能申请调整 / already acknowledged');
    },
    async (a, now) => {
      const as = assignment(a.departmentId)!;
      as.declinedAt = now;
      as.declineReason = a.reason;
      // The office now owns the question; the department is not chased while it decides.
      dropTrackers((t) => t.kind === 'acknowledge' && t.departmentId === a.departmentId);
      await commit('decline', a.actor, s.status, {
        detail: { departmentId: a.departmentId, reason: a.reason },
        notify: [{ role: 'coordination_office', kind: 'assignment.declined', payload: { departmentId: a.departmentId, reason: a.reason, message: '部门申请调整任务分工，请研究处理' } }],
      });
    },
  );

  action(
    submitProgressUpdate,
    (a) => {
      requireDepartment(a, a.departmentId);
      requireStatus('supervised');
      requireText(a.text, 'text', '进展情况');
      if (a.percent !== undefined && (!Number.isInteger(a.percent) || a.percent < 0 || a.percent > 100)) reject('VALIDATION', '完成进度应为0–100的整数 / percent must be an integer 0–100', 'percent');
      if (a.indicatorValue !== undefined && !Number.isFinite(a.indicatorValue)) reject('VALIDATION', '指标值应为数字 / indicatorValue must be a number', 'indicatorValue');
    },
    async (a, now) => {
      const round = s.round?.n ?? 0;
      const late = s.round !== null && now > s.round.dueAt;
      if (s.round && !s.round.reportedBy.includes(a.departmentId)) s.round.reportedBy.push(a.departmentId);
      // A report answers every round this department still owes: it has caught up.
      dropTrackers((t) => t.kind === 'report' && t.departmentId === a.departmentId);
      const evidence = a.evidence ?? [];
      const percent = a.percent ?? (assignment(a.departmentId)!.role === 'lead' ? (s.lastReport?.percent ?? null) : null);
      if (assignment(a.departmentId)!.role === 'lead' || s.lastReport === null) {
        s.lastReport = { round, departmentId: a.departmentId, at: now, text: a.text, percent, evidence };
      }
      await commit('report', a.actor, s.status, {
        detail: { departmentId: a.departmentId, round, late, percent: a.percent },
        report: { round, departmentId: a.departmentId, text: a.text, percent: a.percent, indicatorValue: a.indicatorValue, evidence, late },
      });
    },
  );

  action(
    applyClosureUpdate,
    (a) => {
      requireLead(a);
      requireStatus('supervised');
      requireText(a.summary, 'summary', '完成情况说明');
      if (!Array.isArray(a.evidence) || a.evidence.length === 0 || a.evidence.some((e) => !e || typeof e.name !== 'string' || e.name.trim() === '')) {
        reject('VALIDATION', '申请销号须附佐证材料 / closure needs at least one piece of evidence', 'evidence');
      }
    },
    async (a, now) => {
      s.status = 'closure_review';
      s.closureApplication = { at: now, summary: a.summary, evidence: a.evidence };
      pauseDeadline();
      dropTrackers((t) => t.kind === 'report');
      const reviewDue = due(now, rules.reviewDue);
      addTracker({ kind: 'review', dueAt: reviewDue, due: { from: now, spec: rules.reviewDue } });
      await commit('apply_closure', a.actor, 'supervised', {
        detail: { summary: a.summary, evidence: a.evidence },
        notify: [{ role: 'coordination_office', kind: 'closure.applied', payload: { dueAt: iso(reviewDue), message: '牵头单位申请销号，请审核' } }],
      });
    },
  );

  action(
    reviewClosureUpdate,
    (a) => {
      requireOffice(a);
      requireStatus('closure_review');
      if (a.decision !== 'approve' && a.decision !== 'return') reject('VALIDATION', '审核结论应为 approve 或 return / decision must be approve or return', 'decision');
      if (a.decision === 'return') requireText(a.reason, 'reason', '退回理由');
    },
    async (a, now) => {
      dropTrackers((t) => t.kind === 'review');
      const notifyLead = (kind: string, message: string) => [{ departmentId: lead().departmentId, kind, payload: { reason: a.reason, message } }];
      if (a.decision === 'approve') {
        s.status = 'closed';
        s.closedAt = now;
        s.trackers = [];
        s.nextRoundAt = null;
        await commit('approve_closure', a.actor, 'closure_review', { detail: { reason: a.reason }, notify: notifyLead('closure.approved', '销号申请已通过，措施已销号') });
      } else {
        enterSupervision(now);
        // Since v2 a returned measure opens a dispatch round at once, asking for a report on the
        // rework; measures that were running before the change keep the old path.
        if (patched('return-opens-round')) s.nextRoundAt = now;
        await commit('return_closure', a.actor, 'closure_review', { detail: { reason: a.reason }, notify: notifyLead('closure.returned', `销号申请被退回：${a.reason}`) });
      }
    },
  );

  action(
    requestExtensionUpdate,
    (a) => {
      requireLead(a);
      requireStatus('supervised');
      if (s.deadlineAt === null) reject('INVALID_STATE', '长期任务没有完成时限，无需延期 / an ongoing measure has no deadline to extend');
      if (s.pendingExtension) reject('INVALID_STATE', '已有待审批的延期申请 / an extension request is already pending');
      requireText(a.reason, 'reason', '延期理由');
      if (validDate(a.newDeadline, 'newDeadline') <= s.deadlineAt!) reject('VALIDATION', '新的完成时限须晚于现有时限 / newDeadline must be after the current deadline', 'newDeadline');
    },
    async (a, now) => {
      s.pendingExtension = { at: now, newDeadline: a.newDeadline, reason: a.reason, by: a.actor.id };
      await commit('request_extension', a.actor, s.status, {
        detail: { newDeadline: a.newDeadline, reason: a.reason },
        notify: [{ role: 'coordination_office', kind: 'extension.requested', payload: { newDeadline: a.newDeadline, reason: a.reason, message: '牵头单位申请延期，请审批' } }],
      });
    },
  );

  action(
    decideExtensionUpdate,
    (a) => {
      requireOffice(a);
      if (!s.pendingExtension) reject('INVALID_STATE', '没有待审批的延期申请 / no extension request is pending');
      if (typeof a.approve !== 'boolean') reject('VALIDATION', '请给出审批结论 / approve must be true or false', 'approve');
      if (!a.approve) requireText(a.reason, 'reason', '不予延期的理由');
      if (a.approve && a.newDeadline !== undefined && validDate(a.newDeadline, 'newDeadline') <= (s.deadlineAt ?? 0)) {
        reject('VALIDATION', '新的完成时限须晚于现有时限 / newDeadline must be after the current deadline', 'newDeadline');
      }
    },
    async (a, now) => {
      const asked = s.pendingExtension!;
      s.pendingExtension = null;
      if (!a.approve) {
        await commit('reject_extension', a.actor, s.status, {
          detail: { reason: a.reason, asked: asked.newDeadline },
          notify: [{ departmentId: lead().departmentId, kind: 'extension.rejected', payload: { reason: a.reason, message: `延期申请未获批准：${a.reason}` } }],
        });
        return;
      }
      const newDeadline = a.newDeadline ?? asked.newDeadline;
      const previous = s.deadlineAt;
      s.deadlineAt = validDate(newDeadline, 'newDeadline');
      // A new deadline is a fresh start: the deadline ladder begins again from nothing.
      dropTrackers((t) => t.kind === 'deadline');
      s.pausedDeadlineFiredAt = [];
      if (s.status === 'supervised') startDeadline(now);
      await commit('approve_extension', a.actor, s.status, {
        detail: { from: iso(previous), to: iso(s.deadlineAt), newDeadline, reason: a.reason },
        notify: [{ departmentId: lead().departmentId, kind: 'extension.approved', payload: { newDeadline, dueAt: iso(s.deadlineAt), message: `延期申请已批准，新的完成时限为${newDeadline}` } }],
      });
    },
  );

  action(
    reassignLeadUpdate,
    (a) => {
      requireOffice(a);
      requireStatus('dispatched', 'supervised');
      requireText(a.departmentId, 'departmentId', '新的牵头单位');
      requireText(a.reason, 'reason', '调整理由');
      if (a.departmentId === lead().departmentId) reject('VALIDATION', '新牵头单位与现牵头单位相同 / already the lead department', 'departmentId');
    },
    async (a, now) => {
      const old = lead().departmentId;
      const from = s.status;
      s.assignments = s.assignments.filter((x) => x.departmentId !== old && x.departmentId !== a.departmentId);
      s.assignments.unshift({ departmentId: a.departmentId, role: 'lead', acknowledgedAt: null, declinedAt: null, declineReason: null });
      dropTrackers((t) => t.departmentId === old || t.departmentId === a.departmentId);
      // Back to the responsibility list until the new lead acknowledges.
      if (s.status === 'supervised') pauseDeadline();
      s.status = 'dispatched';
      const ackDue = due(now, rules.acknowledgeDue);
      assignmentAckDue.set(a.departmentId, ackDue);
      addTracker({ kind: 'acknowledge', departmentId: a.departmentId, dueAt: ackDue, due: { from: now, spec: rules.acknowledgeDue } });
      await commit('reassign_lead', a.actor, from, {
        detail: { from: old, to: a.departmentId, reason: a.reason },
        removed: [old],
        notify: [
          { departmentId: a.departmentId, kind: 'measure.dispatched', payload: { dueAt: iso(ackDue), message: '您单位被调整为牵头单位，请签收', role: 'lead' } },
          { departmentId: old, kind: 'measure.reassigned', payload: { to: a.departmentId, reason: a.reason, message: '本措施牵头单位已调整' } },
        ],
      });
    },
  );

  action(
    cancelUpdate,
    (a) => {
      requireOffice(a);
      requireText(a.reason, 'reason', '撤销理由');
    },
    async (a) => {
      const from = s.status;
      s.status = 'cancelled';
      s.trackers = [];
      s.nextRoundAt = null;
      s.pendingExtension = null;
      await commit('cancel', a.actor, from, {
        detail: { reason: a.reason },
        notify: s.assignments.map((x) => ({ departmentId: x.departmentId, kind: 'measure.cancelled', payload: { reason: a.reason, message: `措施已撤销：${a.reason}` } })),
      });
    },
  );

  action(
    flagUpdate,
    (a) => {
      requireOffice(a);
      requireText(a.reason, 'reason', '挂牌督办理由');
      if (a.flagged === (s.flagged !== null)) reject('ALREADY_DONE', a.flagged ? '已挂牌督办 / already flagged' : '未挂牌督办 / not flagged');
    },
    async (a, now) => {
      s.flagged = a.flagged ? { at: now, by: a.actor.id, reason: a.reason } : null;
      await commit(a.flagged ? 'flag' : 'unflag', a.actor, s.status, {
        detail: { reason: a.reason },
        notify: a.flagged
          ? [
              { role: 'leader', kind: 'escalation.flagged', payload: { level: 4, levelName: '挂牌督办', reason: a.reason, message: `挂牌督办：${a.reason}` } },
              { departmentId: lead().departmentId, kind: 'escalation.flagged', payload: { level: 4, levelName: '挂牌督办', reason: a.reason, message: `本措施被挂牌督办：${a.reason}` } },
            ]
          : [],
      });
    },
  );

  setHandler(calendarChangedSignal, () => {
    calendarStale = true;
    wake = true;
  });
  setHandler(recalculateDueTimesUpdate, async ({ change }) => {
    await condition(() => ready);
    if (!isOpen()) return { open: false, before: [], after: [], moved: false, calendarGapYears: [] };
    const before = pendingDue();
    await reloadCalendar();
    const after = pendingDue();
    const moved = JSON.stringify(before) !== JSON.stringify(after);
    // The projection lands before the answer, so the list shows the new due times when the rollout records them.
    await commit('calendar_changed', SYSTEM, s.status, { detail: { change, knownYears: s.calendar?.knownYears, moved } });
    await projecting;
    return { open: true, before, after, moved, calendarGapYears: calendarGapYears() };
  });
  setHandler(stateQuery, view);

  // ---- life begins ----

  // Actions arriving before the dispatch is projected wait for it (see `action`).
  if (calendarStale) {
    await reloadCalendar();
    calendarStale = false;
  }

  if (!input.carried) {
    const now = s.dispatchedAt;
    s.deadlineAt = input.deadline.at ? Date.parse(input.deadline.at) : (deadlineEndMs(input.deadline.spec, now) ?? null);
    for (const a of s.assignments) {
      const ackDue = due(now, rules.acknowledgeDue);
      assignmentAckDue.set(a.departmentId, ackDue);
      addTracker({ kind: 'acknowledge', departmentId: a.departmentId, dueAt: ackDue, due: { from: now, spec: rules.acknowledgeDue } });
    }
    await commit('dispatch', input.dispatchedBy, null, {
      detail: { deadlineText: input.deadline.text, rulesVersion: rules.version },
      notify: s.assignments.map((a) => ({
        departmentId: a.departmentId,
        kind: 'measure.dispatched',
        payload: { role: a.role, dueAt: iso(trackerDue('acknowledge')), deadlineText: input.deadline.text, message: a.role === 'lead' ? '新交办措施（牵头），请按时签收' : '新交办措施（配合），请按时签收' },
      })),
    });
  } else {
    for (const t of s.trackers) if (t.kind === 'acknowledge' && t.departmentId) assignmentAckDue.set(t.departmentId, t.dueAt);
  }

  ready = true;

  // ---- life goes on until closed or cancelled ----

  const historyLimit = input.continueAsNewAfterEvents;
  while (isOpen()) {
    if (calendarStale) {
      calendarStale = false;
      await reloadCalendar();
      await commit('calendar_changed', SYSTEM, s.status, { detail: { knownYears: s.calendar?.knownYears } });
    }
    await tick();
    if (!isOpen()) break;
    const info = workflowInfo();
    if (info.continueAsNewSuggested || (historyLimit !== undefined && info.historyLength >= historyLimit)) {
      await condition(allHandlersFinished);
      await projecting;
      await continueAsNew<typeof measureWorkflow>({ ...input, carried: s });
    }
    const now = Date.now();
    const next = nextWake(now);
    wake = false;
    if (next === undefined) await condition(() => wake);
    else await condition(() => wake, Math.max(1, next - now));
  }

  await condition(allHandlersFinished);
  await projecting;
  return s.status;
}
