// Values for the fuzz test, made from the OpenAPI document's schemas: mostly valid (so requests get
// past validation and reach the handler, the database and the workflow), with hostile ones mixed
// in at any depth — control characters, NUL, huge and fractional numbers, very long strings, wrong
// types, unknown fields — and real ids of existing rows (of the right kind, or of another).
import fc from 'fast-check';
import { resolve, type Schema } from './contract.js';

/** Rows that exist when a request is sent; the fuzz adds what it creates, so refs are resolved late. */
export type PoolKind = 'measure' | 'openMeasure' | 'policy' | 'area' | 'person' | 'department' | 'channel' | 'outbox' | 'inbox';
export const POOL_KINDS: PoolKind[] = ['measure', 'openMeasure', 'policy', 'area', 'person', 'department', 'channel', 'outbox', 'inbox'];
export interface PoolRef {
  $pool: PoolKind;
  i: number;
}
export const isPoolRef = (v: unknown): v is PoolRef => typeof v === 'object' && v !== null && '$pool' in v;

type Doc = Parameters<typeof resolve>[0];

/** The kind of row a field names, from its name (and for `id` in a path, from the resource). */
export function poolKindOf(name: string, resource?: string): PoolKind | undefined {
  if (name === 'id' && resource) {
    const byResource: Record<string, PoolKind> = {
      measures: 'measure',
      policies: 'policy',
      people: 'person',
      departments: 'department',
      channels: 'channel',
      outbox: 'outbox',
      inbox: 'inbox',
    };
    return byResource[resource];
  }
  if (/^(personId|recipientPersonId)$/.test(name)) return 'person';
  if (name === 'policyId') return 'policy';
  if (/^(areaId|leaderAreaIds)$/.test(name)) return 'area';
  if (/^(departmentId|leadDepartmentId|cooperatingDepartmentIds|leaderDepartmentIds|parentId|departmentIds)$/.test(name)) return 'department';
  if (name === 'measureIds') return 'measure';
  return undefined;
}

const CONTROL = ['\u0000', 'a\u0000b', '\u0001', '\u0007', '\b', '\t', '\n', '\u000b', '\f', '\r', '\u001b', '\u001f', '\u007f', '\u0085', '\u2028', '\u202e', '\ud800', '\udfff', '\ufeff', '\uffff'];
const HOSTILE_STRINGS = [
  ...CONTROL,
  '措施\u0000内容',
  '',
  ' ',
  '\u3000',
  'x'.repeat(10_001),
  '测'.repeat(20_000),
  'y'.repeat(70_000),
  '𠮷'.repeat(300),
  '../../etc/passwd',
  '%00',
  '%',
  '<script>alert(1)</script>',
  "' or 1=1 --",
  '${jndi:ldap://127.0.0.1/x}',
  '2025-02-30',
  '0000-00-00',
  '00000000-0000-0000-0000-000000000000',
  'NaN',
  'null',
  'true',
  '-1',
  '1e309',
];
const HOSTILE_NUMBERS = [0, -1, -0, 0.5, 1.5, -0.25, 1e-7, 2 ** 31, 2 ** 53 + 2, 1e21, 1e308, -1e308, 99_999_999_999];
const WRONG_TYPES: unknown[] = [true, false, null, {}, [], [[]], { a: { b: { c: {} } } }, [1, '2', null], 0, '0'];

/** A value nobody should accept here, or one that is valid only for another field. */
export function hostileValue(): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 5, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
    { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
    { weight: 3, arbitrary: fc.constantFrom(...WRONG_TYPES) },
    { weight: 3, arbitrary: poolRef(fc.constantFrom(...POOL_KINDS)) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  );
}

const poolRef = (kind: fc.Arbitrary<PoolKind>): fc.Arbitrary<PoolRef> => fc.record({ $pool: kind, i: fc.nat(1000) });

