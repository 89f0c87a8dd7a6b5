// Authentication and role checks for every route under /api. A route is open only when it says
// `config: { public: true }`; `config: { roles: [...] }` limits it to those roles. The token comes
// from `Authorization: Bearer <token>` or, for the dashboard, the httpOnly session cookie.
import { and, eq, gt, isNull } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { ZodType } from 'zod';
import { leaderAreas, leaderDepartments, people, sessions } from '../../db/schema/index.js';
import type { Actor } from '../../workflows/measure-types.js';
import { hashToken } from '../auth/passwords.js';
import { forbidden, unauthorized } from '../errors.js';
import type { Role } from '../schemas/common.js';

export const SESSION_COOKIE = 'tl_session';

export interface Principal {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  departmentId: string | null;
  sessionId: string;
  /** For leaders: what they oversee. */
  leaderDepartmentIds: string[];
  leaderAreaIds: string[];
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
  interface FastifyContextConfig {
    /** Reachable without signing in. */
    public?: boolean;
    /** Only these roles may call the route. */
    roles?: Role[];
    /** A multipart upload's form, for the OpenAPI document only (the handler reads the parts). */
    multipartBody?: ZodType;
  }
}

/** The signed-in person; routes behind authentication may rely on it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw unauthorized();
  return request.principal;
}

/** The actor the measure workflow records: the person, in their role, for their department. */
export function actorOf(p: Principal): Actor {
  return { id: p.id, role: p.role, ...(p.departmentId ? { departmentId: p.departmentId } : {}) };
}

export interface AuthOptions {
  corsOrigins: string[];
}

function tokenOf(request: FastifyRequest): { token: string; via: 'header' | 'cookie' } | null {
  const header = request.headers.authorization;
  if (header) {
    const m = /^Bearer\s+(\S+)$/i.exec(header);
    if (!m) throw unauthorized('Authorization 头格式应为 Bearer <token> / expected a Bearer token');
    return { token: m[1]!, via: 'header' };
  }
  const cookie = request.cookies?.[SESSION_COOKIE];
  return cookie ? { token: cookie, via: 'cookie' } : null;
}

export default fp<AuthOptions>(
  async function auth(app: FastifyInstance, opts) {
    app.decorateRequest('principal', null);
    const db = app.deps.database.db;

    async function lookup(token: string): Promise<Principal | null> {
      const [row] = await db
        .select({
          sessionId: sessions.id,
          id: people.id,
          username: people.username,
          displayName: people.displayName,
          role: people.role,
          departmentId: people.departmentId,
        })
        .from(sessions)
        .innerJoin(people, eq(people.id, sessions.personId))
        .where(and(eq(sessions.tokenHash, hashToken(token)), isNull(sessions.revokedAt), gt(sessions.expiresAt, new Date()), eq(people.active, true)));
      if (!row) return null;
      let leaderDepartmentIds: string[] = [];
      let leaderAreaIds: string[] = [];
      if (row.role === 'leader') {
        leaderDepartmentIds = (await db.select({ id: leaderDepartments.departmentId }).from(leaderDepartments).where(eq(leaderDepartments.leaderId, row.id))).map((r) => r.id);
        leaderAreaIds = (await db.select({ id: leaderAreas.areaId }).from(leaderAreas).where(eq(leaderAreas.leaderId, row.id))).map((r) => r.id);
      }
      return { ...row, leaderDepartmentIds, leaderAreaIds };
    }

    app.addHook('onRequest', async (request) => {
      const config = request.routeOptions.config;
      // Only our API is guarded here: /health, /docs and unknown paths answer for themselves.
      if (!request.routeOptions.url?.startsWith('/api/') || config.public) return;
      const found = tokenOf(request);
      if (!found) throw unauthorized();
      const principal = await lookup(found.token);
      if (!principal) throw unauthorized('登录已失效，请重新登录 / session expired or revoked');
      if (found.via === 'cookie' && !['GET', 'HEAD', 'OPTIONS'].includes(request.method)) {
        // A cookie rides along with any request the browser makes: a changing request from
        // another origin is refused (SameSite=Strict already stops most of them).
        const origin = request.headers.origin;
        if (origin && origin !== `${request.protocol}://${request.host}` && !opts.corsOrigins.includes(origin)) {
          throw forbidden('跨站请求被拒绝 / cross-site request refused');
        }
      }
      request.principal = principal;
      if (config.roles && !config.roles.includes(principal.role)) throw forbidden(`您的角色无权执行此操作 / not allowed for role ${principal.role}`);
    });
  },
  { name: 'auth', dependencies: ['security'] },
);
