import { z } from 'zod';
import { ref, text } from './common.js';

export const department = z
  .object({
    id: z.string(),
    name: z.string(),
    shortName: z.string().nullable(),
    kind: z.enum(['coordination_office', 'line_department']),
    parentId: z.string().nullable(),
  })
  .meta({ id: 'Department' });

export const createDepartmentBody = z.strictObject({
  id: z
    .string()
    .trim()
    .regex(/^[a-z0-9][a-z0-9_-]{1,63}$/, '编号为2–64位小写字母、数字、_ 或 - / 2–64 lowercase letters, digits, _ or -'),
  name: text(100),
  shortName: text(50).optional(),
  kind: z.enum(['coordination_office', 'line_department']).default('line_department'),
  parentId: ref.optional(),
});

export const updateDepartmentBody = z
  .strictObject({ name: text(100), shortName: text(50).nullable(), kind: z.enum(['coordination_office', 'line_department']), parentId: ref.nullable() })
  .partial()
  .refine((b) => Object.keys(b).length > 0, '请至少修改一项 / nothing to change');
export const departmentParams = z.strictObject({ id: ref });
