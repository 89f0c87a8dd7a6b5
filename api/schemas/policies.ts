import { z } from 'zod';
import { rulesOverrideSchema } from '../../workflows/rules/escalation-schema.js';
import { isoDate, line, text } from './common.js';

export const policyCode = line(100)
  .min(1, '不能为空 / required')
  .regex(/^[^\s/\\?#]+$/, '文件编号不能含空白或 / \\ ? # / no spaces or / \\ ? #');

export const policyMeta = z.strictObject({
  code: policyCode,
  title: text(300),
  issuer: line(300).optional(),
  issuedOn: isoDate.optional(),
});

export const createPolicyBody = policyMeta.extend({ areas: z.array(text(200)).max(100).default([]) });

export const policy = z
  .object({
    id: z.string(),
    code: z.string(),
    title: z.string(),
    issuer: z.string().nullable(),
    issuedOn: z.string().nullable(),
    escalationPolicyVersion: z.number(),
    createdAt: z.string(),
    areas: z.array(z.object({ id: z.string(), seq: z.number(), title: z.string(), measures: z.number() })),
    measureCounts: z.record(z.string(), z.number()),
  })
  .meta({ id: 'Policy' });

export const escalationVersion = z.object({ version: z.number(), rules: z.unknown(), createdAt: z.string() }).meta({ id: 'EscalationPolicyVersion' });
export const newEscalationVersionBody = z.strictObject({
  rules: rulesOverrideSchema.describe('在当前版本基础上修改的设置；未给出的沿用当前版本'),
});

export const dispatchAllResult = z.object({
  dispatched: z.array(z.string()).describe('本次交办的措施（按序号）'),
  alreadyDispatched: z.array(z.string()).describe('此前的交办已启动、本次未再交办的措施'),
  failed: z.array(z.object({ id: z.string(), seq: z.number(), code: z.string(), message: z.string() })),
});
