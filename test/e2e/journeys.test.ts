// The dashboard in a real browser, as its users meet it: each role signs in and lands on its home
// page; a notification's link opened while signed out leads through the sign-in to the measure;
// a department acknowledges a measure and reports progress, the second report starting from the
// first (最多报一次).
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, checkPage, ensureChromium, signIn, startDashboard, USERNAMES, type Dashboard } from './support.js';

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
});
