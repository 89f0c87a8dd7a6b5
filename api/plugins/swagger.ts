// OpenAPI 3 made from the routes' zod schemas, and an interactive page at /docs. What each
// operation can answer is derived from the route (api/openapi/operations.ts), so the document
// follows the server; test/api/fuzz.test.ts holds the server to the document.
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { finishDocument } from '../openapi/document.js';
import { documentedSchema } from '../openapi/operations.js';
import { SESSION_COOKIE } from './auth.js';
import { contentSecurityPolicy } from './security.js';

/** Every tag an operation may carry, in the order the page lists them. */
export const TAGS = [
  { name: 'auth', description: '登录与会话：登录、退出、本人信息、修改密码' },
  { name: 'lists', description: '三张清单：责任清单、督办清单、销号清单' },
  { name: 'measures', description: '措施：新建草稿、交办，以及签收、进展反馈、申请销号、销号审核、延期、撤销等操作（经 Temporal 工作流）' },
  { name: 'policies', description: '政策文件：新建、方面、导入（JSON 或 Excel）与督办规则版本' },
  { name: 'scorecards', description: '监督考核：部门的签收及时率、反馈及时率、逾期与销号率' },
  { name: 'exports', description: 'Excel 导出：清单与考核表，按打印格式排版' },
  { name: 'inbox', description: '站内消息：本人收到的通知' },
  { name: 'notifications', description: '通知渠道（邮件、企业微信、钉钉群机器人）与投递失败的通知' },
  { name: 'digests', description: '督办摘要：分管领导的定期摘要与统筹协调部门的每日汇总' },
  { name: 'people', description: '人员管理（管理员）' },
  { name: 'failed-steps', description: '失败步骤（管理员）：PostgreSQL 因数据拒绝写入的工作流步骤，可修复后重放或放弃' },
  { name: 'departments', description: '部门：所有人可读，管理员维护' },
  { name: 'calendar', description: '节假日管理：按年查看每一天，管理员录入次年安排、更正单日；调整后各措施的待办时限随之重算' },
  { name: 'health', description: '健康检查：PostgreSQL 与 Temporal 是否可用' },
];

const DOCS_ROUTES = ['/docs', '/docs/*', '/docs/json', '/docs/yaml', '/docs/static/*', '/docs/static/index.html', '/docs/static/swagger-initializer.js', '/docs/uiConfig', '/docs/initOAuth'];

export default fp(
  async function docs(app: FastifyInstance) {
    const zodTransform = createJsonSchemaTransform({ skipList: DOCS_ROUTES });
    await app.register(swagger, {
      openapi: {
        openapi: '3.0.3',
        info: {
          title: '三张清单 API / three-lists API',
          description:
            '责任清单、督办清单、销号清单的 HTTP 接口。除 `/health` 与登录外，每个接口都需要登录：`Authorization: Bearer <token>`（由 `POST /api/auth/login` 取得），或仪表板的会话 Cookie。' +
            '错误统一为 `{code, message, field?, errors?}`：`code` 为英文错误码，`message` 为中英文说明，`field` 指明出错的字段，`errors` 逐项列出每个问题 `{field, message}`。' +
            '已登录的 POST 接口接受 `Idempotency-Key` 请求头，重复请求不会重复生效。',
          version: '0.1.0',
          license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
        },
        // Relative: the API is wherever this document was fetched from.
        servers: [{ url: '/', description: '本服务 / this server' }],
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', description: '`POST /api/auth/login` 返回的 token' },
            session: {
              type: 'apiKey',
              in: 'cookie',
              name: SESSION_COOKIE,
              description: '登录时设置的 httpOnly Cookie（仪表板使用）；带 Cookie 的修改请求来自其他站点时被拒绝（403）',
            },
          },
        },
        security: [{ bearer: [] }, { session: [] }],
        tags: TAGS,
      },
      transform: (input) => {
        const { schema, url, route } = input;
        if (!schema || DOCS_ROUTES.includes(url) || schema.hide) return zodTransform(input);
        return zodTransform({ ...input, schema: documentedSchema(route, schema as Parameters<typeof documentedSchema>[1]) as typeof schema });
      },
      transformObject: (input) => finishDocument(jsonSchemaTransformObject(input) as Record<string, unknown>) as ReturnType<typeof jsonSchemaTransformObject>,
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      // The plugin's own policy for the page, set here so that it follows the request's protocol.
      staticCSP: false,
      uiHooks: {
        onRequest: (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
          const hashes = app.swaggerCSP;
          reply.header(
            'content-security-policy',
            contentSecurityPolicy(request, {
              'default-src': ["'self'"],
              'base-uri': ["'self'"],
              'font-src': ["'self'", 'https:', 'data:'],
              'frame-ancestors': ["'self'"],
              'img-src': ["'self'", 'data:'],
              'object-src': ["'none'"],
              'script-src': ["'self'", ...hashes.script],
              'script-src-attr': ["'none'"],
              'style-src': ["'self'", 'https:', ...hashes.style],
            }),
          );
          done();
        },
      },
      uiConfig: { docExpansion: 'list', deepLinking: true, persistAuthorization: true },
    });
  },
  { name: 'docs', dependencies: ['security'] },
);
