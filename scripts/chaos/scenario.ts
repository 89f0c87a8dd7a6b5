// What the people of the chaos run do, all through the HTTP API. Setup (as the administrator): the
// departments, one person each and the office's staff, an email channel per department pointing at
// the run's own SMTP receiver, a policy whose escalation rules run on seconds, and the draft
// measures. Then each measure lives a life of its own: dispatched at a random moment, its
// departments acknowledging early, late or never (a few declining), reports on time or late, a
// closure applied and reviewed — approved or returned —, now and then an extension, a flag, a lead
// reassigned or the measure cancelled. Which life a measure gets follows CHAOS_SEED; when things
// happen follows the faults.
import type { EscalationRules } from '../../workflows/rules/escalation.js';
import type { Answer, Http } from './clients.js';

export const sec = (amount: number) => ({ unit: 'seconds' as const, amount });

/** Escalation rules on a seconds scale, so that many rungs fall due (and some are missed) within minutes. */
export const CHAOS_RULES: Partial<EscalationRules> = {
  acknowledgeDue: sec(20),
  acknowledgeLadder: [
    { level: 1, after: sec(0) },
    { level: 2, after: sec(8) },
    { level: 3, after: sec(8) },
  ],
  cadence: { kind: 'every', every: sec(60) },
  reportDue: sec(20),
  reportLadder: [
    { level: 1, after: sec(0) },
    { level: 2, after: sec(8) },
    { level: 3, after: sec(8) },
  ],
  reviewDue: sec(20),
  reviewLadder: [
    { level: 1, after: sec(0) },
    { level: 3, after: sec(10) },
  ],
};

export const OFFICE = 'office';
export const LINE_DEPARTMENTS = ['health', 'finance', 'hrss', 'medsec', 'education', 'science'];
const NAMES: Record<string, string> = {
  office: '混沌演练医改办',
  health: '混沌演练卫生健康委',
  finance: '混沌演练财政局',
  hrss: '混沌演练人社局',
  medsec: '混沌演练医保局',
  education: '混沌演练教育局',
  science: '混沌演练科技局',
};
export const PASSWORD = 'Chaos-run-2026';
export const emailOf = (departmentId: string) => `${departmentId}@chaos.test`;

export interface Person {
  user: string;
  token: string;
  departmentId: string | null;
}

export interface ChaosMeasure {
  id: string;
  no: number;
  lead: string;
  cooperating: string[];
  dispatched: boolean;
}

/** A small seeded generator (mulberry32): the same seed, the same lives. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export async function setUp(
  http: Http,
  opts: { adminPassword: string; measures: number; rand: () => number },
): Promise<{ people: Record<string, Person>; measures: ChaosMeasure[]; rules: EscalationRules }> {
  const admin = await http.login('admin', opts.adminPassword);
  for (const id of [OFFICE, ...LINE_DEPARTMENTS]) {
    await http.must(admin, '/api/departments', { id, name: NAMES[id], kind: id === OFFICE ? 'coordination_office' : 'line_department' });
    await http.must(admin, '/api/notifications/channels', { departmentId: id, kind: 'email', target: emailOf(id) });
    await http.must(admin, '/api/people', { username: `chaos-${id}`, displayName: `${NAMES[id]}经办人`, role: id === OFFICE ? 'coordination_office' : 'department', departmentId: id, password: PASSWORD });
  }
  const people: Record<string, Person> = {};
  for (const id of [OFFICE, ...LINE_DEPARTMENTS]) people[id] = { user: `chaos-${id}`, token: await http.login(`chaos-${id}`, PASSWORD), departmentId: id };

  const office = people[OFFICE]!.token;
  const policy = await http.must(office, '/api/policies', { code: `CHAOS-${Date.now()}`, title: '混沌演练政策', areas: ['可靠性'] });
  const version = await http.must(office, `/api/policies/${String(policy.id)}/escalation-policies`, { rules: CHAOS_RULES });
  const rules = version.rules as EscalationRules;

  const measures: ChaosMeasure[] = [];
  const pick = <T>(xs: T[]) => xs[Math.floor(opts.rand() * xs.length)]!;
  // Eight at a time: setup is not what is being tried.
  const plans = Array.from({ length: opts.measures }, (_, i) => {
    const lead = pick(LINE_DEPARTMENTS);
    const others = LINE_DEPARTMENTS.filter((d) => d !== lead);
    const cooperating = opts.rand() < 0.6 ? [pick(others)] : [];
    return { no: i + 1, lead, cooperating };
  });
  for (let i = 0; i < plans.length; i += 8) {
    await Promise.all(
      plans.slice(i, i + 8).map(async (p) => {
        const body = await http.must(office, '/api/measures', {
          policyId: policy.id,
          seq: p.no,
          title: `混沌演练措施${p.no}`,
          content: '在故障注入下推进的演练措施。',
          deadline: '2030年底前',
          leadDepartmentId: p.lead,
          cooperatingDepartmentIds: p.cooperating,
        });
        measures.push({ id: String(body.id), ...p, dispatched: false });
      }),
    );
  }
  measures.sort((a, b) => a.no - b.no);
  return { people, measures, rules };
}

export interface LifeContext {
  http: Http;
  people: Record<string, Person>;
  seed: number;
  /** No new action is begun after this; actions under way go on until answered. */
  actUntil: number;
  /** Dispatches are spread over this long from the start. */
  dispatchWindowMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One measure's life. */
