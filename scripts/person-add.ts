// `npm run person:add -- --username zhangsan --role department --department 省卫生健康委`
// Adds a person to the database the server uses (DATABASE_URL, or the embedded PostgreSQL that
// `npm start` runs). Without --password one is generated and printed once.
import os from 'node:os';
import { parseArgs } from 'node:util';
import { eq, or } from 'drizzle-orm';
import { generatePassword } from '../api/auth/passwords.js';
import { ApiError } from '../api/errors.js';
import { createPerson } from '../api/routes/people/service.js';
import { connectDatabase, redact } from '../db/client.js';
import { audit } from '../db/queries/audit.js';
import { departments } from '../db/schema/index.js';
import { loadConfig } from '../runtime/config.js';

const ROLES = ['admin', 'coordination_office', 'department', 'leader'] as const;
const USAGE = `用法 / usage:
  npm run person:add -- --username <用户名> --role <${ROLES.join('|')}> [--department <部门编号、全称或简称>]
                        [--name <姓名>] [--password <密码>] [--email <邮箱>] [--oversees <部门,部门…>]
  --department  部门用户必填；统筹协调部门人员可填
  --oversees    分管领导分管的部门（逗号分隔）
  --password    省略时自动生成并打印一次（命令行中的密码会留在 shell 历史里）`;

function fail(message: string): never {
  console.error(`[person:add] ${message}`);
  process.exit(1);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        username: { type: 'string' },
        role: { type: 'string' },
        department: { type: 'string' },
        name: { type: 'string' },
        password: { type: 'string' },
        email: { type: 'string' },
        oversees: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }).values;
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`);
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  if (!args.username || !args.role) fail(`缺少 --username 或 --role\n${USAGE}`);
  if (!ROLES.includes(args.role as (typeof ROLES)[number])) fail(`--role 应为 ${ROLES.join('、')} 之一`);
  const role = args.role as (typeof ROLES)[number];

  const config = loadConfig();
  const url = config.DATABASE_URL ?? `postgres://three_lists:three_lists@127.0.0.1:${config.EMBEDDED_PG_PORT}/three_lists`;
  const database = connectDatabase(url, { max: 1 });
  try {
    try {
      await database.sql`select 1`;
    } catch (err) {
      fail(`无法连接数据库 ${redact(url)}：请先运行 npm start，或设置 DATABASE_URL / cannot reach the database (${(err as Error).message})`);
    }
    const db = database.db;
    const findDepartment = async (ref: string) => {
      const [d] = await db
        .select({ id: departments.id })
        .from(departments)
        .where(or(eq(departments.id, ref), eq(departments.name, ref), eq(departments.shortName, ref)));
      if (!d) fail(`部门「${ref}」不存在（可用编号、全称或简称）`);
      return d.id;
    };
    const departmentId = args.department ? await findDepartment(args.department) : undefined;
    const oversees = args.oversees
      ? await Promise.all(
          args.oversees
            .split(/[,，、]/)
            .map((s) => s.trim())
            .filter(Boolean)
            .map(findDepartment),
        )
      : undefined;
    const password = args.password ?? generatePassword();
    const person = await createPerson(db, {
      username: args.username,
      displayName: args.name ?? args.username,
      role,
      departmentId,
      password,
      email: args.email,
      leaderDepartmentIds: oversees,
    });
    await audit(db, { actor: { id: `cli:${os.userInfo().username}`, role: 'admin' }, action: 'person_created', detail: { personId: person.id, username: person.username, role, departmentId, via: 'person:add' } });
    console.log(`[person:add] 已添加 / added: ${person.username}（${person.displayName}，${role}${person.departmentName ? `，${person.departmentName}` : ''}）`);
    if (!args.password) console.log(`[person:add] 初始密码 / initial password: ${password}`);
  } catch (err) {
    if (err instanceof ApiError) fail(err.message);
    throw err;
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => fail(err instanceof Error ? err.message : String(err)));
