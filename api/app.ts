// Builds the HTTP API: other people's plugins (security headers, CORS, rate limits, OpenAPI), then
// ours (errors, failing fast while the database is down, authentication, idempotency), then one
// folder of routes per resource, then the dashboard at `/`.
import os from 'node:os';
import path from 'node:path';
import type { Client } from '@temporalio/client';
import Fastify, { LogController, type FastifyInstance } from 'fastify';
import { serializerCompiler } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import type { NotificationSettings } from '../activities/notifications/settings.js';
import type { DatabaseHandle } from '../db/client.js';
import { MeasureClient, TEMPORAL_CALL_TIMEOUT_MS } from './measure-client.js';
import authPlugin from './plugins/auth.js';
import availability from './plugins/availability.js';
import errorHandler, { clientErrorHandler, frameworkErrors } from './plugins/error-handler.js';
import housekeeping from './plugins/housekeeping.js';
import idempotency from './plugins/idempotency.js';
import security from './plugins/security.js';
import texts from './plugins/texts.js';
import docs from './plugins/swagger.js';
import web, { WEB_ROOT } from './plugins/web.js';
import { problemsOf, zhError, type Problem } from './schemas/messages.js';
import authRoutes from './routes/auth/index.js';
import calendarRoutes from './routes/calendar/index.js';
import departmentRoutes from './routes/departments/index.js';
import digestRoutes from './routes/digests/index.js';
import exportRoutes from './routes/exports/index.js';
import failedStepRoutes from './routes/failed-steps/index.js';
import healthRoutes from './routes/health/index.js';
import importRoutes from './routes/import/index.js';
import inboxRoutes from './routes/inbox/index.js';
import listRoutes from './routes/lists/index.js';
import queueRoutes from './routes/queues/index.js';
import measureRoutes from './routes/measures/index.js';
import evidenceRoutes from './routes/evidence/index.js';
import notificationRoutes from './routes/notifications/index.js';
import peopleRoutes from './routes/people/index.js';
import policyRoutes from './routes/policies/index.js';
import scorecardRoutes from './routes/scorecards/index.js';

export interface AppDeps {
  database: DatabaseHandle;
  temporal: Client;
  taskQueue: string;
  /** Temporal namespace, for links to the Temporal UI. */
  temporalNamespace?: string | undefined;
  temporalUiUrl?: string | undefined;
  logLevel?: string;
  /** Browser origins allowed to call the API (CORS); none by default. */
  corsOrigins?: string[] | undefined;
  /** How long a session lasts. */
  sessionTtlHours?: number | undefined;
  /** Login attempts allowed per minute from one address. */
  loginRateLimit?: number | undefined;
  /** Largest request body (an Excel workbook being the largest), in bytes. */
  bodyLimitBytes?: number | undefined;
  /** Where uploaded evidence files are kept (EVIDENCE_DIR); default a folder in the system's temporary directory (tests). */
  evidenceDir?: string | undefined;
  /** Where the log goes (default stdout); tests read it to check that no secret is written. */
  logStream?: NodeJS.WritableStream | undefined;
  /** X-Forwarded-* hops to believe behind a reverse proxy (Fastify's trustProxy). */
  trustProxy?: boolean | number | string[] | undefined;
  /** Links in digests, retries of failed deliveries, digest schedules (runtime/config.ts). */
  notifications?: Partial<NotificationSettings> | undefined;
  /** The built dashboard (default dist/web); served at `/`. */
  webRoot?: string | undefined;
}

export interface AppSettings {
  temporalNamespace: string;
  temporalUiUrl: string | undefined;
  corsOrigins: string[];
  sessionTtlHours: number;
  loginRateLimit: number;
}

