// Messages as pure functions: Chinese text naming the measure, the department, the due time in
// Asia/Shanghai and what is asked; the robots' wire formats and DingTalk's signature.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { dingtalkSign, fitBytes, messageIdFor, robotRequest } from '../../activities/notifications/channels.js';
import type { DigestContent } from '../../activities/notifications/digest-content.js';
import { renderDigest, renderNotification, type Notice } from '../../activities/notifications/render.js';
import type { ScorecardRow } from '../../db/queries/scorecards.js';

const POLICY = '关于进一步深化医改的若干措施';
const ctx = { publicUrl: 'https://duban.example.gov.cn', departmentNames: { health: '省卫生健康委', finance: '省财政厅' }, leadDepartmentId: 'health', policyTitle: POLICY };
const notice = (n: Partial<Notice> & { payload?: Record<string, unknown> }): Notice => ({
  kind: 'measure.dispatched',
  measureId: 'm-1',
  recipientDepartmentId: 'health',
  recipientRole: null,
  ...n,
  payload: { measureSeq: 3, title: '推进紧密型县域医共体建设', ...n.payload },
});

describe('renderNotification', () => {
  it('names the policy, the measure, the department, the due time, what is asked, and links to the measure', () => {
    const r = renderNotification(notice({ payload: { role: 'lead', dueAt: '2026-03-05T09:00:00Z', deadlineText: '2026年6月底前' } }), ctx);
    expect(r.subject).toBe('【交办】《关于进一步深化医改的若干措施》第3项 推进紧密型县域医共体建设');
    expect(r.text.split('\n')).toEqual([
      '省卫生健康委：',
      '措施：《关于进一步深化医改的若干措施》第3项“推进紧密型县域医共体建设”',
      '责任单位：省卫生健康委',
      '期限：2026年3月5日 17:00',
      '完成时限：2026年6月底前',
      '事项：牵头办理新交办措施',
      '办理要求：请于2026年3月5日 17:00前登录系统签收',
      '查看详情：https://duban.example.gov.cn/measures/m-1',
    ]);
    expect(r.link).toBe('https://duban.example.gov.cn/measures/m-1');
    expect(r.html).toContain('<a href="https://duban.example.gov.cn/measures/m-1">查看详情</a>');
    expect(r.markdown.split('\n')[0]).toBe('### 【交办】《关于进一步深化医改的若干措施》第3项 推进紧密型县域医共体建设');
    // A title already in 书名号 is not wrapped twice; an unknown policy leaves 第N项 alone.
    expect(renderNotification(notice({}), { ...ctx, policyTitle: '《若干措施》' }).subject).toBe('【交办】《若干措施》第3项 推进紧密型县域医共体建设');
    expect(renderNotification(notice({}), { ...ctx, policyTitle: null }).subject).toBe('【交办】第3项 推进紧密型县域医共体建设');
  });

  it('shows an end-of-day due time as that day’s 24:00', () => {
    const r = renderNotification(notice({ payload: { role: 'lead', dueAt: '2026-11-26T16:00:00Z' } }), ctx);
    expect(r.text).toContain('期限：2026年11月26日 24:00');
    expect(r.text).toContain('请于2026年11月26日 24:00前登录系统签收');
  });

  it('names each rung of the ladder and asks each audience for its part', () => {
    const payload = { level: 2, levelName: '催办', item: 'report', message: '进展反馈逾期催办', departmentId: 'health', dueAt: '2026-03-05T09:00:00Z' };
    const toDept = renderNotification(notice({ kind: 'escalation.report', payload }), ctx);
    expect(toDept.subject).toBe(`【催办】《${POLICY}》第3项 推进紧密型县域医共体建设`);
    expect(toDept.text).toContain('办理要求：请立即报送进展情况');
    const toOffice = renderNotification(notice({ kind: 'escalation.report', recipientDepartmentId: null, recipientRole: 'coordination_office', payload }), ctx);
    expect(toOffice.text).toContain('办理要求：请跟踪督促省卫生健康委办理');
    const toLeader = renderNotification(notice({ kind: 'escalation.deadline', recipientDepartmentId: null, recipientRole: 'leader', payload: { ...payload, level: 4, levelName: '挂牌督办', item: 'deadline' } }), ctx);
    expect(toLeader.subject).toBe(`【挂牌督办】《${POLICY}》第3项 推进紧密型县域医共体建设`);
    expect(toLeader.text).toContain('办理要求：请阅知并督促省卫生健康委办理');
  });

  it('covers closure and extension decisions', () => {
    expect(renderNotification(notice({ kind: 'closure.returned', payload: { reason: '佐证材料不全' } }), ctx).text).toContain('事项：销号申请被退回（理由：佐证材料不全）');
    expect(renderNotification(notice({ kind: 'closure.approved' }), ctx).subject).toBe(`【已销号】《${POLICY}》第3项 推进紧密型县域医共体建设`);
    expect(renderNotification(notice({ kind: 'extension.requested', recipientDepartmentId: null, recipientRole: 'coordination_office', payload: { newDeadline: '2026-09-30', reason: '资金未到位' } }), ctx).text).toContain(
      '事项：省卫生健康委申请将完成时限延至2026年9月30日（理由：资金未到位）',
    );
    expect(renderNotification(notice({ kind: 'measure.reassigned', payload: { to: 'finance', reason: '职责调整' } }), ctx).text).toContain('牵头单位已调整为省财政厅');
  });

  it('escapes HTML', () => {
    const r = renderNotification(notice({ kind: 'closure.returned', payload: { reason: '<script>alert(1)</script>' } }), ctx);
    expect(r.html).not.toContain('<script>');
    expect(r.html).toContain('&lt;script&gt;');
  });
});

