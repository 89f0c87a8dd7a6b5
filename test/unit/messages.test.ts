// Validation messages as people read them: in Chinese throughout, naming the field, one per problem.
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { closest, knownKeys, problemsOf, zhError } from '../../api/schemas/messages.js';
import { actionBodies } from '../../api/schemas/measures.js';

const problems = (schema: z.ZodType, data: unknown) => {
  const r = schema.safeParse(data, { error: zhError });
  return r.success ? [] : r.error.issues.flatMap((i) => problemsOf(i, schema));
};

describe('validation messages', () => {
  it('ask for a missing field by name, say what a wrong type should be, and list every problem', () => {
    expect(problems(actionBodies.submitProgress, { percent: '50', indicatorValue: true })).toEqual([
      { field: 'text', message: '请填写进展情况（text）' },
      { field: 'percent', message: '完成进度（percent）：应为数字（实际为文字）' },
      { field: 'indicatorValue', message: '指标值（indicatorValue）：应为数字（实际为布尔值）' },
    ]);
    expect(problems(actionBodies.submitProgress, { text: '推进中', percent: 50.5 })).toEqual([{ field: 'percent', message: '完成进度（percent）：应为整数（实际为50.5）' }]);
    expect(problems(actionBodies.submitProgress, { text: '推进中', percent: 150 })).toEqual([{ field: 'percent', message: '完成进度（percent）：不能大于100' }]);
    // A query's number that is no number ("abc" coerced to NaN).
    expect(problems(z.strictObject({ level: z.coerce.number().int() }), { level: 'abc' })).toEqual([{ field: 'level', message: '督办级别（level）：应为数字' }]);
    expect(problems(actionBodies.reviewClosure, { decision: 'maybe' })).toEqual([{ field: 'decision', message: '审核结论（decision）：应为以下之一：approve、return' }]);
    expect(problems(actionBodies.applyClosure, { summary: '完成', evidence: [] })[0]!.message).toContain('申请销号须附佐证材料');
  });

  it('name an unknown field, and the one it may have meant', () => {
    expect(problems(actionBodies.submitProgress, { text: '推进中', percnt: 50 })).toEqual([{ field: 'percnt', message: '不允许的字段「percnt」：此处没有这个字段，是否应为「percent」？ / unknown field' }]);
    expect(problems(actionBodies.submitProgress, { text: 'x', evidence: [{ name: 'a.pdf', ulr: 'https://a' }], zzz: 1 }).map((p) => p.field).sort()).toEqual(['evidence.0.ulr', 'zzz']);
    expect(knownKeys(actionBodies.submitProgress, ['evidence', 0])).toEqual(['name', 'url', 'note', 'fileId']);
    expect(closest('percnt', ['text', 'percent'])).toBe('percent');
    expect(closest('abcdef', ['text', 'percent'])).toBeUndefined();
  });

  it('leave no English of zod behind', () => {
    const schema = z.strictObject({ a: z.string(), b: z.number().int().min(1), c: z.array(z.string()).max(1), d: z.enum(['x', 'y']), e: z.email(), f: z.uuid(), g: z.union([z.string(), z.number()]), h: z.boolean() });
    const all = problems(schema, { b: 0.5, c: ['1', '2'], d: 'z', e: 'not-mail', f: 'nope', g: true, h: 'yes', extra: 1 });
    expect(all.length).toBeGreaterThanOrEqual(9);
    for (const p of all) {
      expect(p.message).toMatch(/[\u4e00-\u9fff]/);
      expect(p.message).not.toMatch(/expected|received|invalid|Invalid|string|number|undefined/);
    }
  });
});
