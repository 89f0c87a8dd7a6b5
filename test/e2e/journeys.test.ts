// The dashboard in a real browser, as its users meet it: each role signs in and lands on its home
// page; a notification's link opened while signed out leads through the sign-in to the measure;
// a department acknowledges a measure and reports progress, the second report starting from the
// first (最多报一次); the office imports a workbook through the wizard; an admin enters next year's
// holiday calendar and sees which due times moved.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MeasureClient } from '../../api/measure-client.js';
import { createDraft, dispatchMeasure } from '../../api/routes/measures/service.js';
import { packageCalendarYears } from '../../db/calendar-seed.js';
import { people, policies, sessions } from '../../db/schema/index.js';
import { startRobotReceiver } from '../support/receivers.js';
import { ARTIFACTS, checkPage, englishOnlyTexts, ensureChromium, screenshots, signIn, startDashboard, USERNAMES, type Dashboard } from './support.js';

const chromium = await ensureChromium();
if ('skip' in chromium) console.log(`[e2e] 跳过浏览器测试 / browser tests skipped: ${chromium.skip}`);

// Playwright's waits (30 s each) stand in for polling: a step answers when the workflow has taken it.
describe.skipIf('skip' in chromium)('the dashboard in a browser', { timeout: 180_000 }, () => {
  let app: Dashboard;
  beforeAll(async () => {
    app = await startDashboard('e2e-journeys');
  });
  afterAll(async () => app?.close());

  it('signs each role in to its own home page', async () => {
    const homes = [
      { username: USERNAMES.coordination_office, path: '/office', sees: /责任清单（12）/ },
      { username: USERNAMES.department, path: '/department', sees: /待签收（\d+）/ },
      { username: USERNAMES.leader, path: '/leader', sees: /红灯措施（\d+）/ },
      { username: USERNAMES.admin, path: '/admin/people', sees: /人员管理/ },
    ];
    for (const home of homes) {
      const page = await app.newPage();
      await page.goto('/');
      await page.waitForURL('**/login');
      await signIn(page, home.username);
      await page.waitForURL(`**${home.path}`);
      await page.getByText(home.sees).first().waitFor();
      await checkPage(page, `home-${home.username}`);
      await page.context().close();
    }
  });

  it('opens a notification link after signing in: /measures/<id> → sign-in → the measure', async () => {
    const id = await app.measureId(3);
    const page = await app.newPage();
    await page.goto(`/measures/${id}`);
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === `/measures/${id}`);
    await checkPage(page, 'sign-in');
    await signIn(page, USERNAMES.coordination_office);
    await page.waitForURL(`**/measures/${id}`);
    await page.getByText('销号审核中').first().waitFor();
    // The office reviews the closure the demo applied for; the department's own buttons are not offered.
    await page.getByRole('button', { name: '销号审核' }).waitFor();
    expect(await page.getByRole('button', { name: '签收' }).count()).toBe(0);
    await checkPage(page, 'measure-office');
    await page.context().close();
  });

  it('lets a department acknowledge, then report progress starting from its last report', async () => {
    // 第9项: led by 省卫生健康委 (user `health`), dispatched and not yet acknowledged in the demo.
    const id = await app.measureId(9);
    const page = await app.newPage();
    await signIn(page, USERNAMES.department);
    await page.getByText(/待签收（\d+）/).waitFor();
    await page.goto(`/measures/${id}`);
    await page.getByRole('button', { name: '签收' }).click();
    await page.getByRole('dialog').getByRole('button', { name: '提交' }).click();
    await page.getByText('督办中').first().waitFor();
    expect(await page.getByRole('button', { name: '签收' }).count()).toBe(0);

    await page.getByRole('button', { name: '反馈进展' }).click();
    const first = page.getByRole('dialog');
    await first.getByLabel('进展情况').fill('已召开专题会议，制定年度工作方案。');
    await first.getByLabel('完成进度（%）').fill('30');
    await checkPage(page, 'report-form');
    await first.getByRole('button', { name: '提交' }).click();
    await page.getByText('进展反馈（1）').waitFor();

    // The second report starts from the first: only what changed is typed.
    await page.getByRole('button', { name: '反馈进展' }).click();
    const second = page.getByRole('dialog');
    await expect.poll(() => second.getByLabel('进展情况').inputValue(), { timeout: 15_000 }).toBe('已召开专题会议，制定年度工作方案。');
    expect(await second.getByLabel('完成进度（%）').inputValue()).toBe('30');
    await second.getByLabel('完成进度（%）').fill('45');
    await second.getByRole('button', { name: '提交' }).click();
    await page.getByText('进展反馈（2）').waitFor();
    await page.getByRole('tab', { name: '进展反馈（2）' }).click();
    await page.getByRole('tabpanel').getByRole('cell', { name: '45%' }).waitFor();
    await checkPage(page, 'measure-department');
    await page.context().close();
  });

  it('gives the office the three lists as tabs, filtered in the address and exported as filtered', async () => {
    const page = await app.newPage();
    await signIn(page, USERNAMES.coordination_office);
    await page.getByRole('tab', { name: /责任清单（\d+）/ }).waitFor();
    await page.getByRole('tab', { name: /督办清单（\d+）/ }).click();
    await page.waitForURL((u) => u.searchParams.get('list') === 'supervision');
    await page.locator('.ant-table-row').first().waitFor();
    // A filter lands in the address, narrows the rows, and the export link carries it.
    await page.getByRole('combobox', { name: '是否逾期' }).click();
    await page.getByTitle(/^未逾期/).click();
    await page.waitForURL((u) => u.searchParams.get('overdue') === 'false');
    await page.getByRole('searchbox', { name: '搜索' }).fill('不存在的措施名称');
    await page.getByRole('searchbox', { name: '搜索' }).press('Enter');
    await page.getByText('没有符合条件的措施').waitFor();
    expect(new URL(page.url()).searchParams.get('q')).toBe('不存在的措施名称');
    const href = await page.getByRole('link', { name: /导出/ }).getAttribute('href');
    expect(href).toBe(`/api/exports/lists/supervision?overdue=false&q=${encodeURIComponent('不存在的措施名称')}`);
    // The view survives a reload (a bookmark, a forwarded link), and one click clears it.
    await page.reload();
    await page.getByText('没有符合条件的措施').waitFor();
    await page.getByRole('button', { name: '清除筛选' }).click();
    await page.locator('.ant-table-row').first().waitFor();
    expect(new URL(page.url()).search).toBe('?list=supervision');
    await page.locator('label').filter({ hasText: /^红灯/ }).click();
    await page.waitForURL((u) => u.searchParams.get('rag') === 'red');
    await page.getByRole('button', { name: '清除筛选' }).click();
    await checkPage(page, 'office-lists');
    await page.context().close();
  });

  it('lets the office return a closure from its review queue, then approve it when applied again', async () => {
    // 第3项: led by 省科技厅 (user `sci`), applied for closure in the demo with two documents.
    const id = await app.measureId(3);
    const page = await app.newPage();
    await signIn(page, USERNAMES.coordination_office);
    await page.getByRole('menuitem', { name: '待办审核' }).click();
    await page.getByRole('tab', { name: '销号审核（1）' }).waitFor();
    await page.getByRole('row', { name: /培育新型研发机构/ }).getByRole('button', { name: '审核' }).click();
    const drawer = page.getByRole('dialog');
    // The application and its evidence beside what the measure asked and what was reported.
    await drawer.getByText('印发文件.pdf').waitFor();
    await drawer.getByText('措施要求与历次反馈').waitFor();
    await drawer.getByText('已制定工作方案，正在按计划推进。').waitFor();
    await checkPage(page, 'office-review');
    await drawer.getByRole('button', { name: '退回' }).click();
    const giveBack = page.locator('.ant-modal').filter({ hasText: '退回销号申请' });
    await giveBack.getByRole('button', { name: '退回' }).click();
    await giveBack.getByText('请填写退回理由').waitFor();
    await giveBack.getByLabel('退回理由').fill('请补充验收报告。');
    await giveBack.getByRole('button', { name: '退回' }).click();
    await page.getByRole('tab', { name: '销号审核（0）' }).waitFor();
    await page.getByText('没有待审核的销号申请').waitFor();

    // The lead department applies again (through the API, as its own browser would), and the office approves.
    const dept = await app.newPage();
    await signIn(dept, 'sci');
    const applied = await dept.request.post(`/api/measures/${id}/apply-closure`, { data: { summary: '已补充验收报告。', evidence: [{ name: '验收报告.pdf' }] } });
    expect(applied.status(), await applied.text()).toBe(200);
    await dept.context().close();
    await expect
      .poll(
        async () => {
          await page.reload();
          await page.getByRole('tab', { name: /销号审核（\d+）/ }).waitFor();
          return page.getByRole('tab', { name: '销号审核（1）' }).count();
        },
        { timeout: 30_000 },
      )
      .toBe(1);
    await page.getByRole('row', { name: /培育新型研发机构/ }).getByRole('button', { name: '审核' }).click();
    await page.getByRole('dialog').getByText('已补充验收报告。').waitFor();
    await page.getByRole('dialog').getByRole('button', { name: '通过' }).click();
    await page.locator('.ant-modal').filter({ hasText: '通过销号' }).getByRole('button', { name: '通过，予以销号' }).click();
    await page.getByRole('tab', { name: '销号审核（0）' }).waitFor();
    // The measure has moved to the closure list.
    await page.getByRole('menuitem', { name: '三张清单' }).click();
    await page.getByRole('tab', { name: /销号清单/ }).click();
    await page.getByRole('row', { name: /培育新型研发机构/ }).waitFor();
    await page.context().close();
  });

  it('imports a workbook through the wizard: dry run, an unknown department created, a repeat confirmed, dispatch', async () => {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('措施清单');
    ws.getRow(1).values = ['《关于提升基层医疗卫生服务能力的若干措施》'];
    ws.getRow(3).values = ['序号', '方面', '措施', '牵头单位', '配合单位', '完成时限', '工作目标/预期成果'];
    ws.getRow(4).values = [1, '一、夯实基层', '加强基层人才队伍建设。每个乡镇卫生院至少配备2名全科医生。', '省卫生健康委', '省财政厅', '2027年6月底前', '全科医生配齐'];
    ws.getRow(5).values = [2, '', '完善基层服务网络。', '省基层卫生服务中心', '省卫生健康委', '2027年第三季度', ''];
    const file = path.join(ARTIFACTS, '..', 'e2e-import.xlsx');
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, Buffer.from(await wb.xlsx.writeBuffer()));

    const page = await app.newPage();
    await signIn(page, USERNAMES.coordination_office);
    await page.getByRole('menuitem', { name: '导入政策文件' }).click();
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('button', { name: '试导入（只检查，不写入）' }).click();
    // The dry run: the title found, each row's deadline as read, the department not known yet.
    await page.getByText('《关于提升基层医疗卫生服务能力的若干措施》').waitFor();
    await page.getByRole('cell', { name: /2027年6月30日/ }).waitFor();
    await page.getByRole('cell', { name: /2027年9月30日/ }).waitFor();
    await page.getByText('系统中尚无的部门（1）').waitFor();
    expect(await page.getByRole('button', { name: /确认导入/ }).isDisabled()).toBe(true);
    await checkPage(page, 'office-import-dry-run');
    await page.getByRole('checkbox', { name: '新建省基层卫生服务中心' }).check();
    await page.getByText('检查通过，可以导入').waitFor();
    await page.getByRole('button', { name: '确认导入2 项措施' }).click();
    await page.getByText('已导入《关于提升基层医疗卫生服务能力的若干措施》').waitFor();
    await page.getByText(/新建部门：省基层卫生服务中心/).waitFor();
    await page.getByRole('button', { name: '交办全部措施' }).click();
    await page.getByText('已交办 2 项措施').waitFor();
    await checkPage(page, 'office-import-dispatched');
    await page.getByRole('button', { name: '查看责任清单' }).click();
    await page.getByRole('link', { name: '加强基层人才队伍建设' }).waitFor();

    // The same workbook again: the dry run says so, and imports only when confirmed.
    await page.getByRole('menuitem', { name: '导入政策文件' }).click();
    await page.locator('input[type=file]').setInputFiles(file);
    await page.getByRole('button', { name: '试导入（只检查，不写入）' }).click();
    await page.getByText('内容相同的清单已导入过').waitFor();
    expect(await page.getByRole('button', { name: /确认导入/ }).isDisabled()).toBe(true);
    await page.getByRole('checkbox', { name: '确需再导入一份' }).check();
    await page.getByText('检查通过，可以导入').waitFor();
    await page.context().close();
  });

  it('lets a department apply for closure with an uploaded file; the office returns it, then approves it', async () => {
    // 第9项 after the journey above: 省卫生健康委 leads it, has acknowledged and reported twice.
    const id = await app.measureId(9);
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.from('验收报告'.repeat(200))]);
    const department = await app.newPage();
    await signIn(department, USERNAMES.department);
    // From the to-do page: the measure's own forms are one click away.
    await department.getByText(/本单位承担的措施（\d+）/).waitFor();
    await department.getByRole('row', { name: /第9项/ }).getByRole('link', { name: '申请销号' }).click();
    await department.waitForURL((u) => u.pathname === `/measures/${id}` && u.searchParams.get('action') === 'applyClosure');
    const apply = department.getByRole('dialog');
    await apply.getByLabel('完成情况说明').fill('年度工作方案已全部落实，形成验收报告。');
    await apply.locator('input[type=file]').setInputFiles({ name: '验收报告.pdf', mimeType: 'application/pdf', buffer: pdf });
    await apply.getByText('验收报告.pdf').waitFor();
    await checkPage(department, 'closure-form');
    await apply.getByRole('button', { name: '提交' }).click();
    await apply.waitFor({ state: 'hidden' });
    await department.getByText('销号审核中').first().waitFor();
    // The file is kept and downloads as uploaded, for whoever sees the measure.
    await department.getByRole('tab', { name: /佐证材料/ }).click();
    const href = await department.getByRole('link', { name: /验收报告\.pdf/ }).first().getAttribute('href');
    expect(href).toMatch(/^\/api\/evidence\//);
    const download = await department.request.get(href!);
    expect(download.status()).toBe(200);
    expect(Buffer.compare(await download.body(), pdf)).toBe(0);

    // The office returns it from the measure page.
    const office = await app.newPage();
    await signIn(office, USERNAMES.coordination_office);
    await office.goto(`/measures/${id}`);
    await office.getByRole('button', { name: '销号审核' }).click();
    const review = office.getByRole('dialog');
    await review.getByText('验收报告.pdf').waitFor();
    await review.getByRole('radio', { name: '退回' }).check();
    await review.getByLabel('退回理由').fill('请补充验收会议纪要。');
    await review.getByRole('button', { name: '提交' }).click();
    await review.waitFor({ state: 'hidden' });
    await office.getByText('退回销号申请').first().waitFor();

    // The department finds the return on its to-do page and applies again, the file already listed.
    await expect
      .poll(
        async () => {
          await department.goto('/department');
          await department.getByText(/退回与延期答复（\d+）/).waitFor();
          await department.waitForLoadState('networkidle');
          return department.getByText('销号申请被退回').count();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBeGreaterThan(0);
    await checkPage(department, 'department-returned');
    await department.getByRole('button', { name: '重新申请销号' }).click();
    const again = department.getByRole('dialog');
    await again.getByText('验收报告.pdf').waitFor();
    await again.getByLabel('完成情况说明').fill('已补充验收会议纪要。');
    await again.getByRole('button', { name: '提交' }).click();
    await again.waitFor({ state: 'hidden' });
    await department.getByText('销号审核中').first().waitFor();

    // The office approves: the measure moves to the closure list.
    await office.reload();
    await office.getByRole('button', { name: '销号审核' }).click();
    await office.getByRole('dialog').getByRole('button', { name: '提交' }).click();
    await office.getByRole('dialog').waitFor({ state: 'hidden' });
    await office.getByText('已销号').first().waitFor();
    expect(await office.getByRole('button', { name: '销号审核' }).count()).toBe(0);
    await checkPage(office, 'measure-closed');
    await department.context().close();
    await office.context().close();
  });

  it('brings an escalation to the leader’s page: the office flags a measure 挂牌督办', async () => {
    const id = await app.measureId(5);
    const office = await app.newPage();
    await signIn(office, USERNAMES.coordination_office);
    await office.goto(`/measures/${id}`);
    const title = (await office.getByRole('heading', { level: 4 }).innerText()).replace(/^第5项\s*/, '');
    await office.getByRole('button', { name: '挂牌督办' }).click();
    await office.getByRole('dialog').getByLabel('挂牌督办理由').fill('进度严重滞后，请分管领导督促。');
    await office.getByRole('dialog').getByRole('button', { name: '提交' }).click();
    await office.getByText(/挂牌督办：进度严重滞后/).first().waitFor();
    await office.context().close();

    const leader = await app.newPage();
    await signIn(leader, USERNAMES.leader);
    const escalated = leader.getByRole('listitem').filter({ hasText: '挂牌督办' }).filter({ hasText: title });
    await expect
      .poll(
        async () => {
          await leader.goto('/leader');
          await leader.getByText(/升级到您的督办事项（\d+）/).first().waitFor();
          await leader.waitForLoadState('networkidle');
          return escalated.count();
        },
        { timeout: 30_000, interval: 500 },
      )
      .toBeGreaterThan(0);
    await leader.getByText('分管部门成绩单').waitFor();
    await checkPage(leader, 'leader-escalated');
    await escalated.first().getByRole('link').click();
    await leader.waitForURL(`**/measures/${id}`);
    await leader.getByText(/挂牌督办：进度严重滞后/).first().waitFor();
    await leader.context().close();
  });

  it('opens every link of a digest and of a notification on the right page after signing in', async () => {
    // The links as sent (PUBLIC_URL/measures/<id> and PUBLIC_URL/), taken from the office's daily
    // summary and the department's inbox, opened by someone not signed in.
    const reader = await app.newPage();
    await signIn(reader, USERNAMES.coordination_office);
    const digest = (await (await reader.request.get('/api/digests/preview')).json()) as { text: string };
    await reader.context().close();
    const inboxReader = await app.newPage();
    await signIn(inboxReader, USERNAMES.department);
    const inbox = (await (await inboxReader.request.get('/api/inbox?pageSize=5')).json()) as { items: Array<{ link: string | null }> };
    await inboxReader.context().close();
    const all = [...new Set([...digest.text.matchAll(/https?:\/\/\S+/g)].map((m) => m[0]))];
    const links = [...all.filter((l) => l.includes('/measures/')).slice(0, 3), ...all.filter((l) => new URL(l).pathname === '/')];
    const fromInbox = inbox.items.map((m) => m.link).find((l): l is string => !!l && l.includes('/measures/'));
    expect(links.some((l) => l.includes('/measures/'))).toBe(true);
    expect(links.some((l) => new URL(l).pathname === '/')).toBe(true);
    expect(fromInbox).toBeTruthy();

    for (const [link, who] of [...links.map((l) => [l, USERNAMES.coordination_office] as const), [fromInbox!, USERNAMES.department] as const]) {
      const path = new URL(link).pathname;
      const page = await app.newPage();
      await page.goto(path);
      await page.waitForURL((u) => u.pathname === '/login');
      await signIn(page, who);
      if (path === '/') {
        await page.waitForURL((u) => u.pathname === '/office');
      } else {
        await page.waitForURL((u) => u.pathname === path);
        await page.getByRole('heading', { level: 4 }).filter({ hasText: /^第\d+项/ }).waitFor();
      }
      await page.context().close();
    }
  });

  it('gives the admin people, departments, notification channels with a test send, and failed deliveries', async () => {
    const robots = await startRobotReceiver();
    try {
      const page = await app.newPage();
      await signIn(page, USERNAMES.admin);
      await page.getByRole('menuitem', { name: '部门管理' }).click();
      await page.getByRole('cell', { name: '四川省卫生健康委员会' }).first().waitFor();
      await checkPage(page, 'admin-departments');

      await page.getByRole('menuitem', { name: '通知渠道' }).click();
      await page.getByRole('button', { name: '新增通知渠道' }).click();
      const dialog = page.getByRole('dialog');
      await dialog.getByRole('combobox', { name: /部门/ }).click();
      await page.getByTitle('四川省卫生健康委员会').click();
      await dialog.getByLabel('机器人 Webhook 地址').fill(robots.url('wecom', 'health-e2e'));
      await dialog.getByRole('button', { name: '添加' }).click();
      await page.getByRole('cell', { name: /health-e2e/ }).waitFor();
      await page.getByRole('row', { name: /health-e2e/ }).getByRole('button', { name: '测试' }).click();
      await page.getByText(/测试消息已发出/).waitFor();
      expect(robots.posts.some((p) => p.robot === 'health-e2e' && p.body.markdown?.content?.includes('通知渠道测试'))).toBe(true);
      await checkPage(page, 'admin-channels');

      await page.getByRole('menuitem', { name: '投递失败' }).click();
      await page.getByText('投递失败的通知').first().waitFor();
      await checkPage(page, 'admin-failed-deliveries');
      await page.getByRole('menuitem', { name: '失败步骤' }).click();
      await page.getByText(/失败步骤（待处理 \d+）/).waitFor();
      await checkPage(page, 'admin-failed-steps');
      await page.context().close();
    } finally {
      await robots.close();
    }
  });

  it('sends an expired sign-in to the sign-in page and back to where the person was', async () => {
    const id = await app.measureId(9);
    const page = await app.newPage();
    await signIn(page, USERNAMES.department);
    await page.goto(`/measures/${id}`);
    await page.getByRole('heading', { level: 4 }).waitFor();
    // The session ends on the server while the page is open (as when it expires).
    await app.env.database.db.update(sessions).set({ revokedAt: new Date() });
    await page.getByRole('menuitem', { name: '待办事项' }).click();
    await page.waitForURL((u) => u.pathname === '/login' && u.searchParams.get('next') === '/department');
    await page.getByText('登录').first().waitFor();
    await signIn(page, USERNAMES.department);
    await page.waitForURL((u) => u.pathname === '/department');
    await page.getByText(/待签收（\d+）/).waitFor();
    await page.context().close();
  });

  it('shows the office the scorecards: ranks, closure progress by area and department, reporting burden', async () => {
    const page = await app.newPage();
    await signIn(page, USERNAMES.coordination_office);
    await page.getByRole('menuitem', { name: '监督考核' }).click();
    await page.getByText('按方面的销号进度').waitFor();
    await page.getByRole('columnheader', { name: '综合得分' }).waitFor();
    // The demo's departments acknowledged and reported this month: they are ranked and charted.
    await page.locator('.ant-table-row').first().waitFor();
    await expect.poll(() => page.locator('canvas').count(), { timeout: 20_000 }).toBeGreaterThanOrEqual(3);
    const href = await page.getByRole('link', { name: /导出考核表/ }).getAttribute('href');
    expect(href).toMatch(/^\/api\/exports\/scorecards\?period=\d{4}-\d{2}$/);
    await page.getByRole('combobox', { name: '统计周期' }).click();
    await page.getByTitle(/^本年/).click();
    await page.waitForURL((u) => /^\d{4}$/.test(u.searchParams.get('period') ?? ''));
    await checkPage(page, 'office-scorecards');
    await page.context().close();
  });

  it('lets an admin enter next year\'s calendar from the notice: problems listed, a preview, then which due times moved', async () => {
    // A measure whose acknowledgment falls in the first weeks of next year, counted in working days
    // while that year has no data: entering the year's holidays moves it.
    const next = Math.max(...packageCalendarYears()) + 1;
    const db = app.env.database.db;
    const [policy] = await db.select({ id: policies.id }).from(policies);
    const [office] = await db.select({ id: people.id }).from(people).where(eq(people.username, USERNAMES.coordination_office));
    const weekdays = Math.max(5, Math.ceil((Date.parse(`${next}-01-08`) - Date.now()) / 86_400_000 / 7) * 5);
    const id = await createDraft(db, policy!.id, {
      title: '跨年签收的演练措施',
      deadline: '长期坚持',
      leadDepartmentId: 'sc-hsa',
      settingsOverride: { acknowledgeDue: { unit: 'working_days', amount: weekdays } },
    });
    await dispatchMeasure(db, new MeasureClient(app.env.client, app.env.taskQueue), id, { id: office!.id, role: 'coordination_office', departmentId: 'sc-office' });

    /** The calendar page at next year, reached from the menu. */
    const openNextYear = async () => {
      const page = await app.newPage();
      await signIn(page, USERNAMES.admin);
      await page.getByRole('menuitem', { name: '节假日安排' }).click();
      await page.waitForURL('**/calendar');
      await page.getByRole('combobox', { name: '年份' }).click();
      await page.locator(`.ant-select-item-option[title="${next}年（未录入）"]`).click();
      await page.getByText(`尚未录入${next}年节假日安排`, { exact: true }).waitFor();
      return page;
    };

    // A make-up day that is not a weekend and a range that does not add up: every problem is listed.
    // (A page of its own: the browser logs the refusal, a 422 answered on purpose.)
    const refused = await openNextYear();
    await refused.getByLabel('通知条文').fill(['一、元旦：1月1日至3日放假调休，共4天。', '二、春节：2月2日（星期二）上班。'].join('\n'));
    await refused.getByRole('button', { name: '预览' }).click();
    await refused.getByText('通知中有 2 处问题，请修改后再预览').waitFor();
    expect(await refused.getByRole('button', { name: `保存${next}年安排` }).isDisabled()).toBe(true);
    await screenshots(refused, 'calendar-problems');
    expect(await englishOnlyTexts(refused)).toEqual([]);
    await refused.context().close();

    const page = await openNextYear();
    const notice = page.getByLabel('通知条文');
    await notice.fill([`国务院办公厅关于${next}年部分节假日安排的通知`, '一、元旦：1月1日至3日放假调休，共3天。', '二、春节：2月6日（星期六）至14日（星期日）放假调休，共9天。2月20日（星期六）上班。'].join('\n'));
    await page.getByRole('button', { name: '预览' }).click();
    await page.getByText('已读取，请核对下列安排和日历后保存（尚未保存）').waitFor();
    await page.getByRole('cell', { name: '春节' }).waitFor();
    await checkPage(page, 'calendar-preview');

    await page.getByRole('button', { name: `保存${next}年安排` }).click();
    await page.getByText(`录入${next}年节假日安排：已通知全部`).waitFor({ timeout: 60_000 });
    const moved = page.getByRole('row', { name: /跨年签收的演练措施/ });
    await moved.waitFor();
    expect(await moved.textContent()).toMatch(/签收期限（省医保局）：.+ → .+/);
    // The year view now shows the holidays entered: 1月1日 a holiday, 2月20日 a working Saturday.
    await page.locator(`[data-day="${next}-01-01"][data-kind="holiday"]`).first().waitFor();
    await page.locator(`[data-day="${next}-02-20"][data-kind="makeup"]`).first().waitFor();
    await checkPage(page, 'calendar-saved');
    await page.context().close();
  });
});
