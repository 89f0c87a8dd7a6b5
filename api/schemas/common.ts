// Schemas shared by every resource, typed once: they validate requests, type the handlers and
// describe the API in OpenAPI alike.
import { z } from 'zod';

export const fieldError = z
  .object({
    field: z.string().optional().describe('出错的字段，以点连接路径，如 evidence.0.url / the field at fault'),
    message: z.string().describe('中文说明，含字段名 / message naming the field'),
    row: z.number().int().optional().describe('导入：工作表的行号（JSON 导入为第几项）/ an import\'s row'),
    column: z.string().optional().describe('导入：列名，如 牵头单位 / an import\'s column'),
  })
  .meta({ id: 'FieldError' });

export const errorBody = z
  .object({
    code: z.string().describe('稳定的英文错误码 / stable English code'),
    message: z.string().describe('中文说明（第一个问题）/ message for people: the first problem'),
    field: z.string().optional().describe('出错的字段（第一个问题）/ the field at fault'),
    errors: z.array(fieldError).optional().describe('全部问题：请求的每个字段、导入的每个单元格 / every problem'),
    existingPolicy: z
      .object({ id: z.string(), code: z.string(), title: z.string(), createdAt: z.string() })
      .optional()
      .describe('重复导入（409 REPEAT_IMPORT）时，内容相同的已导入文件 / the earlier import of the same content'),
  })
  .meta({ id: 'Error' });

/** The error answers a route may give, for OpenAPI. */
export const errors = (...codes: Array<400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429>) =>
  Object.fromEntries(codes.map((c) => [c, errorBody])) as Record<number, typeof errorBody>;

/** A workbook answer (.xlsx): only its 200; errors stay JSON like everywhere else. */
export const workbook = (description: string) => ({
  description,
  content: { 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': { schema: z.string().meta({ format: 'binary' }) } },
});

export const uuid = z.uuid({ error: '应为 UUID / must be a UUID' });
export const idParams = z.strictObject({ id: uuid });

/** A calendar date as YYYY-MM-DD that exists (no 2月30日), years 2000–2099. */
export const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD / must be YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    const y = Number(s.slice(0, 4));
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s && y >= 2000 && y <= 2099;
  }, '日期不存在或超出范围（2000–2099年）/ not a real date in 2000–2099');

// ---- what a text may hold ----
// PostgreSQL cannot store U+0000 (in text or jsonb) nor an unpaired surrogate (jsonb refuses it, text
// silently turns it into U+FFFD), and no person types the other C0/C1 control characters: they only
// corrupt logs, exports and robot messages. So every text refuses them all, except that a multi-line
// text (措施内容, reasons, reports, notes, import cells) keeps tab, line feed and carriage return. A
// single-line text (names, titles, ids, codes, addresses, every query string and path parameter)
// refuses those too. The schemas below and the door-keeping hook (plugins/texts.ts) both use this.
const FORBIDDEN = {
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  line: /[\u0000-\u001F\u007F-\u009F\uD800-\uDFFF]/u,
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  multiline: /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uD800-\uDFFF]/u,
} as const;
export type TextKind = keyof typeof FORBIDDEN;
const ALLOWED: Record<TextKind, RegExp> = {
  line: new RegExp(`^[^${FORBIDDEN.line.source.slice(1, -1)}]*$`, 'u'),
  multiline: new RegExp(`^[^${FORBIDDEN.multiline.source.slice(1, -1)}]*$`, 'u'),
};

