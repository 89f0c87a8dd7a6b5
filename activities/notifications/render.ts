// Messages in Chinese, as pure functions: an outbox entry (or a digest's content) in, a subject,
// plain text, HTML (email) and markdown (group robots) out. Each names the measure (《policy》, 序号
// and title), the department answerable, the due time in Asia/Shanghai (written by common/dates.ts,
// as everywhere else) and what is asked, and links to the measure in the dashboard.
import { formatDate, formatDateTime, formatDay } from '../../common/dates.js';
import { formatRate } from '../../common/scoring.js';
import type { DigestContent } from './digest-content.js';

export interface Notice {
  kind: string;
  measureId: string | null;
  recipientDepartmentId: string | null;
  recipientRole: string | null;
  payload: Record<string, unknown>;
}

export interface RenderContext {
  publicUrl: string;
  /** Department names by id; an unknown id is shown as it is. */
  departmentNames: Record<string, string>;
  /** The measure's lead department, when the payload names none. */
  leadDepartmentId?: string | null | undefined;
  /** The measure's policy, looked up when the message is rendered (the workflow's payload has only 序号 and title). */
  policyTitle?: string | null | undefined;
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
  markdown: string;
  link: string;
}

/** A policy's title in 书名号: 《若干措施》 (a title already written so is kept). */
export const bookTitle = (title: string) => (/^《.*》$/.test(title) ? title : `《${title}》`);

/** 《若干措施》第3项, or 第3项 when the policy is not known. */
export const measureNumber = (policyTitle: string | null | undefined, seq: unknown) => `${policyTitle ? bookTitle(policyTitle) : ''}第${String(seq ?? '')}项`;

export const measureLink = (publicUrl: string, measureId: string) => `${publicUrl}/measures/${measureId}`;

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v : undefined);

type Audience = 'department' | 'office' | 'leader' | 'person';

const ESCALATION_ASK: Record<string, string> = {
  acknowledge: '请立即登录系统签收',
  report: '请立即报送进展情况',
  deadline: '请加快推进、尽快办结；确需延期的，请及时提出延期申请',
  review: '请尽快完成销号审核',
};
const ITEM_NAMES: Record<string, string> = { acknowledge: '签收', report: '进展反馈', deadline: '完成时限', review: '销号审核' };

interface Parts {
  label: string;
  matter: string;
  ask: string;
}