export async function live(m: ChaosMeasure, ctx: LifeContext): Promise<void> {
  const r = rng(ctx.seed * 7919 + m.no);
  const { http, people } = ctx;
  const office = people[OFFICE]!;
  const open = () => Date.now() < ctx.actUntil && !ended;
  let ended = false;
  /** Notes the measure's end from any answer: a final status, or a refusal saying it is closed. */
  const see = (answer: Answer | undefined) => {
    const status = answer?.body.status;
    if (answer && answer.status < 300 && (status === 'closed' || status === 'cancelled')) ended = true;
    if (answer?.body.code === 'MEASURE_CLOSED') ended = true;
    return answer !== undefined && answer.status < 300;
  };
  const act = async (who: Person, action: string, body: (key: string) => Record<string, unknown>) => {
    const key = http.key(action);
    return see((await http.act(who, m.id, action, body(key), key)).answer);
  };
  const wait = async (ms: number) => {
    await sleep(Math.min(ms, Math.max(0, ctx.actUntil - Date.now())));
    return open();
  };

  await sleep(r() * ctx.dispatchWindowMs);
  if (!open()) return;
  const dispatch = await http.act(office, m.id, 'dispatch', {});
  // A dispatch whose first answer was lost finds the measure dispatched: that is success too.
  if (!dispatch.answer || (dispatch.answer.status >= 300 && dispatch.answer.body.code !== 'ALREADY_DONE')) return;
  m.dispatched = true;
  // The departments see it once the dispatch is projected (until then it answers 404, as to anyone it does not concern).
  while (open()) {
    const seen = await http.request(people[m.lead]!.token, 'GET', `/api/measures/${m.id}`);
    if (seen?.status === 200) break;
    await sleep(1000);
  }

  const lives: Array<Promise<unknown>> = [];
  for (const c of m.cooperating) {
    const plan = r();
    const delay = r() * 40_000;
    lives.push(
      (async () => {
        if (plan < 0.15 || !(await wait(delay))) return; // some never answer: their ladder climbs to the top
        if (plan < 0.3) await act(people[c]!, 'decline', (key) => ({ reason: `分工与职责不符，申请调整（${key}）` }));
        else await act(people[c]!, 'acknowledge', () => ({}));
      })(),
    );
  }
  const cancelAt = r() < 0.06 ? 10_000 + r() * 120_000 : undefined;
  if (cancelAt !== undefined) {
    lives.push((async () => (await wait(cancelAt)) && act(office, 'cancel', (key) => ({ reason: `演练撤销（${key}）` })))());
  }
  const flagAt = r() < 0.08 ? r() * 90_000 : undefined;
  if (flagAt !== undefined) {
    lives.push((async () => (await wait(flagAt)) && act(office, 'flag', (key) => ({ flagged: true, reason: `挂牌督办演练（${key}）` })))());
  }

  lives.push(
    (async () => {
      let lead = people[m.lead]!;
      if (r() < 0.06) {
        // The office moves the lead before it acknowledges.
        const to = LINE_DEPARTMENTS.find((d) => d !== m.lead && !m.cooperating.includes(d))!;
        if (!(await wait(3000 + r() * 9000))) return;
        if (await act(office, 'reassign-lead', (key) => ({ departmentId: to, reason: `调整牵头单位演练（${key}）` }))) lead = people[to]!;
      }
      const ackPlan = r();
      if (ackPlan < 0.15) return; // never acknowledged: the ladder climbs to its top
      // Most on time, some after one rung or more.
      if (!(await wait(ackPlan < 0.75 ? r() * 15_000 : 22_000 + r() * 25_000))) return;
      if (!(await act(lead, 'acknowledge', () => ({})))) return;

      let reports = 0;
      let percent = 0;
      const wanted = 1 + Math.floor(r() * 3);
      let extensionAsked = false;
      while (await wait(8000 + r() * 40_000)) {
        if (!extensionAsked && r() < 0.15) {
          extensionAsked = true;
          if (await act(lead, 'request-extension', (key) => ({ newDeadline: '2031年6月底前', reason: `需要更多时间（${key}）` }))) {
            if (!(await wait(2000 + r() * 18_000))) return;
            const approve = r() < 0.7;
            await act(office, 'decide-extension', (key) => ({ approve, reason: `${approve ? '同意' : '不同意'}延期（${key}）` }));
          }
          continue;
        }
        percent = Math.min(100, percent + 10 + Math.floor(r() * 30));
        if (!(await act(lead, 'submit-progress', (key) => ({ text: `本轮工作进展（${key}）`, percent })))) continue;
        if (++reports < wanted) continue;
        if (!(await wait(r() * 10_000))) return;
        if (!(await act(lead, 'apply-closure', (key) => ({ summary: `任务已完成（${key}）`, evidence: [{ name: '验收报告.pdf' }] })))) continue;
        // The office reviews within the review due time, or after it (the review ladder climbs).
        if (!(await wait(r() * 30_000))) return;
        const decision = r() < 0.75 ? 'approve' : 'return';
        if (await act(office, 'review-closure', (key) => ({ decision, reason: `${decision === 'approve' ? '同意销号' : '材料不全，退回'}（${key}）` }))) {
          if (decision === 'approve') return;
          reports = wanted - 1; // one more report, then apply again
        }
      }
    })(),
  );
  await Promise.all(lives);
}
