import { z } from 'zod';
import { line, ref, role, text } from './common.js';

export const person = z
  .object({
    id: z.string(),
    username: z.string(),
    displayName: z.string(),
    role,
    departmentId: z.string().nullable(),
    departmentName: z.string().nullable(),
    email: z.string().nullable(),
    active: z.boolean(),
    leaderDepartmentIds: z.array(z.string()),
    leaderAreaIds: z.array(z.string()),
    createdAt: z.string(),
  })
  .meta({ id: 'Person' });
export type PersonView = z.infer<typeof person>;

const username = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.\-@]{2,64}$/, '用户名为2–64位字母、数字或 _.-@ / 2–64 letters, digits or _.-@');

export const createPersonBody = z.strictObject({
  username,
  displayName: text(50),
  role,
  departmentId: ref.optional().describe('所属部门：编号、全称或简称'),
  password: z.string().min(1).max(200),
  email: z.email('电子邮箱格式不正确 / not an email address').optional(),
  leaderDepartmentIds: z.array(ref).max(500).optional().describe('分管部门：编号、全称或简称'),
  leaderAreaIds: z.array(z.uuid()).max(500).optional(),
});

export const updatePersonBody = z
  .strictObject({
    displayName: text(50),
    role,
    departmentId: ref.nullable(),
    password: z.string().min(1).max(200),
    email: z.email('电子邮箱格式不正确 / not an email address').nullable(),
    active: z.boolean(),
    leaderDepartmentIds: z.array(ref).max(500),
    leaderAreaIds: z.array(z.uuid()).max(500),
  })
  .partial()
  .refine((b) => Object.keys(b).length > 0, '请至少修改一项 / nothing to change');

export const loginBody = z.strictObject({ username: line(64).min(1), password: z.string().min(1).max(200) });
export const loginResponse = z.object({ token: z.string(), expiresAt: z.string(), person });
export const passwordBody = z.strictObject({ currentPassword: z.string().min(1).max(200), newPassword: z.string().min(1).max(200) });