function partsOf(n: Notice, audience: Audience, dept: string, due: string, name: (id: string) => string): Parts {
  const p = n.payload;
  const reason = str(p.reason);
  const because = reason ? `（理由：${reason}）` : '';
  const message = str(p.message) ?? '';
  const watch = audience === 'leader' ? `请阅知并督促${dept}办理` : `请跟踪督促${dept}办理`;
  switch (n.kind) {
    case 'measure.dispatched':
      return {
        label: '交办',
        matter: `${p.role === 'cooperating' ? '配合' : '牵头'}办理新交办措施`,
        ask: due ? `请于${due}前登录系统签收` : '请及时登录系统签收',
      };
    case 'round.opened':
      return { label: '调度', matter: `第${String(p.round ?? '')}轮调度`, ask: due ? `请于${due}前报送进展情况` : '请及时报送进展情况' };
    case 'deadline.due_soon':
      return { label: '临期提醒', matter: '完成时限临近', ask: '请抓紧推进，按期办结' };
    case 'assignment.declined':
      return { label: '分工调整申请', matter: `${name(str(p.departmentId) ?? '')}申请调整任务分工${because}`, ask: '请研究处理' };
    case 'closure.applied':
      return { label: '销号审核', matter: `${dept}申请销号`, ask: due ? `请于${due}前完成审核` : '请及时审核' };
    case 'closure.approved':
      return { label: '已销号', matter: '销号申请已通过，措施已销号', ask: '无需再操作' };
    case 'closure.returned':
      return { label: '销号退回', matter: `销号申请被退回${because}`, ask: '请按退回意见整改后重新申请销号' };
    case 'extension.requested':
      return { label: '延期申请', matter: `${dept}申请将完成时限延至${formatDay(str(p.newDeadline))}${because}`, ask: '请审批' };
    case 'extension.approved':
      return { label: '延期批准', matter: `延期申请已批准，新的完成时限为${due || formatDay(str(p.newDeadline))}`, ask: '请按新的时限推进' };
    case 'extension.rejected':
      return { label: '延期未批准', matter: `延期申请未获批准${because}`, ask: '请按原时限推进' };
    case 'measure.reassigned':
      return { label: '牵头调整', matter: `本措施牵头单位已调整为${name(str(p.to) ?? '')}${because}`, ask: '请做好工作交接' };
    case 'measure.cancelled':
      return { label: '撤销', matter: `本措施已撤销${because}`, ask: '无需再办理' };
    case 'escalation.flagged':
      return {
        label: '挂牌督办',
        matter: `挂牌督办${because}`,
        ask: audience === 'department' ? '请主要负责同志亲自研究推进，按期办结' : watch,
      };
    default:
      if (n.kind.startsWith('escalation.')) {
        const item = str(p.item) ?? n.kind.slice('escalation.'.length);
        const levelName = str(p.levelName) ?? '提醒';
        return {
          label: levelName,
          matter: message || `${ITEM_NAMES[item] ?? item}逾期${levelName}`,
          ask: audience === 'department' ? (ESCALATION_ASK[item] ?? '请尽快办理') : item === 'review' ? ESCALATION_ASK.review! : watch,
        };
      }
      return { label: '通知', matter: message || n.kind, ask: '请登录系统查看' };
  }
}

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** One measure's notification, for one audience. */
export function renderNotification(n: Notice, ctx: RenderContext): Rendered {
  const name = (id: string) => ctx.departmentNames[id] ?? id;
  const p = n.payload;
  const audience: Audience = n.recipientDepartmentId ? 'department' : n.recipientRole === 'leader' ? 'leader' : n.recipientRole === 'coordination_office' ? 'office' : 'person';
  const deptId = str(p.departmentId) ?? ctx.leadDepartmentId ?? n.recipientDepartmentId ?? '';
  const dept = name(deptId);
  const due = formatDateTime(str(p.dueAt));
  const { label, matter, ask } = partsOf(n, audience, dept, due, name);
  const number = measureNumber(ctx.policyTitle, p.measureSeq);
  const measure = `${number}“${String(p.title ?? '')}”`;
  const link = n.measureId ? measureLink(ctx.publicUrl, n.measureId) : ctx.publicUrl;
  const subject = `【${label}】${number} ${String(p.title ?? '')}`;
  const lines: Array<[string, string]> = [
    ['措施', measure],
    ['责任单位', dept],
    ...(due ? ([['期限', due]] as Array<[string, string]>) : []),
    ...(str(p.deadlineText) && n.kind === 'measure.dispatched' ? ([['完成时限', str(p.deadlineText)!]] as Array<[string, string]>) : []),
    ['事项', matter],
    ['办理要求', ask],
  ];
  const greeting = audience === 'department' ? `${name(n.recipientDepartmentId!)}：` : audience === 'office' ? '统筹协调部门：' : '';
  const text = [greeting, ...lines.map(([k, v]) => `${k}：${v}`), `查看详情：${link}`].filter(Boolean).join('\n');
  const html = page(
    escapeHtml(subject),
    `${greeting ? `<p>${escapeHtml(greeting)}</p>` : ''}<table style="border-collapse:collapse">${lines
      .map(([k, v]) => `<tr><th style="text-align:left;padding:4px 12px 4px 0;white-space:nowrap">${escapeHtml(k)}</th><td style="padding:4px 0">${escapeHtml(v)}</td></tr>`)
      .join('')}</table><p><a href="${escapeHtml(link)}">查看详情</a></p>`,
  );
  const markdown = [`### ${subject}`, ...lines.map(([k, v]) => `> ${k}：${v}`), '', `[查看详情](${link})`].join('\n');
  return { subject, text, html, markdown, link };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>${title}</title></head><body style="font-family:sans-serif;font-size:14px;color:#222"><h3>${title}</h3>${body}</body></html>`;
}

/** Robots take short messages: each list stops after this many lines, with a count of the rest. */
const ROBOT_LINES = 8;

/** A leader's periodic digest, or the coordination office's daily summary. */
export function renderDigest(c: DigestContent, ctx: Pick<RenderContext, 'publicUrl'>): Rendered {
  const leader = c.audience === 'leader';
  const period = `${formatDateTime(c.since)} 至 ${formatDateTime(c.until)}`;
  const subject = leader ? `【督办摘要】${c.personName ?? ''} ${formatDate(c.until)}` : `【每日督办汇总】${formatDate(c.until)}`;
  // Digests written before policies were named in them have no policyTitle: 第N项 alone.
  const m = (x: { measureSeq: number; title: string; policyTitle?: string | undefined }) => `${measureNumber(x.policyTitle, x.measureSeq)}“${x.title}”`;
  const link = (measureId: string) => measureLink(ctx.publicUrl, measureId);

  type Row = { text: string; link?: string };
  const sections: Array<{ title: string; empty: string; rows: Row[] }> = [
    {
      title: leader ? '报请关注的督办事项' : '新增提醒催办督办',
      empty: '本期无',
      rows: c.escalations.map((e) => ({ text: `【${e.levelName}】${m(e)}，${e.departmentName}：${e.message}（${formatDateTime(e.at)}）`, link: link(e.measureId) })),
    },
    {
      title: '逾期（红灯）措施',
      empty: '无',
      rows: c.red.flatMap((d) => d.measures.map((x) => ({ text: `${d.departmentName}：${m(x)}${x.deadlineAt ? `，时限${formatDateTime(x.deadlineAt)}` : ''}${x.escalationName ? `，${x.escalationName}` : ''}`, link: link(x.measureId) }))),
    },
    {
      title: '两周内到期',
      empty: '无',
      rows: c.dueSoon.map((x) => ({ text: `${m(x)}，${x.departmentName}，时限${formatDateTime(x.deadlineAt)}`, link: link(x.measureId) })),
    },
    ...(c.pendingReview
      ? [{ title: '待销号审核', empty: '无', rows: c.pendingReview.map((x) => ({ text: `${m(x)}，${x.departmentName}${x.reviewDueAt ? `，审核时限${formatDateTime(x.reviewDueAt)}` : ''}`, link: link(x.measureId) })) }]
      : []),
    {
      title: '本期销号',
      empty: '无',
      rows: c.closures.map((x) => ({ text: `${m(x)}，${x.departmentName}，${formatDateTime(x.closedAt)}销号`, link: link(x.measureId) })),
    },
  ];
  const card = scorecardTable(c);
  // In text, the ranked rows; departments with nothing to score in one line (the HTML table has every row).
  const score = [
    ...card.rows.filter((r) => r[0] !== '—').map((r) => `第${r[0]}名 ${r[1]}：${card.header.slice(2).map((h, i) => `${h}${r[i + 2]}`).join('，')}`),
    ...(card.rows.some((r) => r[0] === '—') ? [`本期无可考核事项：${card.rows.filter((r) => r[0] === '—').map((r) => r[1]).join('、')}`] : []),
  ];
  const scoreTitle = `部门成绩单（${card.period}）`;
  const heading = leader ? `${c.personName ?? ''}同志：以下是${period}分管领域“三张清单”督办情况。` : `以下是${period}全部措施的督办情况。`;
  // The office is told when next year's holidays are missing (from 1 November) and what that affects.
  const notices = [
    ...(c.calendar?.warning ? [`【提示】${c.calendar.warning.split(' / ')[0]}`] : []),
    ...(c.calendar?.gapMeasures ? [`【提示】${c.calendar.gapMeasures}项措施的待办时限落在尚无节假日数据的年份，暂按周一至周五计算`] : []),
  ];

  const text = [
    ...notices,
    heading,
    ...sections.flatMap((s) => ['', `${s.title}（${s.rows.length}）`, ...(s.rows.length ? s.rows.map((r) => `- ${r.text}${r.link ? ` ${r.link}` : ''}`) : [s.empty])]),
    '',
    scoreTitle,
    ...(score.length ? score.map((l) => `- ${l}`) : ['无']),
    '',
    `查看全部：${ctx.publicUrl}/`,
  ].join('\n');

  const html = page(
    escapeHtml(subject),
    notices.map((n) => `<p><strong>${escapeHtml(n)}</strong></p>`).join('') +
      `<p>${escapeHtml(heading)}</p>` +
      sections
        .map(
          (s) =>
            `<h4>${escapeHtml(s.title)}（${s.rows.length}）</h4>` +
            (s.rows.length ? `<ul>${s.rows.map((r) => `<li>${r.link ? `<a href="${escapeHtml(r.link)}">${escapeHtml(r.text)}</a>` : escapeHtml(r.text)}</li>`).join('')}</ul>` : `<p>${escapeHtml(s.empty)}</p>`),
        )
        .join('') +
      `<h4>${escapeHtml(scoreTitle)}</h4>` +
      (card.rows.length
        ? `<table style="border-collapse:collapse" border="1" cellpadding="4"><tr>${card.header.map((h) => `<th>${escapeHtml(h)}</th>`).join('')}</tr>${card.rows
            .map((r) => `<tr>${r.map((v) => `<td>${escapeHtml(v)}</td>`).join('')}</tr>`)
            .join('')}</table>`
        : '<p>无</p>') +
      `<p><a href="${escapeHtml(ctx.publicUrl)}/">查看全部</a></p>`,
  );

  // Robots get the counts and the first lines of each list: about 20 messages a minute, 4 KB each.
  const markdown = [
    `### ${subject}`,
    `> ${period}`,
    ...notices.map((n) => `> **${n}**`),
    ...sections.flatMap((s) => [
      '',
      `**${s.title}（${s.rows.length}）**`,
      ...(s.rows.length ? s.rows.slice(0, ROBOT_LINES).map((r) => (r.link ? `- [${r.text}](${r.link})` : `- ${r.text}`)) : [s.empty]),
      ...(s.rows.length > ROBOT_LINES ? [`- 等${s.rows.length}项`] : []),
    ]),
    '',
    `**${scoreTitle}**`,
    ...(score.length ? score.slice(0, ROBOT_LINES).map((l) => `- ${l}`) : ['无']),
    ...(score.length > ROBOT_LINES ? [`- 等${score.length}个部门`] : []),
    '',
    `[查看全部](${ctx.publicUrl}/)`,
  ].join('\n');
  return { subject, text, html, markdown, link: `${ctx.publicUrl}/` };
}

/**
 * The digest's 成绩单 as a table of text: the scorecard rows (the same numbers GET /api/scorecards
 * and the export give), rank first. A digest stored before scores existed shows dashes.
 */
function scorecardTable(c: DigestContent): { period: string; header: string[]; rows: string[][] } {
  const header = ['名次', '部门', '综合得分', '签收及时率', '反馈及时率', '按期销号率', '督办扣分', '当前逾期', '报送表单/项'];
  const rows = (c.scorecard ?? []).map((r) => [
    r.rank == null ? '—' : String(r.rank),
    r.departmentName,
    r.score == null ? '—' : r.score.toFixed(1),
    formatRate(r.acknowledgeOnTimeRate),
    formatRate(r.reportOnTimeRate),
    formatRate(r.closureOnTimeRate),
    String(r.deduction ?? '—'),
    String(r.overdue ?? '—'),
    r.formsFiled == null ? '—' : `${r.formsFiled}/${r.fieldsFilled}`,
  ]);
  const period = c.scorecardPeriod ? `${c.scorecardPeriod.label}，截至${formatDate(c.until)}，考核规则第${c.scorecardRulesVersion}版` : formatDate(c.until);
  return { period, header, rows };
}