/** Field values an office would really type, by field name: they get past the domain's own checks. */
const SAMPLES: Record<string, string[]> = {
  deadline: ['2030年底前', '长期坚持', '2031年第三季度', '每年12月底前', '2030年6月30日', '2029年3月', '2020年底前', '明年', '2030年13月'],
  newDeadline: ['2031-06-30', '2030-12-31', '2026-02-29', '2024-02-29'],
  issuedOn: ['2025-03-01', '2026-01-15'],
  from: ['2026-01-01', '2026-11-01'],
  to: ['2026-12-31', '2026-11-30', '2025-01-01'],
  period: ['2026', '2026-06', '2026-Q3', '2026-H1', '2026-13', '2026-Q5', '1999'],
  title: ['健全实验平台体系', '推进紧密型县域医共体建设', '完善分级诊疗制度'],
  content: ['推进重大科技基础设施等创新平台加快科研攻关。', '建立健全以公益性为导向的考核机制。'],
  // A measure's 工作目标, or a notification channel's address.
  target: ['建成省级临床医学研究中心3个', '覆盖全部县区', 'ops@example.gov.cn', 'http://127.0.0.1:9/cgi-bin/webhook/send?key=abcdefgh'],
  text: ['本月完成项目立项和资金拨付。', '已召开专题会议，按计划推进。'],
  summary: ['各项目标任务已全部完成，佐证材料齐全。'],
  reason: ['涉及多个部门，需进一步协调。', '客观原因导致进度滞后。', '任务已调整。'],
  name: ['省卫生健康委', '立项批复.pdf', '市政务服务中心'],
  shortName: ['卫健委', '政务中心'],
  displayName: ['张三', '李四'],
  issuer: ['省人民政府办公厅'],
  note: ['见附件'],
  code: ['P-2026-1', '川办发〔2025〕12号', 'P/1', 'IMP-1'],
  username: ['zhangsan', 'office', 'health', 'admin', 'x'],
  password: ['Passw0rd-for-tests', 'short', 'Newpassw0rd-2026'],
  currentPassword: ['Passw0rd-for-tests', 'wrong-Passw0rd'],
  newPassword: ['Newpassw0rd-2026', 'password', 'Passw0rd-for-tests'],
  email: ['zhangsan@example.gov.cn', 'not-an-email'],
  url: ['https://example.gov.cn/evidence/1.pdf', 'javascript:alert(1)', 'ftp://example.gov.cn/x'],
  secret: ['SEC0123456789abcdef'],
  q: ['医', '平台', '2030', '卫健'],
  area: ['优化创新平台建设', '深化改革'],
  leadDepartment: ['市卫生健康委员会', '市财政局', '市医保局', '不存在的单位'],
  cooperatingDepartments: ['市财政局、市人社局', '市财政局,市医保局'],
  seq: ['1', '2', '一'],
};

const chinese = fc.constantFrom('测试', '推进', '完成', '医疗', '清单', '督办', '销号', '平台');

function stringValue(schema: Schema, name: string): fc.Arbitrary<unknown> {
  const min = (schema.minLength as number | undefined) ?? 0;
  const max = Math.max(min, Math.min((schema.maxLength as number | undefined) ?? 40, 40));
  const options: Array<fc.WeightedArbitrary<unknown>> = [];
  const samples = SAMPLES[name];
  if (samples) options.push({ weight: 6, arbitrary: fc.constantFrom(...samples) });
  const kind = poolKindOf(name);
  if (kind) options.push({ weight: 8, arbitrary: poolRef(fc.constant(kind)) });
  if (schema.format === 'uuid') options.push({ weight: 4, arbitrary: poolRef(fc.constantFrom(...POOL_KINDS)) }, { weight: 1, arbitrary: fc.uuid({ version: 4 }) });
  else if (schema.format === 'email') options.push({ weight: 3, arbitrary: fc.emailAddress() });
  else if (schema.format === 'uri') options.push({ weight: 3, arbitrary: fc.webUrl() });
  else if (typeof schema.pattern === 'string') options.push({ weight: 3, arbitrary: fc.stringMatching(new RegExp(schema.pattern)).map((s) => s.slice(0, max)) });
  options.push(
    { weight: 2, arbitrary: fc.string({ minLength: min, maxLength: max }) },
    { weight: 2, arbitrary: fc.array(chinese, { minLength: Math.max(1, Math.ceil(min / 2)), maxLength: Math.max(1, Math.floor(max / 2)) }).map((w) => w.join('')) },
  );
  return fc.oneof(...options);
}

