// Validation messages in Chinese that read as a person would write them. zod's zhCN locale leaves
// type names and operators in English ("期望 string，实际接收 undefined"); this map says "请填写进展情况
// （text）" and "完成进度（percent）：应为整数". Messages a schema gives itself ("不能为空 / required")
// win over this map, as zod gives schema-level messages precedence.
import { z } from 'zod';
import { fieldLabel } from './common.js';

const TYPES: Record<string, string> = {
  string: '文字',
  number: '数字',
  int: '整数',
  bigint: '整数',
  boolean: '布尔值（true 或 false）',
  array: '列表（数组）',
  object: '对象',
  null: '空值（null）',
  undefined: '空',
  date: '日期',
  nan: '数字',
};

const typeName = (t: string) => TYPES[t] ?? t;

/** What a value is, in words: for "应为数字（实际为文字）". */
function kindOf(input: unknown): string {
  if (input === null) return '空值（null）';
  if (Array.isArray(input)) return '列表（数组）';
  if (typeof input === 'number' && !Number.isFinite(input)) return '无穷大';
  if (typeof input === 'boolean') return '布尔值';
  return typeName(typeof input);
}

const SIZED: Record<string, { small: (n: number) => string; big: (n: number) => string }> = {
  string: { small: (n) => (n <= 1 ? '不能为空' : `至少${n}个字`), big: (n) => `不能超过${n}字` },
  array: { small: (n) => `至少${n}项`, big: (n) => `最多${n}项` },
  set: { small: (n) => `至少${n}项`, big: (n) => `最多${n}项` },
};

const FORMATS: Record<string, string> = {
  uuid: '应为 UUID',
  email: '电子邮箱格式不正确',
  url: '应为网址',
  date: '日期格式应为 YYYY-MM-DD',
  datetime: '时间格式应为 ISO 8601',
};

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** The short message for one issue, without the field's name (see problemOf). */
export const zhError: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return '请填写';
      // 50.5 for a whole number: the value says more than its type. A query's "abc" coerced is NaN.
      if (issue.expected === 'int' && typeof issue.input === 'number' && Number.isFinite(issue.input)) return `应为整数（实际为${issue.input}）`;
      if (typeof issue.input === 'number' && Number.isNaN(issue.input)) return `应为${typeName(issue.expected)}`;
      return `应为${typeName(issue.expected)}（实际为${kindOf(issue.input)}）`;
    case 'too_small': {
      const n = Number(issue.minimum);
      const sized = SIZED[issue.origin];
      if (sized) return sized.small(n);
      return issue.inclusive ? `不能小于${n}` : `应大于${n}`;
    }
    case 'too_big': {
      const n = Number(issue.maximum);
      const sized = SIZED[issue.origin];
      if (sized) return sized.big(n);
      return issue.inclusive ? `不能大于${n}` : `应小于${n}`;
    }
    case 'invalid_format':
      return FORMATS[issue.format] ?? '格式不正确';
    case 'invalid_value':
      return issue.values.length === 1 ? `应为 ${show(issue.values[0])}` : `应为以下之一：${issue.values.map(show).join('、')}`;
    case 'not_multiple_of':
      return `应为${issue.divisor}的整数倍`;
    case 'unrecognized_keys':
      return `不允许的字段：${issue.keys.join('、')}`;
    case 'invalid_union':
      return unionMessage(issue);
    case 'invalid_key':
      return '含有无效的键';
    case 'invalid_element':
      return '含有无效的值';
    default:
      return '无效';
  }
};

/** "应为文字或数字" when every branch wanted another type; otherwise the first branch's message. */
function unionMessage(issue: z.core.$ZodRawIssue<z.core.$ZodIssueInvalidUnion>): string {
  const branches = (issue.errors ?? []) as z.core.$ZodIssue[][];
  const types = branches.map((b) => (b.length === 1 && b[0]!.code === 'invalid_type' && b[0]!.path.length === 0 ? b[0]!.expected : undefined));
  if (branches.length && types.every(Boolean)) {
    if (issue.input === undefined) return '请填写';
    return `应为${[...new Set(types.map((t) => typeName(t!)))].join('或')}（实际为${kindOf(issue.input)}）`;
  }
  return branches[0]?.[0]?.message ?? '无效';
}

export interface Problem {
  /** Where, dotted (`evidence.0.url`), or undefined for the whole request. */
  field: string | undefined;
  message: string;
}

/**
 * The problems one issue stands for, each naming its field: a missing field reads "请填写进展情况
 * （text）", an unknown one "不允许的字段「percnt」…" (one problem per unknown key), the rest
 * "完成进度（percent）：应为整数".
 */
export function problemsOf(issue: z.core.$ZodIssue, schema?: z.ZodType): Problem[] {
  const path = issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p));
  if (issue.code === 'unrecognized_keys') {
    const known = schema ? knownKeys(schema, path) : [];
    return issue.keys.map((key) => {
      const near = closest(key, known);
      const where = [...path, key];
      return {
        field: where.join('.'),
        message: `不允许的字段「${where.join('.')}」：此处没有这个字段${near ? `，是否应为「${near}」？` : ''} / unknown field`,
      };
    });
  }
  const field = path.length ? path.join('.') : undefined;
  if (issue.code === 'invalid_type' && issue.message === '请填写') return [{ field, message: `请填写${fieldLabel(path)}` }];
  if (issue.code === 'invalid_union' && issue.message === '请填写') return [{ field, message: `请填写${fieldLabel(path)}` }];
  return [{ field, message: `${fieldLabel(path)}：${issue.message}` }];
}

/** The fields an object schema at `path` accepts (through optionals, defaults, arrays, pipes). */
export function knownKeys(schema: z.ZodType, path: Array<string | number>): string[] {
  let s: z.ZodType | undefined = schema;
  const unwrap = (t: z.ZodType | undefined): z.ZodType | undefined => {
    for (let i = 0; t && i < 10; i++) {
      const def = (t as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
      if (def.innerType) t = def.innerType as z.ZodType;
      else if (def.type === 'pipe') t = def.in as z.ZodType;
      else break;
    }
    return t;
  };
  for (const key of path) {
    s = unwrap(s);
    if (!s) return [];
    if (s instanceof z.ZodArray && typeof key === 'number') s = s.element as z.ZodType;
    else if (s instanceof z.ZodObject && typeof key === 'string') s = s.shape[key] as z.ZodType | undefined;
    else return [];
  }
  s = unwrap(s);
  return s instanceof z.ZodObject ? Object.keys(s.shape) : [];
}

/** The known name within two edits of what was written (percnt → percent), if one is that close. */
export function closest(word: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = editDistance(word.toLowerCase(), c.toLowerCase());
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length]!;
}