declare module 'fastify' {
  interface FastifyInstance {
    deps: AppDeps;
    settings: AppSettings;
    measures: MeasureClient;
  }
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({
    logger: {
      level: deps.logLevel ?? 'info',
      // Secrets never reach the log: tokens, cookies, passwords.
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]', '*.password', '*.currentPassword', '*.newPassword', '*.token'],
      ...(deps.logStream ? { stream: deps.logStream } : {}),
    },
    bodyLimit: deps.bodyLimitBytes ?? 10 * 1024 * 1024,
    // A number of hops is given as a function: Fastify's types take no number.
    trustProxy: typeof deps.trustProxy === 'number' ? (_address: string, hop: number) => hop < (deps.trustProxy as number) : (deps.trustProxy ?? false),
    // One line per request is noise on a laptop; LOG_LEVEL=debug brings it back.
    logController: new LogController({ disableRequestLogging: deps.logLevel !== 'debug' && deps.logLevel !== 'trace' }),
    routerOptions: { ignoreTrailingSlash: true },
    frameworkErrors,
    clientErrorHandler,
  });
  app.decorate('deps', deps);
  app.decorate('settings', {
    temporalNamespace: deps.temporalNamespace ?? 'default',
    temporalUiUrl: deps.temporalUiUrl?.replace(/\/+$/, ''),
    corsOrigins: deps.corsOrigins ?? [],
    sessionTtlHours: deps.sessionTtlHours ?? 12,
    loginRateLimit: deps.loginRateLimit ?? 10,
  } satisfies AppSettings);
  app.decorate('measures', new MeasureClient(deps.temporal, deps.taskQueue, { timeoutMs: TEMPORAL_CALL_TIMEOUT_MS }));

  // One schema library: zod validates every request, with messages in Chinese naming each field.
  app.setValidatorCompiler(({ schema }) => (data) => {
    const result = (schema as z.ZodType).safeParse(data, { error: zhError });
    if (result.success) return { value: result.data };
    const problems = result.error.issues.flatMap((issue) => problemsOf(issue, schema as z.ZodType));
    return { error: Object.assign(new Error('validation'), { validation: problems.map(toValidationIssue) }) };
  });
  app.setSerializerCompiler(serializerCompiler);
  // JSON or a workbook, nothing else: a text/plain body is refused (415), not read as a string.
  app.removeContentTypeParser(['text/plain']);

  await app.register(security, { corsOrigins: app.settings.corsOrigins });
  await app.register(errorHandler);
  await app.register(availability);
  await app.register(texts);
  await app.register(docs);
  await app.register(authPlugin, { corsOrigins: app.settings.corsOrigins });
  await app.register(idempotency);
  await app.register(housekeeping);

  await app.register(healthRoutes);
  await app.register(authRoutes, { prefix: '/api/auth' });
  await app.register(peopleRoutes, { prefix: '/api/people' });
  await app.register(departmentRoutes, { prefix: '/api/departments' });
  await app.register(calendarRoutes, { prefix: '/api/calendar' });
  await app.register(policyRoutes, { prefix: '/api/policies' });
  await app.register(importRoutes, { prefix: '/api/import' });
  await app.register(measureRoutes, { prefix: '/api/measures' });
  await app.register(evidenceRoutes, { prefix: '/api', dir: deps.evidenceDir ?? path.join(os.tmpdir(), 'three-lists-evidence'), maxBytes: deps.bodyLimitBytes ?? 10 * 1024 * 1024 });
  await app.register(listRoutes, { prefix: '/api/lists' });
  await app.register(queueRoutes, { prefix: '/api/queues' });
  await app.register(scorecardRoutes, { prefix: '/api/scorecards' });
  await app.register(exportRoutes, { prefix: '/api/exports' });
  await app.register(inboxRoutes, { prefix: '/api/inbox' });
  await app.register(notificationRoutes, { prefix: '/api/notifications' });
  await app.register(failedStepRoutes, { prefix: '/api/failed-steps' });
  await app.register(digestRoutes, { prefix: '/api/digests' });
  await app.register(web, { root: deps.webRoot ?? WEB_ROOT });
  return app;
}

const ZOD_VALIDATION = Symbol.for('ZodFastifySchemaValidationError');

/** The shape fastify-type-provider-zod gives, so its error helpers recognise ours; `field` and the full message ride along. */
function toValidationIssue(problem: Problem) {
  const path = problem.field ? `/${problem.field.split('.').join('/')}` : '';
  return {
    [ZOD_VALIDATION]: true,
    keyword: 'zod',
    instancePath: path,
    schemaPath: `#${path}`,
    message: problem.message,
    params: { field: problem.field },
  };
}