function numberValue(schema: Schema): fc.Arbitrary<number> {
  const exclusiveMin = schema.exclusiveMinimum;
  const exclusiveMax = schema.exclusiveMaximum;
  let min = typeof schema.minimum === 'number' ? schema.minimum : typeof exclusiveMin === 'number' ? exclusiveMin : -1_000_000;
  let max = typeof schema.maximum === 'number' ? schema.maximum : typeof exclusiveMax === 'number' ? exclusiveMax : 1_000_000;
  if (schema.type === 'integer') {
    if (exclusiveMin === true || typeof exclusiveMin === 'number') min += 1;
    if (exclusiveMax === true || typeof exclusiveMax === 'number') max -= 1;
    min = Math.max(min, Number.MIN_SAFE_INTEGER);
    max = Math.min(max, Number.MAX_SAFE_INTEGER);
    return fc.oneof(fc.integer({ min, max }), fc.constantFrom(min, max));
  }
  return fc.oneof(fc.double({ min, max, noNaN: true, noDefaultInfinity: true }), fc.constantFrom(min, max));
}

export interface ValueOptions {
  /** How often (1 in n) a value is swapped for a hostile one at each depth. */
  hostileOneIn: number;
}

/** Values for a schema: valid ones, with hostile ones at any depth. */
export function valueOf(doc: Doc, schema: Schema, name: string, opts: ValueOptions, depth = 0): fc.Arbitrary<unknown> {
  const valid = validValueOf(doc, schema, name, opts, depth);
  return fc.oneof({ weight: opts.hostileOneIn - 1, arbitrary: valid }, { weight: 1, arbitrary: hostileValue() });
}

function validValueOf(doc: Doc, raw: Schema, name: string, opts: ValueOptions, depth: number): fc.Arbitrary<unknown> {
  const schema = resolve(doc, raw);
  const withNull = (a: fc.Arbitrary<unknown>) => (schema.nullable ? fc.oneof({ weight: 5, arbitrary: a }, { weight: 1, arbitrary: fc.constant(null) }) : a);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  const alternatives = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alternatives) return withNull(fc.oneof(...alternatives.map((s) => validValueOf(doc, s, name, opts, depth))));
  if (Array.isArray(schema.allOf)) return withNull(validValueOf(doc, Object.assign({}, ...(schema.allOf as Schema[]).map((s) => resolve(doc, s))), name, opts, depth));
  switch (schema.type) {
    case 'string':
      return withNull(stringValue(schema, name));
    case 'integer':
    case 'number':
      return withNull(numberValue(schema));
    case 'boolean':
      return withNull(fc.boolean());
    case 'array': {
      const items = (schema.items ?? {}) as Schema;
      const minLength = Math.min((schema.minItems as number | undefined) ?? 0, 3);
      const maxLength = Math.max(minLength, Math.min((schema.maxItems as number | undefined) ?? 4, 4));
      return withNull(fc.array(valueOf(doc, items, name, opts, depth + 1), { minLength, maxLength }));
    }
    case 'object':
      return withNull(objectValue(doc, schema, opts, depth));
    default:
      // Anything goes (an untyped schema): JSON of any shape.
      return fc.jsonValue({ maxDepth: 2 });
  }
}

const ABSENT = Symbol('absent');

function objectValue(doc: Doc, schema: Schema, opts: ValueOptions, depth: number): fc.Arbitrary<Record<string, unknown>> {
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  // Optional fields are left out more often than not: each one sent is one more chance to be refused.
  const fields = Object.fromEntries(
    Object.entries(properties).map(([k, s]) => {
      const value = depth > 4 ? fc.constant(undefined) : valueOf(doc, s, k, opts, depth + 1);
      return [k, required.has(k) ? value : fc.oneof({ weight: 2, arbitrary: fc.constant(ABSENT) }, { weight: 1, arbitrary: value })];
    }),
  );
  const record = fc.record(fields).map((r) => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== ABSENT)));
  const unknown = fc.dictionary(fc.constantFrom('unknownField', 'extra', 'isAdmin', 'role', 'status', 'id', 'workflowId', '__proto__', 'constructor'), hostileValue(), { maxKeys: 2 });
  return fc.tuple(record, fc.oneof({ weight: 9, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: unknown })).map(([r, extra]) => ({ ...r, ...extra }));
}