describe('renderDigest', () => {
  const item = { measureId: 'm-1', policyTitle: POLICY, measureSeq: 3, title: '推进紧密型县域医共体建设', departmentId: 'health', departmentName: '省卫生健康委' };
  const row: ScorecardRow = {
    departmentId: 'health',
    departmentName: '省卫生健康委',
    shortName: null,
    measuresLed: 5,
    acknowledged: 3,
    acknowledgedOnTime: 2,
    acknowledgeOverdue: 0,
    acknowledgeOnTimeRate: 0.667,
    reports: 0,
    reportsOnTime: 0,
    reportsOverdue: 0,
    reportOnTimeRate: null,
    closedOnTime: 1,
    closedLate: 1,
    dueOpen: 0,
    closureOnTimeRate: 0.5,
    escalations: { remind: 1, urge: 1, supervise: 1, flag: 1 },
    escalationCount: 4,
    deduction: 8,
    overdue: 1,
    red: 1,
    formsFiled: 4,
    fieldsFilled: 9,
    score: 49.1,
    rank: 2,
  };
  const content: DigestContent = {
    audience: 'leader',
    personName: '王副省长',
    since: '2026-03-02T01:00:00Z',
    until: '2026-03-09T01:00:00Z',
    escalations: [{ ...item, level: 4, levelName: '挂牌督办', message: '完成时限逾期挂牌督办', at: '2026-03-05T09:00:00Z' }],
    red: [{ departmentId: 'health', departmentName: '省卫生健康委', measures: [{ ...item, deadlineAt: '2026-03-05T09:00:00Z', escalationLevel: 4, escalationName: '挂牌督办' }] }],
    dueSoon: Array.from({ length: 12 }, (_, i) => ({ ...item, measureId: `s-${i}`, measureSeq: 10 + i, deadlineAt: '2026-03-15T15:59:59Z' })),
    closures: [],
    scorecardPeriod: { from: '2026-03-01', to: '2026-03-31', label: '2026年3月' },
    scorecardRulesVersion: 1,
    scorecard: [row],
  };

  it('renders every section for email, with counts and the scorecard', () => {
    const r = renderDigest(content, ctx);
    expect(r.subject).toBe('【督办摘要】王副省长 2026年3月9日');
    expect(r.text).toContain('王副省长同志：以下是2026年3月2日 09:00 至 2026年3月9日 09:00分管领域“三张清单”督办情况。');
    expect(r.text).toContain('报请关注的督办事项（1）');
    expect(r.text).toContain('两周内到期（12）');
    expect(r.text).toContain('本期销号（0）\n无');
    expect(r.text).toContain(`【挂牌督办】《${POLICY}》第3项“推进紧密型县域医共体建设”，省卫生健康委：完成时限逾期挂牌督办（2026年3月5日 17:00）`);
    expect(r.text).toContain('部门成绩单（2026年3月，截至2026年3月9日，考核规则第1版）');
    expect(r.text).toContain('- 第2名 省卫生健康委：综合得分49.1，签收及时率66.7%，反馈及时率—，按期销号率50.0%，督办扣分8，当前逾期1，报送表单/项4/9');
    const idle = { ...row, departmentId: 'idle', departmentName: '省无任务局', score: null, rank: null };
    expect(renderDigest({ ...content, scorecard: [row, idle, { ...idle, departmentName: '省又一局' }] }, ctx).text).toContain('- 本期无可考核事项：省无任务局、省又一局');
    expect(r.html).toContain('<tr><td>2</td><td>省卫生健康委</td><td>49.1</td><td>66.7%</td><td>—</td><td>50.0%</td><td>8</td><td>1</td><td>4/9</td></tr>');
  });

  it("heads the office's summary with next year's missing holidays, in every format", () => {
    const warning = '尚未录入2027年节假日安排：2027年的工作日时限将按周一至周五计算 / the 2027 holiday arrangement is not entered yet';
    const r = renderDigest({ ...content, audience: 'office', calendar: { warning, gapMeasures: 3 } }, ctx);
    expect(r.text.split('\n').slice(0, 2)).toEqual(['【提示】尚未录入2027年节假日安排：2027年的工作日时限将按周一至周五计算', '【提示】3项措施的待办时限落在尚无节假日数据的年份，暂按周一至周五计算']);
    expect(r.html).toContain('<p><strong>【提示】尚未录入2027年节假日安排');
    expect(r.markdown).toContain('> **【提示】3项措施');
    expect(renderDigest({ ...content, audience: 'office', calendar: { warning: null, gapMeasures: 0 } }, ctx).text).not.toContain('【提示】');
  });

  it('keeps robot markdown short: the first lines of each list and a count of the rest', () => {
    const r = renderDigest(content, ctx);
    expect(r.markdown).toContain('- 等12项');
    expect(r.markdown.match(/measures\/s-/g)).toHaveLength(8);
    expect(Buffer.byteLength(r.markdown)).toBeLessThan(4000);
  });
});