/** A name as it can be shown in a message: every refused character written as \\uXXXX. */
export function printable(name: string): string {
  return name.replace(new RegExp(FORBIDDEN.line.source, 'gu'), (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Why this text cannot be accepted (naming the character), or undefined when it can. */
export function textProblem(value: string, kind: TextKind): string | undefined {
  const found = FORBIDDEN[kind].exec(value);
  if (!found) return undefined;
  const code = found[0].codePointAt(0)!;
  const name = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const at = `第${found.index + 1}个字符`;
  if (code === 0x09 || code === 0x0a || code === 0x0d) return `不能含换行或制表符（${name}，${at}）/ must be a single line, found ${name}`;
  if (code >= 0xd800) return `含有不成对的代理字符（${name}，${at}）/ contains an unpaired surrogate ${name}`;
  return `含有不允许的控制字符（${name}，${at}）/ contains the control character ${name}`;
}

/** `.regex(...allowed(kind))`: only what `kind` allows; the pattern also documents it in OpenAPI. */
const allowed = (kind: TextKind) => [ALLOWED[kind], { error: (issue: { input?: unknown }) => textProblem(String(issue.input), kind) }] as const;
/** For string formats (URLs) that need the single-line rule too: `.regex(...singleLine)`. */
export const singleLine = allowed('line');
const atMost = (max: number) => `不能超过${max}字 / at most ${max} characters`;

/** A single-line text, possibly empty: trimmed, at most `max` characters. */
export const line = (max: number) => z.string().trim().regex(...allowed('line')).max(max, atMost(max));
/** A required single-line text: names, titles. */
export const text = (max: number) => line(max).min(1, '不能为空 / required');
/** A multi-line text, possibly empty, kept as written. */
export const multiline = (max: number) => z.string().regex(...allowed('multiline')).max(max, atMost(max));
/** A required multi-line text: reasons, reports, summaries; trimmed. */
export const longText = (max: number) => z.string().trim().regex(...allowed('multiline')).min(1, '不能为空 / required').max(max, atMost(max));
/** A reference to a row by its id (departments have readable ids such as `health`). */
export const ref = line(64).min(1, '不能为空 / required');

export const pageQuery = {
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(20),
};

/** "true"/"false"/"1"/"0" in a query string. */
export const queryBool = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

export const departmentRef = z.object({ id: z.string(), name: z.string(), shortName: z.string().nullable() });

export const role = z.enum(['admin', 'coordination_office', 'department', 'leader']);
export type Role = z.infer<typeof role>;

export const okBody = z.object({ ok: z.literal(true) });

/** Chinese names of fields, for messages that name the field. */
export const FIELD_LABELS: Record<string, string> = {
  username: '用户名',
  password: '密码',
  currentPassword: '原密码',
  newPassword: '新密码',
  displayName: '姓名',
  role: '角色',
  departmentId: '部门',
  departmentIds: '部门',
  leaderDepartmentIds: '分管部门',
  leaderAreaIds: '分管方面',
  email: '电子邮箱',
  active: '启用状态',
  id: '编号',
  name: '名称',
  shortName: '简称',
  kind: '类型',
  parentId: '上级部门',
  code: '文件编号',
  title: '标题',
  issuer: '印发单位',
  issuedOn: '印发日期',
  areas: '方面',
  area: '方面',
  areaId: '方面',
  seq: '序号',
  content: '措施内容',
  target: '工作目标/预期成果',
  deadline: '完成时限',
  leadDepartment: '牵头单位',
  leadDepartmentId: '牵头单位',
  cooperatingDepartments: '配合单位',
  cooperatingDepartmentIds: '配合单位',
  settingsOverride: '督办规则',
  rules: '督办规则',
  measures: '措施',
  policy: '政策文件',
  policyId: '政策文件',
  text: '进展情况',
  percent: '完成进度',
  indicatorValue: '指标值',
  evidence: '佐证材料',
  summary: '完成情况说明',
  decision: '审核结论',
  reason: '理由',
  newDeadline: '新的完成时限',
  approve: '审批结论',
  flagged: '挂牌督办',
  list: '清单',
  rag: '红黄绿灯',
  level: '督办级别',
  overdue: '逾期',
  q: '搜索词',
  sort: '排序',
  order: '排序方向',
  page: '页码',
  pageSize: '每页条数',
  from: '起始日期',
  to: '截止日期',
  period: '统计周期',
  measureIds: '措施',
  secret: '加签密钥',
  dryRun: '试导入',
  notice: '通知原文',
  holidays: '放假安排',
  makeupDays: '调休上班日',
  totalDays: '共计天数',
  year: '年份',
  confirmRepeat: '确认重复导入',
  createDepartments: '新建部门',
  createUnknownDepartments: '新建未知部门',
  personId: '人员',
  audience: '摘要对象',
  unread: '未读',
  note: '说明',
  url: '链接',
  fileId: '佐证材料文件',
  enabled: '启用',
  unit: '单位',
  amount: '数量',
  after: '间隔',
  every: '调度间隔',
  day: '日期',
  acknowledgeDue: '签收时限',
  acknowledgeLadder: '签收督办阶梯',
  cadence: '调度周期',
  reportDue: '反馈时限',
  reportLadder: '反馈督办阶梯',
  dueSoon: '临期提醒',
  behindPlanPoints: '进度滞后阈值',
  deadlineLadder: '逾期督办阶梯',
  reviewDue: '销号审核时限',
  reviewLadder: '审核督办阶梯',
  effectiveFrom: '起施行日期',
  weights: '权重',
  deductions: '督办扣分',
  acknowledge: '签收及时率',
  report: '反馈及时率',
  closure: '按期销号率',
  remind: '提醒',
  urge: '催办',
  supervise: '督办',
};

export function fieldLabel(path: ReadonlyArray<PropertyKey>): string {
  const named = [...path].reverse().find((p) => typeof p === 'string') as string | undefined;
  const label = named ? FIELD_LABELS[named] : undefined;
  const where = path.map(String).join('.');
  if (!where) return '请求';
  return label ? `${label}（${where}）` : where;
}
