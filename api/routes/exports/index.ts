// Excel exports of the three lists (with the list's filters) and of the scorecards, laid out for
// printing: title, date and scope, frozen bold header, column widths, A4 landscape.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { queryList, type ListItem } from '../../../db/queries/lists.js';
import { scorecards } from '../../../db/queries/scorecards.js';
import { audit } from '../../../db/queries/audit.js';
import { addRow, chineseDate, newWorkbook, officeSheet, RAG_FILL, sendWorkbook, shanghaiTime, XLSX_TYPE, type Column } from '../../excel/write.js';
import { visibleDepartmentIds, visibleMeasures } from '../../plugins/access.js';
import { principalOf } from '../../plugins/auth.js';
import { errors } from '../../schemas/common.js';
import { LIST_NAMES, listFilters, listKind } from '../../schemas/lists.js';
import { scorecardQuery } from '../../schemas/scorecards.js';
import { periodOf } from '../scorecards/index.js';

const RAG_NAMES = { green: '绿', yellow: '黄', red: '红' } as const;
const STATUS_NAMES: Record<string, string> = { dispatched: '待签收', supervised: '督办中', closure_review: '销号审核中', closed: '已销号', cancelled: '已撤销' };
const ROLE_NAMES = { admin: '管理员', coordination_office: '统筹协调部门', department: '部门', leader: '分管领导' } as const;

const dept = (d: { name: string; shortName: string | null }) => d.shortName ?? d.name;
const percent = (r: number | null) => (r === null ? '—' : `${(r * 100).toFixed(1)}%`);

