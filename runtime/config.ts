// The one place where configuration is read and checked. Every setting, its default and meaning
// is listed in README.md; keep the two in step.
import path from 'node:path';
import { z } from 'zod';
import { passwordProblem } from '../api/auth/password-rules.js';

const port = z.coerce.number().int().min(1).max(65535);

const schema = z.object({
  DATABASE_URL: z.string().url().optional(),
  TEMPORAL_ADDRESS: z.string().regex(/^[^:\s]+:\d+$/, 'host:port').optional(),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TEMPORAL_TASK_QUEUE: z.string().min(1).default('three-lists'),
  TEMPORAL_CLI_PATH: z.string().min(1).optional(),
  TEMPORAL_UI_URL: z.string().url().optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  // 0 asks the system for any free port (tests).
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  DATA_DIR: z.string().min(1).default('.data'),
  EMBEDDED_PG_PORT: port.default(54329),
  EMBEDDED_TEMPORAL_PORT: port.default(7233),
  EMBEDDED_TEMPORAL_UI_PORT: port.default(8233),
  // npm start loads the demo policy into an empty database: on the demo clock (minutes), on the
  // real calendar (DEMO=real), or not at all (DEMO=off).
  DEMO: z.enum(['on', 'real', 'off']).default('on'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // HTTP API: the first administrator (created on first start; without ADMIN_PASSWORD a password
  // is generated and printed once), browser origins allowed by CORS, sessions, login attempts.
  ADMIN_USERNAME: z.string().regex(/^[A-Za-z0-9_.\-@]{2,64}$/, '2–64 letters, digits or _.-@').default('admin'),
  // Checked with the rules every password follows (api/auth/password-rules.ts), below.
  ADMIN_PASSWORD: z.string().optional(),
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((s) => s.split(',').map((o) => o.trim().replace(/\/+$/, '')).filter(Boolean))
    .refine((origins) => origins.every((o) => /^https?:\/\/[^/\s]+$/.test(o)), 'comma-separated origins such as https://dashboard.example.gov.cn'),
  SESSION_TTL_HOURS: z.coerce.number().int().min(1).max(24 * 90).default(12),
  LOGIN_RATE_LIMIT: z.coerce.number().int().min(1).max(10_000).default(10),
  MAX_UPLOAD_MB: z.coerce.number().min(1).max(200).default(10),
  // Uploaded evidence files (佐证材料); default DATA_DIR/evidence. Production: a volume.
  EVIDENCE_DIR: z.string().min(1).optional(),
  // Behind a reverse proxy: which X-Forwarded-For hops to believe, so that the login rate limit
  // counts each client (not the proxy) and cookies are marked Secure when the proxy speaks HTTPS.
  TRUST_PROXY: z
    .string()
    .regex(/^(true|false|\d{1,2}|[\w.:/]+(,[\w.:/]+)*)$/, 'true, a number of hops, or comma-separated addresses/CIDRs')
    .default('false')
    .transform((v): boolean | number | string[] => (v === 'true' ? true : v === 'false' ? false : /^\d+$/.test(v) ? Number(v) : v.split(','))),
  // Notifications: links in messages point at PUBLIC_URL; no SMTP_URL, no email (a warning at start).
  PUBLIC_URL: z.string().url().default('http://127.0.0.1:3000'),
  SMTP_URL: z.string().url().refine((u) => /^smtps?:$/.test(new URL(u).protocol), 'smtp://user:pass@host:587 or smtps://…').optional(),
  MAIL_FROM: z.string().min(1).default('三张清单 <noreply@three-lists.local>'),
  NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  OFFICE_DIGEST_TIME: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'HH:MM').default('08:30'),
  // A prebuilt workflow bundle (npm run build:bundle); without it the worker bundles at start.
  WORKFLOW_BUNDLE: z.string().min(1).optional(),
}).superRefine((c, ctx) => {
  const problem = c.ADMIN_PASSWORD === undefined ? null : passwordProblem(c.ADMIN_PASSWORD, c.ADMIN_USERNAME);
  if (problem) ctx.addIssue({ code: 'custom', path: ['ADMIN_PASSWORD'], message: problem });
});

export type Config = z.infer<typeof schema> & { dataDir: string; evidenceDir: string };

export class ConfigError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`配置错误 / configuration error: ${setting}: ${message}`);
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  // An empty variable means "not set", as shells and compose files often leave them.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(String(issue.path[0] ?? '?'), issue.message);
  }
  const dataDir = path.resolve(parsed.data.DATA_DIR);
  return { ...parsed.data, dataDir, evidenceDir: path.resolve(parsed.data.EVIDENCE_DIR ?? path.join(dataDir, 'evidence')) };
}
