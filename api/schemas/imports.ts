// The import's requests and answers: the JSON package, the options both routes take, the Excel
// route's query string, and what an import (or its dry run) answers.
import { z } from 'zod';
import { fieldError, isoDate, line, multiline, queryBool } from './common.js';
import { policy, policyCode, policyMeta } from './policies.js';

const cell = z.union([multiline(20_000), z.number()]).optional();
const cells = z.union([multiline(5_000), z.array(line(500)).max(100)]).optional();

export const jsonImportBody = z.strictObject({
  policy: policyMeta,
  measures: z
    .array(
      z.strictObject({
        seq: cell,
        area: cell,
        title: line(200).optional(),
        content: cell.describe('措施内容'),
        leadDepartment: cell.describe('牵头单位：部门全称、简称或编号'),
        cooperatingDepartments: cells.describe('配合单位：数组，或以、，,;或换行分隔的文字'),
        deadline: cell.describe('完成时限，如 2025年6月底前'),
        target: cell.describe('工作目标/预期成果'),
      }),
    )
    .max(2000),
  createDepartments: z.array(line(100).min(1)).max(500).optional().describe('清单中尚不存在、随本次导入新建的部门（名称）'),
});

export const importOptions = {
  dryRun: queryBool.optional().describe('只检查，不写入：逐行给出措施名称与完成时限的读法、尚不存在的部门，以及导入前还须处理的问题'),
  confirmRepeat: queryBool.optional().describe('内容与已导入的清单相同时仍导入（否则 409 REPEAT_IMPORT）'),
  createUnknownDepartments: queryBool.optional().describe('清单中尚不存在的部门全部随本次导入新建（逐个记入审计）'),
};

const namedDepartment = z.object({ name: z.string().describe('清单中的写法'), id: z.string().nullable().describe('部门编号；null：尚不存在，导入时新建') });

export const importResult = z.object({
  policy: policy.nullable().describe('试导入（dryRun）时为 null'),
  dryRun: z.boolean(),
  ready: z.boolean().describe('按本次参数能否导入（试导入时有用）'),
  blockers: z.array(fieldError).describe('导入前还须处理的问题：缺少标题、尚不存在且未要求新建的部门、重复导入'),
  title: z
    .object({ text: z.string(), source: z.enum(['query', 'sheet', 'body']), row: z.number().int().nullable().describe('工作表中标题所在行') })
    .nullable()
    .describe('文件标题及其来源；null：未找到，须以参数 title 给出'),
  areas: z.array(z.string()),
  measures: z.number(),
  warnings: z.array(fieldError).describe('不妨碍导入但须留意：完成时限已过、多个牵头单位、跳过的说明行'),
  unknownDepartments: z
    .array(
      z.object({
        name: z.string(),
        uses: z.array(z.object({ row: z.number().int(), column: z.string() })).describe('使用该部门的每个单元格'),
        similar: z.array(z.string()).describe('名称相近的已有部门'),
        create: z.boolean().describe('本次导入是否新建'),
      }),
    )
    .describe('系统中尚不存在的部门，每个只列一次'),
  createdDepartments: z.array(z.object({ id: z.string(), name: z.string() })).describe('本次导入新建的部门'),
  repeatOf: z.object({ id: z.string(), code: z.string(), title: z.string(), createdAt: z.string() }).nullable().describe('内容相同的已导入文件'),
  preview: z
    .array(
      z.object({
        row: z.number().int().describe('工作表行号（JSON 为第几项）'),
        seq: z.number(),
        area: z.string().nullable(),
        title: z.string().describe('措施名称：给出的 title，或措施内容的第一句'),
        deadline: z.object({
          text: z.string().describe('原文'),
          kind: z.enum(['date', 'yearly', 'ongoing']),
          date: z.string().nullable().describe('完成时限的最后一天（YYYY-MM-DD）；每年一次的为下一次；长期的为 null'),
          description: z.string().describe('读作，如 2026年6月30日、每年12月31日、长期'),
          passed: z.boolean().describe('已经过去'),
        }),
        deadlineText: z.string(),
        leadDepartment: namedDepartment,
        leadDepartmentId: z.string().nullable(),
        cooperatingDepartments: z.array(namedDepartment),
        cooperatingDepartmentIds: z.array(z.string()).describe('已有的配合单位编号（尚不存在的见 cooperatingDepartments）'),
      }),
    )
    .optional()
    .describe('试导入时逐行给出'),
});

export const excelImportQuery = z.strictObject({
  code: policyCode.optional().describe('文件编号；省略时自动生成'),
  title: line(300).min(1).optional().describe('文件标题；省略时取表头上方的《…》标题行'),
  issuer: line(300).optional(),
  issuedOn: isoDate.optional(),
  ...importOptions,
  createDepartments: line(5_000).min(1).optional().describe('随本次导入新建的部门名称，以、，,;分隔'),
});