const routes: FastifyPluginAsyncZod = async (app) => {
  const db = app.deps.database.db;

  app.get(
    '/lists/:list',
    {
      schema: {
        tags: ['exports'],
        summary: '导出清单为 Excel（筛选条件同清单接口）',
        params: z.object({ list: listKind }),
        querystring: listFilters,
        produces: [XLSX_TYPE],
        response: errors(400, 401, 404),
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const { list } = request.params;
      const items: ListItem[] = [];
      for (let page = 1; ; page++) {
        const chunk = await queryList(db, { ...request.query, list, sort: 'seq', order: 'asc', page, pageSize: 1000 }, visibleMeasures(p));
        items.push(...chunk.items);
        if (items.length >= chunk.total || chunk.items.length === 0) break;
      }
      const name = LIST_NAMES[list];
      const policies = [...new Set(items.map((i) => i.policyTitle))];
      const title = policies.length === 1 ? `《${policies[0]}》${name}` : name;
      const filters = describeFilters(request.query, items);
      const subtitle = `导出日期：${chineseDate()}  导出人：${p.displayName}（${ROLE_NAMES[p.role]}）  共${items.length}项${filters ? `  筛选：${filters}` : ''}`;

      const common: Column[] = [
        { header: '序号', width: 6, align: 'center' },
        { header: '方面', width: 14 },
        { header: '措施', width: 46 },
        { header: '牵头单位', width: 14, align: 'center' },
        { header: '配合单位', width: 20 },
        { header: '完成时限', width: 13, align: 'center' },
      ];
      const extra: Record<typeof list, Column[]> = {
        responsibility: [
          { header: '签收情况', width: 20 },
          { header: '签收期限', width: 12, align: 'center' },
          { header: '红黄灯', width: 7, align: 'center' },
          { header: '督办级别', width: 10, align: 'center' },
        ],
        supervision: [
          { header: '状态', width: 11, align: 'center' },
          { header: '完成进度', width: 9, align: 'center' },
          { header: '最近反馈', width: 12, align: 'center' },
          { header: '反馈期限', width: 12, align: 'center' },
          { header: '红黄灯', width: 7, align: 'center' },
          { header: '督办级别', width: 10, align: 'center' },
        ],
        closure: [
          { header: '销号日期', width: 12, align: 'center' },
          { header: '工作目标/预期成果', width: 30 },
        ],
      };
      const columns = [...common, ...extra[list]];
      const wb = newWorkbook();
      const ws = officeSheet(wb, name, title, subtitle, columns);
      for (const i of items) {
        const base = [
          policies.length === 1 ? i.seq : `${i.policyCode}-${i.seq}`,
          i.areaTitle,
          // The title, then the content, unless the content already opens with the title (as imported ones do).
          !i.content ? i.title : i.content.startsWith(i.title) ? i.content : `${i.title}\n${i.content}`,
          dept({ name: i.leadDepartmentName, shortName: i.leadDepartmentShortName }),
          i.cooperating.map(dept).join('、'),
          i.deadlineText,
        ];
        const level = i.escalationName ?? '—';
        const more: Record<typeof list, Array<string | number | null>> = {
          responsibility: [
            [`牵头：${i.leadAcknowledgedAt ? '已签收' : '未签收'}`, ...i.cooperating.map((c) => `${dept(c)}：${c.acknowledgedAt ? '已签收' : '未签收'}`)].join('\n'),
            shanghaiTime(i.acknowledgeDueAt),
            RAG_NAMES[i.rag],
            level,
          ],
          supervision: [STATUS_NAMES[i.status] ?? i.status, i.progressPercent === null ? '—' : `${i.progressPercent}%`, shanghaiTime(i.lastReportAt), shanghaiTime(i.reportDueAt), RAG_NAMES[i.rag], level],
          closure: [shanghaiTime(i.closedAt), i.target],
        };
        const row = addRow(ws, columns, [...base, ...more[list]]);
        const ragCol = columns.findIndex((c) => c.header === '红黄灯');
        if (ragCol >= 0) row.getCell(ragCol + 1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: RAG_FILL[i.rag]! } };
      }
      await audit(db, { actor: p, action: 'list_exported', detail: { list, filters: request.query, rows: items.length } });
      return sendWorkbook(reply, wb, `${name}-${shanghaiTime(new Date())}.xlsx`, `${list}-${shanghaiTime(new Date())}.xlsx`);
    },
  );

  app.get(
    '/scorecards',
    {
      schema: { tags: ['exports'], summary: '导出部门考核表为 Excel', querystring: scorecardQuery, produces: [XLSX_TYPE], response: errors(400, 401) },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const period = periodOf(request.query);
      const rows = await scorecards(db, period, visibleDepartmentIds(p));
      const columns: Column[] = [
        { header: '排名', width: 6, align: 'center' },
        { header: '部门', width: 24 },
        { header: '牵头措施数', width: 10, align: 'center' },
        { header: '签收数', width: 8, align: 'center' },
        { header: '按时签收', width: 9, align: 'center' },
        { header: '逾期未签收', width: 10, align: 'center' },
        { header: '签收及时率', width: 10, align: 'center' },
        { header: '反馈次数', width: 9, align: 'center' },
        { header: '按时反馈', width: 9, align: 'center' },
        { header: '逾期未反馈', width: 10, align: 'center' },
        { header: '反馈及时率', width: 10, align: 'center' },
        { header: '当前逾期', width: 9, align: 'center' },
        { header: '督办升级次数', width: 11, align: 'center' },
        { header: '已销号', width: 8, align: 'center' },
        { header: '销号率', width: 9, align: 'center' },
        { header: '综合得分', width: 9, align: 'center' },
      ];
      const wb = newWorkbook();
      const ws = officeSheet(wb, '部门考核', `部门工作落实情况考核表（${period.label}）`, `统计区间：${period.from} 至 ${period.to}  导出日期：${chineseDate()}`, columns);
      for (const r of rows) {
        addRow(ws, columns, [
          r.rank ?? '—',
          r.departmentName,
          r.measuresLed,
          r.acknowledged,
          r.acknowledgedOnTime,
          r.acknowledgeOverdue,
          percent(r.acknowledgeOnTimeRate),
          r.reports,
          r.reportsOnTime,
          r.reportsOverdue,
          percent(r.reportOnTimeRate),
          r.overdue,
          r.escalations,
          r.closed,
          percent(r.closureRate),
          r.score === null ? '—' : r.score.toFixed(1),
        ]);
      }
      const note = ws.addRow(['说明：签收及时率＝按时签收÷（签收数＋逾期未签收）；反馈及时率＝按时反馈÷（反馈次数＋逾期未反馈）；销号率＝已销号÷（已销号＋已到完成时限仍未销号）；综合得分为三项比率的平均值×100。']);
      ws.mergeCells(note.number, 1, note.number, columns.length);
      note.getCell(1).alignment = { wrapText: true, vertical: 'top' };
      note.getCell(1).font = { name: '宋体', size: 9, italic: true };
      note.height = 30;
      await audit(db, { actor: p, action: 'scorecards_exported', detail: { period } });
      return sendWorkbook(reply, wb, `部门考核-${period.label}.xlsx`, `scorecards-${period.from}-${period.to}.xlsx`);
    },
  );
};

function describeFilters(f: z.infer<typeof listFilters>, items: ListItem[]): string {
  const parts: string[] = [];
  if (f.departmentId) parts.push(`牵头单位=${items[0]?.leadDepartmentName ?? f.departmentId}`);
  if (f.areaId) parts.push(`方面=${items[0]?.areaTitle ?? f.areaId}`);
  if (f.rag) parts.push(`${RAG_NAMES[f.rag]}灯`);
  if (f.level !== undefined) parts.push(`督办级别=${f.level}`);
  if (f.overdue !== undefined) parts.push(f.overdue ? '逾期' : '未逾期');
  if (f.q) parts.push(`关键词“${f.q}”`);
  return parts.join('，');
}

export default routes;