describe('wire formats', () => {
  const message = { subject: '【交办】第3项 测试', text: '', html: '', markdown: '### 【交办】第3项 测试\n\n[查看详情](https://x/measures/1)', link: 'https://x/measures/1' };

  it("WeCom: {msgtype:'markdown', markdown:{content}}", () => {
    expect(robotRequest('wecom', 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K', message)).toEqual({
      url: 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=K',
      body: { msgtype: 'markdown', markdown: { content: message.markdown } },
    });
  });

  it("DingTalk: {msgtype:'markdown', markdown:{title,text}}, signed with timestamp and sign when a secret is set", () => {
    const now = 1_700_000_000_000;
    const r = robotRequest('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=T', message, 'SECabc', now);
    expect(r.body).toEqual({ msgtype: 'markdown', markdown: { title: message.subject, text: message.markdown } });
    const url = new URL(r.url);
    expect(url.searchParams.get('access_token')).toBe('T');
    expect(url.searchParams.get('timestamp')).toBe(String(now));
    expect(url.searchParams.get('sign')).toBe(createHmac('sha256', 'SECabc').update(`${now}\nSECabc`).digest('base64'));
    expect(dingtalkSign('SECabc', now)).toBe(url.searchParams.get('sign'));
    expect(robotRequest('dingtalk', 'https://oapi.dingtalk.com/robot/send?access_token=T', message).url).not.toContain('sign=');
  });

  it('cuts a long markdown to the byte limit and keeps the link', () => {
    const long = ['### 标题', ...Array.from({ length: 500 }, (_, i) => `- 第${i}行内容内容内容`), '[查看详情](https://x/)'].join('\n');
    const cut = fitBytes(long, 4000);
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(4000);
    expect(cut.endsWith('…\n[查看详情](https://x/)')).toBe(true);
  });

  it('derives the same Message-ID from the same key', () => {
    expect(messageIdFor('k1', '督办 <a@example.gov.cn>')).toBe(messageIdFor('k1', '督办 <a@example.gov.cn>'));
    expect(messageIdFor('k1', '督办 <a@example.gov.cn>')).toMatch(/^<[0-9a-f]{40}@example\.gov\.cn>$/);
    expect(messageIdFor('k2', 'x@y.cn')).not.toBe(messageIdFor('k1', 'x@y.cn'));
  });
});
